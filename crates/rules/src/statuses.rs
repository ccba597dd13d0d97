//! R31: the help desk pipeline's ticket statuses, as super admins add, rename,
//! reorder, re-state and delete them. A pipeline always keeps one open and one
//! closed status; one in use is never deleted.

use serde::{Deserialize, Serialize};

use crate::domain::{Pipeline, StatusId, StatusState};
use crate::error::{ApiError, ErrorCode};
use crate::requests::all_or_errors;
use crate::said::Said;
use crate::setup::check_name;
use crate::validation::FieldError;

/// The statuses a new account's pipeline starts with (R28 set-up): the demo's.
pub const FIRST_STATUSES: [(&str, StatusState); 4] = [
    ("New", StatusState::Open),
    ("Waiting on contact", StatusState::Open),
    ("Waiting on us", StatusState::Open),
    ("Closed", StatusState::Closed),
];

/// The name a new account's pipeline gets.
pub const FIRST_PIPELINE: &str = "Support pipeline";

/// `POST /api/pipelines/{id}/statuses`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewStatus {
    pub label: String,
    pub state: StatusState,
}

/// `PATCH /api/pipelines/{id}/statuses/{sid}`: what changes; `position` counts
/// from 0, the pipeline's first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<StatusState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
}

/// What uses a status, so that it can't be deleted (R31), each named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusUse {
    /// `n` tickets have it.
    Tickets(u64),
    /// The channel of this name gives it to new tickets (R6).
    Channel(String),
    /// A scheduled or running move of the channel of this name maps to it (R9).
    Move(String),
}

/// A label of 1–80 characters that no other status of the pipeline has (without case).
fn check_label(
    label: &str,
    pipeline: &Pipeline,
    except: Option<StatusId>,
    errors: &mut Vec<FieldError>,
) {
    let before = errors.len();
    check_name("label", "status name", label, errors);
    let taken = pipeline.statuses.iter().any(|s| {
        Some(s.id) != except && s.label.trim().to_lowercase() == label.trim().to_lowercase()
    });
    if errors.len() == before && taken {
        errors.push(FieldError::new(
            "label",
            Said::StatusLabelTaken {
                label: label.trim().to_string(),
            },
        ));
    }
}

/// Whether `statuses` hold an open and a closed one.
fn both_states(states: impl Iterator<Item = StatusState> + Clone) -> bool {
    states.clone().any(|s| s == StatusState::Open)
        && states.into_iter().any(|s| s == StatusState::Closed)
}

pub fn validate_new_status(new: &NewStatus, pipeline: &Pipeline) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    check_label(&new.label, pipeline, None, &mut errors);
    all_or_errors(errors, ())
}

/// Every field of a change to status `id` that is wrong; a state change that
/// would leave the pipeline without an open or a closed status is one.
pub fn validate_status_patch(
    patch: &StatusPatch,
    pipeline: &Pipeline,
    id: StatusId,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if *patch == StatusPatch::default() {
        errors.push(FieldError::plain(
            "label",
            "Say what changes: label, state or position.",
        ));
    }
    if let Some(label) = &patch.label {
        check_label(label, pipeline, Some(id), &mut errors);
    }
    if let Some(state) = patch.state {
        let after = pipeline
            .statuses
            .iter()
            .map(|s| if s.id == id { state } else { s.state });
        if !both_states(after) {
            errors.push(FieldError::new(
                "state",
                Said::LastOfItsState {
                    state: other(state),
                },
            ));
        }
    }
    if patch
        .position
        .is_some_and(|p| p as usize >= pipeline.statuses.len())
    {
        errors.push(FieldError::plain(
            "position",
            format!(
                "A position is 0 to {}: the pipeline has {} statuses.",
                pipeline.statuses.len().saturating_sub(1),
                pipeline.statuses.len()
            ),
        ));
    }
    all_or_errors(errors, ())
}

fn other(state: StatusState) -> StatusState {
    match state {
        StatusState::Open => StatusState::Closed,
        StatusState::Closed => StatusState::Open,
    }
}

/// R31: why status `id` can't be deleted, if it can't: it is the last of its
/// state, or something uses it.
pub fn deletion_refused(pipeline: &Pipeline, id: StatusId, uses: &[StatusUse]) -> Option<ApiError> {
    let status = pipeline.status(id)?;
    let rest = pipeline
        .statuses
        .iter()
        .filter(|s| s.id != id)
        .map(|s| s.state);
    if !both_states(rest) {
        let said = Said::LastOfItsState {
            state: status.state,
        };
        return Some(ApiError::new(ErrorCode::StatusInUse, said.english()));
    }
    if uses.is_empty() {
        return None;
    }
    let said = Said::StatusInUse {
        label: status.label.clone(),
        tickets: uses
            .iter()
            .map(|u| match u {
                StatusUse::Tickets(n) => *n,
                _ => 0,
            })
            .sum(),
        channels: uses
            .iter()
            .filter_map(|u| match u {
                StatusUse::Channel(c) => Some(c.clone()),
                _ => None,
            })
            .collect(),
        moves: uses
            .iter()
            .filter_map(|u| match u {
                StatusUse::Move(c) => Some(c.clone()),
                _ => None,
            })
            .collect(),
    };
    Some(ApiError::new(ErrorCode::StatusInUse, said.english()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    fn fields(r: Result<(), Vec<FieldError>>) -> Vec<&'static str> {
        r.err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_new_status_has_a_name_of_its_own() {
        // R31
        let p = demo::pipeline();
        let new = |label: &str| NewStatus {
            label: label.into(),
            state: StatusState::Open,
        };
        assert_eq!(validate_new_status(&new("Escalated"), &p), Ok(()));
        assert_eq!(fields(validate_new_status(&new(" "), &p)), ["label"]);
        assert_eq!(fields(validate_new_status(&new("closed"), &p)), ["label"]);
        assert_eq!(
            fields(validate_new_status(&new(&"x".repeat(81)), &p)),
            ["label"]
        );
    }

    #[test]
    fn one_open_and_one_closed_status_always_remain() {
        // R31: the demo has three open statuses and one closed.
        let p = demo::pipeline();
        let reopen = StatusPatch {
            state: Some(StatusState::Open),
            ..StatusPatch::default()
        };
        assert_eq!(
            fields(validate_status_patch(&reopen, &p, demo::CLOSED)),
            ["state"]
        );
        let close = StatusPatch {
            state: Some(StatusState::Closed),
            ..StatusPatch::default()
        };
        assert_eq!(validate_status_patch(&close, &p, demo::NEW), Ok(()));
        let refused = deletion_refused(&p, demo::CLOSED, &[]).unwrap();
        assert_eq!(refused.code, ErrorCode::StatusInUse);
        assert!(refused.message.contains("closed"), "{}", refused.message);
        assert_eq!(deletion_refused(&p, demo::NEW, &[]), None);
    }

    #[test]
    fn a_status_in_use_names_what_uses_it() {
        // R31
        let p = demo::pipeline();
        let refused = deletion_refused(
            &p,
            demo::WAITING_ON_US,
            &[
                StatusUse::Tickets(12),
                StatusUse::Channel("Support email".into()),
                StatusUse::Move("Sales email".into()),
            ],
        )
        .unwrap();
        assert_eq!(refused.code.http_status(), 409);
        for named in [
            "Waiting on us",
            "12 tickets",
            "Support email",
            "Sales email",
        ] {
            assert!(
                refused.message.contains(named),
                "{named}: {}",
                refused.message
            );
        }
    }

    #[test]
    fn a_position_is_within_the_pipeline_and_a_patch_says_what_changes() {
        let p = demo::pipeline();
        let far = StatusPatch {
            position: Some(4),
            ..StatusPatch::default()
        };
        assert_eq!(
            fields(validate_status_patch(&far, &p, demo::NEW)),
            ["position"]
        );
        assert_eq!(
            fields(validate_status_patch(
                &StatusPatch::default(),
                &p,
                demo::NEW
            )),
            ["label"]
        );
        let rename = StatusPatch {
            label: Some("New".into()),
            ..StatusPatch::default()
        };
        assert_eq!(
            validate_status_patch(&rename, &p, demo::NEW),
            Ok(()),
            "its own name"
        );
    }
}
