//! The API's error body and its codes, with the HTTP status each one carries.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    InvalidRequest,
    NotMovable,
    MoveInProgress,
    /// R24: a started move can no longer be rescheduled or canceled.
    MoveStarted,
    /// R24: a scheduled move's requester may no longer move channels at its start.
    RequesterNotAllowed,
    /// R28: this server waits for its set-up; nothing else answers until then.
    SetupNeeded,
    /// R28: set-up happened already; it never happens twice.
    AlreadySetUp,
    /// R29: the request clashes with what exists (an email someone signs in with).
    Conflict,
    /// R29: the change would leave no active super admin.
    LastSuperAdmin,
    /// R29: a one-time link that was used, replaced or has expired.
    LinkExpired,
    /// R31: the status is in use, or the last of its state.
    StatusInUse,
    /// R32: no email channel has the message's recipient address.
    UnknownRecipient,
    /// R32: what came is not a mail message (no headers, no From).
    NotAMessage,
    /// R33: answers go out by email, and the server has no relay.
    NoOutboundMail,
    AlreadyInHelpDesk,
    TicketExists,
    Csrf,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    Unavailable,
    Internal,
}

impl ErrorCode {
    /// The HTTP status code the API answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Unauthenticated => 401,
            ErrorCode::NotAMessage => 400,
            ErrorCode::Forbidden | ErrorCode::Csrf | ErrorCode::RequesterNotAllowed => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::InvalidRequest | ErrorCode::UnknownRecipient => 422,
            ErrorCode::NotMovable
            | ErrorCode::MoveInProgress
            | ErrorCode::MoveStarted
            | ErrorCode::AlreadyInHelpDesk
            | ErrorCode::TicketExists
            | ErrorCode::AlreadySetUp
            | ErrorCode::Conflict
            | ErrorCode::LastSuperAdmin
            | ErrorCode::StatusInUse
            | ErrorCode::NoOutboundMail => 409,
            ErrorCode::LinkExpired => 410,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::RateLimited => 429,
            ErrorCode::Unavailable | ErrorCode::SetupNeeded => 503,
            ErrorCode::Internal => 500,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// `{"error": {"code", "message"}, "request_id"}`: the body of every non-2xx
/// answer; the id finds the server's log line of the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ApiError,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}
