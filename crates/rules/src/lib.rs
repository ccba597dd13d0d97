//! Deskmove's domain and every migration rule: pure Rust, no I/O, no clock; the browser and the server both ask it.

pub mod answers;
#[cfg(any(test, feature = "demo"))]
pub mod demo;
pub mod domain;
pub mod error;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod inboxes;
pub mod mail;
pub mod movability;
pub mod plan;
pub mod progress;
pub mod requests;
pub mod said;
pub mod scope;
pub mod setup;
pub mod sla;
pub mod statuses;
pub mod text;
pub mod users;
pub mod validation;
pub mod warnings;

pub use domain::*;
pub use error::{ApiError, ErrorBody, ErrorCode};
pub use movability::{
    has_help_desk_access, may_move, movability, refusal, refused_already_in_help_desk,
    refused_move_in_progress, requester_may_start, MoveCandidate, RunningMove,
};
pub use plan::{plan_history_ticket, HistoricalConversation, TicketPlan};
pub use requests::validate_sign_in;
pub use said::Said;
pub use validation::{
    validate_move_request, validate_start_at, FieldError, StatusMapping, ValidMove,
};
pub use warnings::{warnings, WarningFacts};
