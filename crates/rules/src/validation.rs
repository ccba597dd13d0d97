//! Validation of a move request, field by field, in words a person understands (R9).

use chrono::{DateTime, Duration, Utc};

use crate::domain::{
    ChannelId, ConversationStatus, HistoryChoice, MoveRequest, Pipeline, PipelineId,
    PipelineStatus, StatusId, StatusState,
};
use crate::error::{ApiError, ErrorCode};
use crate::requests::all_or_errors;
use crate::said::Said;

/// One field that is wrong, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field's path in the request body, e.g. `history.open_status_id`.
    pub field: &'static str,
    /// In English, as the API says it.
    pub message: String,
    /// The same as facts, where the app shows it and words it itself (R27).
    pub said: Option<Said>,
}

impl FieldError {
    pub fn new(field: &'static str, said: Said) -> Self {
        FieldError {
            field,
            message: said.english(),
            said: Some(said),
        }
    }

    /// One only the API says (in English), never shown by the app as a field's error.
    pub fn plain(field: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
            said: None,
        }
    }
}

/// Which new ticket status the history's open and closed conversations get (R9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusMapping {
    pub pipeline_id: PipelineId,
    pub open_status_id: StatusId,
    pub closed_status_id: StatusId,
}

impl StatusMapping {
    pub fn status_for(&self, status: ConversationStatus) -> StatusId {
        match status {
            ConversationStatus::Open => self.open_status_id,
            ConversationStatus::Closed => self.closed_status_id,
        }
    }
}

/// A move request that passed validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidMove {
    /// `None` when the text names no channel of ours (the API answers 404).
    pub channel_id: Option<ChannelId>,
    /// `None` for "Don't move any conversations".
    pub history: Option<StatusMapping>,
    pub mute_notifications: bool,
}

pub const FIELD_CHANNEL: &str = "channel_id";
pub const FIELD_PIPELINE: &str = "history";
pub const FIELD_OPEN_STATUS: &str = "history.open_status_id";
pub const FIELD_CLOSED_STATUS: &str = "history.closed_status_id";

/// R9: "All conversations" needs a new ticket status for Open and one for Closed,
/// each from the help desk pipeline. **decision**: any status of the pipeline may be
/// chosen for either; [`natural_status`] is only a suggestion.
pub fn validate_move_request(
    req: &MoveRequest,
    pipeline: Option<&Pipeline>,
) -> Result<ValidMove, Vec<FieldError>> {
    let mut errors = Vec::new();
    if req.channel_id.trim().is_empty() {
        errors.push(FieldError::new(FIELD_CHANNEL, Said::PickChannel));
    }
    let history = match (&req.history, pipeline) {
        (_, None) => {
            errors.push(FieldError::new(FIELD_PIPELINE, Said::NoPipeline));
            None
        }
        (HistoryChoice::None, Some(_)) => None,
        (
            HistoryChoice::All {
                open_status_id,
                closed_status_id,
            },
            Some(pipeline),
        ) => {
            let open = check_status(
                pipeline,
                open_status_id.as_deref(),
                FIELD_OPEN_STATUS,
                ConversationStatus::Open,
            );
            let closed = check_status(
                pipeline,
                closed_status_id.as_deref(),
                FIELD_CLOSED_STATUS,
                ConversationStatus::Closed,
            );
            match (open, closed) {
                (Ok(open), Ok(closed)) => Some(StatusMapping {
                    pipeline_id: pipeline.id,
                    open_status_id: open.id,
                    closed_status_id: closed.id,
                }),
                (open, closed) => {
                    errors.extend(open.err());
                    errors.extend(closed.err());
                    None
                }
            }
        }
    };
    all_or_errors(
        errors,
        ValidMove {
            channel_id: ChannelId::parse(req.channel_id.trim()),
            history,
            mute_notifications: req.mute_notifications,
        },
    )
}

fn check_status<'p>(
    pipeline: &'p Pipeline,
    id: Option<&str>,
    field: &'static str,
    which: ConversationStatus,
) -> Result<&'p PipelineStatus, FieldError> {
    match id.map(str::trim) {
        None | Some("") => Err(FieldError::new(field, Said::PickStatus { which })),
        Some(id) => StatusId::parse(id)
            .and_then(|id| pipeline.status(id))
            .ok_or_else(|| {
                FieldError::new(
                    field,
                    Said::StatusNotInPipeline {
                        which,
                        pipeline: pipeline.name.clone(),
                    },
                )
            }),
    }
}

pub const FIELD_START_AT: &str = "start_at";

/// R24: a move is scheduled at most this many days ahead.
pub const MAX_SCHEDULE_DAYS: u32 = 30;

/// R24: when a move starts. No time (or an empty one) is "Start now"; a time must
/// be RFC 3339, after `now`, and at most [`MAX_SCHEDULE_DAYS`] days ahead.
pub fn validate_start_at(
    text: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, FieldError> {
    let text = match text.map(str::trim) {
        None | Some("") => return Ok(None),
        Some(t) => t,
    };
    let at = DateTime::parse_from_rfc3339(text)
        .map_err(|_| FieldError::new(FIELD_START_AT, Said::StartAtNotATime))?
        .with_timezone(&Utc);
    if at <= now {
        Err(FieldError::new(FIELD_START_AT, Said::StartAtPast))
    } else if at > now + Duration::days(MAX_SCHEDULE_DAYS.into()) {
        Err(FieldError::new(
            FIELD_START_AT,
            Said::StartAtTooFar {
                days: MAX_SCHEDULE_DAYS,
            },
        ))
    } else {
        Ok(Some(at))
    }
}

/// The status the dialog suggests for a conversation status: the pipeline's first
/// status in the matching state (New for Open, Closed for Closed in the demo).
pub fn natural_status(pipeline: &Pipeline, status: ConversationStatus) -> Option<&PipelineStatus> {
    let state = match status {
        ConversationStatus::Open => StatusState::Open,
        ConversationStatus::Closed => StatusState::Closed,
    };
    pipeline.first_in_state(state)
}

/// The API's 422 for failed validation; the message names each field.
pub fn invalid_request(errors: &[FieldError]) -> ApiError {
    let message = errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join(" ");
    ApiError::new(ErrorCode::InvalidRequest, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{CLOSED, NEW, PIPELINE, WAITING_ON_US};
    use crate::fixtures::pipeline;

    fn all(open: Option<&str>, closed: Option<&str>) -> MoveRequest {
        MoveRequest {
            channel_id: "c1".into(),
            history: HistoryChoice::All {
                open_status_id: open.map(Into::into),
                closed_status_id: closed.map(Into::into),
            },
            mute_notifications: false,
            start_at: None,
        }
    }

    #[test]
    fn a_start_is_now_or_a_future_time_within_thirty_days() {
        // R24
        let now = DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(validate_start_at(None, now), Ok(None));
        assert_eq!(validate_start_at(Some("  "), now), Ok(None));
        assert_eq!(
            validate_start_at(Some("2026-12-02T03:00:00+01:00"), now),
            Ok(Some(
                DateTime::parse_from_rfc3339("2026-12-02T02:00:00Z")
                    .unwrap()
                    .with_timezone(&Utc)
            )),
            "the offset is honoured"
        );
        assert!(validate_start_at(Some("2026-12-31T10:00:00Z"), now).is_ok());
        let said = |t: &str| validate_start_at(Some(t), now).unwrap_err().said;
        assert_eq!(
            said("2026-12-31T10:00:01Z"),
            Some(Said::StartAtTooFar { days: 30 })
        );
        assert_eq!(said("2026-12-01T10:00:00Z"), Some(Said::StartAtPast));
        assert_eq!(said("2026-11-30T23:00:00Z"), Some(Said::StartAtPast));
        assert_eq!(said("tomorrow at two"), Some(Said::StartAtNotATime));
        assert_eq!(
            said("2026-12-02T02:00"),
            Some(Said::StartAtNotATime),
            "an offset is needed"
        );
        assert_eq!(
            validate_start_at(Some("x"), now).unwrap_err().field,
            FIELD_START_AT
        );
    }

    #[test]
    fn all_conversations_with_two_pipeline_statuses_is_valid() {
        // R9
        let v = validate_move_request(&all(Some("3"), Some("4")), Some(&pipeline())).unwrap();
        assert_eq!(
            v.history,
            Some(StatusMapping {
                pipeline_id: PIPELINE,
                open_status_id: WAITING_ON_US,
                closed_status_id: CLOSED
            })
        );
        let m = v.history.unwrap();
        assert_eq!(m.status_for(ConversationStatus::Open), WAITING_ON_US);
        assert_eq!(m.status_for(ConversationStatus::Closed), CLOSED);
    }

    #[test]
    fn any_pipeline_status_may_be_chosen_for_either() {
        // R9 decision
        assert!(validate_move_request(&all(Some("4"), Some("1")), Some(&pipeline())).is_ok());
    }

    #[test]
    fn all_conversations_without_statuses_names_both_fields() {
        // R9
        let errs = validate_move_request(&all(None, Some(" ")), Some(&pipeline())).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec![FIELD_OPEN_STATUS, FIELD_CLOSED_STATUS]);
        assert_eq!(
            errs[0].message,
            "Pick a new ticket status for open conversations."
        );
        assert_eq!(
            errs[1].message,
            "Pick a new ticket status for closed conversations."
        );
    }

    #[test]
    fn a_status_outside_the_help_desk_pipeline_is_refused() {
        // R9
        let errs =
            validate_move_request(&all(Some("3"), Some("99")), Some(&pipeline())).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, FIELD_CLOSED_STATUS);
        assert!(errs[0].message.contains("“Support pipeline”"));
    }

    #[test]
    fn dont_move_any_conversations_needs_no_status() {
        // R9
        let req = MoveRequest {
            channel_id: "c1".into(),
            history: HistoryChoice::None,
            mute_notifications: true,
            start_at: None,
        };
        let v = validate_move_request(&req, Some(&pipeline())).unwrap();
        assert_eq!(v.history, None);
        assert!(v.mute_notifications);
    }

    #[test]
    fn a_move_needs_a_channel_and_a_help_desk_pipeline() {
        // R9
        let mut req = all(Some("1"), Some("4"));
        req.channel_id = "".into();
        let errs = validate_move_request(&req, None).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec![FIELD_CHANNEL, FIELD_PIPELINE]);
    }

    #[test]
    fn the_natural_status_is_the_first_of_the_matching_state() {
        // R9
        let p = pipeline();
        assert_eq!(
            natural_status(&p, ConversationStatus::Open).unwrap().id,
            NEW
        );
        assert_eq!(
            natural_status(&p, ConversationStatus::Closed).unwrap().id,
            CLOSED
        );
    }

    #[test]
    fn invalid_request_names_each_field_in_its_message() {
        // R9
        let errs = validate_move_request(&all(None, None), Some(&pipeline())).unwrap_err();
        let e = invalid_request(&errs);
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        assert!(e.message.contains("history.open_status_id: Pick"));
        assert!(e.message.contains("history.closed_status_id: Pick"));
    }

    #[test]
    fn a_missing_status_in_json_reaches_validation_not_a_parse_error() {
        // R9: the wire type accepts the gap so the message can name the field.
        let req: MoveRequest =
            serde_json::from_str(r#"{"channel_id":"c1","history":{"mode":"all"}}"#).unwrap();
        assert!(!req.mute_notifications);
        assert_eq!(
            validate_move_request(&req, Some(&pipeline()))
                .unwrap_err()
                .len(),
            2
        );
        let none: MoveRequest = serde_json::from_str(
            r#"{"channel_id":"c1","history":{"mode":"none"},"mute_notifications":true}"#,
        )
        .unwrap();
        assert_eq!(none.history, HistoryChoice::None);
    }
}
