//! Starting a move: the same checks whether a super admin starts it now, schedules
//! it, or its scheduled time comes (R24: "exactly as Start now would").

use chrono::{DateTime, Utc};
use deskmove_rules::validation::{invalid_request, validate_start_at};
use deskmove_rules::{
    refusal, refused_already_in_help_desk, refused_move_in_progress, requester_may_start,
    validate_move_request, AccountId, ApiError, ChannelId, ErrorCode, HistoryChoice, MoveId,
    MoveRequest, Said, UserId,
};

use crate::catalog::Catalog;
use crate::error::AppError;
use crate::store::{MoveRow, NewMove, StartError, Store, StoreError};

/// Why a move may not start: the API's refusal, with the rules' facts behind it
/// (what a scheduled move that fails records, for the app to word).
#[derive(Debug)]
pub struct Refused {
    pub error: ApiError,
    pub said: Vec<Said>,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{}", .0.error)]
    Refused(Refused),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<CheckError> for AppError {
    fn from(e: CheckError) -> Self {
        match e {
            CheckError::Refused(r) => AppError(r.error),
            CheckError::Store(e) => e.into(),
        }
    }
}

fn refused(error: ApiError, said: Vec<Said>) -> CheckError {
    CheckError::Refused(Refused { error, said })
}

/// Checks in API.md's order (the role and the body were checked before): channel,
/// movability (already in help desk, not movable, move in progress), statuses and
/// start time. `scheduled` is the scheduled move being started, which does not
/// stand in its own way.
pub async fn check_start(
    store: &Store,
    account: AccountId,
    requested_by: UserId,
    req: &MoveRequest,
    scheduled: Option<MoveId>,
    now: DateTime<Utc>,
) -> Result<NewMove, CheckError> {
    let mut catalog = Catalog::load(store, account).await?;
    if scheduled.is_some() {
        // R24: the start runs under its requester, who may have lost the right
        // to move channels since scheduling it.
        let requester = catalog.users.iter().find(|u| u.id == requested_by);
        requester_may_start(requester)
            .map_err(|error| refused(error, vec![Said::RequesterNotAllowed]))?;
        if catalog.active_move.as_ref().map(|m| m.id) == scheduled {
            catalog.active_move = None;
        }
    }
    let row = ChannelId::parse(req.channel_id.trim())
        .and_then(|id| catalog.channel_row(id))
        .ok_or_else(|| {
            refused(
                ApiError::new(ErrorCode::NotFound, "No channel with that id."),
                Vec::new(),
            )
        })?;
    let movability = catalog.movability(row);
    if let Some(error) = refusal(&movability) {
        let said = movability.reasons.into_iter().map(|b| b.said).collect();
        return Err(refused(error, said));
    }
    let pipeline = store.pipeline(account).await?;
    let valid = validate_move_request(req, pipeline.as_ref());
    let start_at = validate_start_at(req.start_at.as_deref(), now);
    let (valid, start_at) = match (valid, start_at) {
        (Ok(v), Ok(at)) => (v, at),
        (valid, start_at) => {
            let mut errors = valid.err().unwrap_or_default();
            errors.extend(start_at.err());
            let said = errors.iter().filter_map(|e| e.said.clone()).collect();
            return Err(refused(invalid_request(&errors), said));
        }
    };
    Ok(NewMove {
        account_id: account,
        channel_id: row.id,
        requested_by,
        history: valid
            .history
            .map(|m| (m.open_status_id, m.closed_status_id)),
        mute_notifications: valid.mute_notifications,
        start_at,
    })
}

/// The request a scheduled move was made from, to check it again at its time.
pub fn request_of(row: &MoveRow) -> MoveRequest {
    MoveRequest {
        channel_id: row.channel_id.to_string(),
        history: match row.history {
            Some((open, closed)) => HistoryChoice::All {
                open_status_id: Some(open.to_string()),
                closed_status_id: Some(closed.to_string()),
            },
            None => HistoryChoice::None,
        },
        mute_notifications: row.mute_notifications,
        start_at: None,
    }
}

/// A start that lost a race inside its transaction, as the API refuses it.
pub fn start_refused(e: StartError) -> CheckError {
    match e {
        StartError::MoveInProgress => refused(
            refused_move_in_progress(),
            vec![Said::AnotherMoving { channel: None }],
        ),
        StartError::AlreadyInHelpDesk => refused(
            refused_already_in_help_desk(),
            vec![Said::AlreadyInHelpDesk],
        ),
        StartError::Store(e) => CheckError::Store(e),
    }
}
