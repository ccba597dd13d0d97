//! The API's error answer: every refusal is `{"error": {"code", "message"}}` with its status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use deskmove_rules::{ApiError, ErrorBody, ErrorCode};

use crate::store::StoreError;

#[derive(Debug)]
pub struct AppError(pub ApiError);

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError(ApiError::new(code, message))
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("No {what} with that id."))
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "Sign in to continue.")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, message)
    }

    /// A failure of the server's own (logged with `what`), said without detail.
    pub fn internal(what: impl std::fmt::Display) -> Self {
        tracing::error!(error = %what, "internal failure");
        Self::new(
            ErrorCode::Internal,
            "Something went wrong on the server. Nothing was changed.",
        )
    }
}

impl From<ApiError> for AppError {
    fn from(e: ApiError) -> Self {
        AppError(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        // A full disk, a read-only file or a long lock is the machine's trouble, not
        // the client's: say so and let them retry.
        if e.fault().is_some() {
            tracing::warn!(error = %e, "database unavailable");
            return Self::new(
                ErrorCode::Unavailable,
                "The database can't take this change right now. Nothing was changed; try again in a moment.",
            );
        }
        tracing::error!(error = %e, "store failure");
        Self::new(
            ErrorCode::Internal,
            "Something went wrong on the server. Nothing was changed.",
        )
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            error: self.0,
            request_id: crate::observe::request_id(),
        };
        (status, Json(body)).into_response()
    }
}

impl crate::store::Refusal {
    /// The API's answer to a refused change; `what` names the thing a 404 lacks.
    pub fn answer(self, what: &str) -> AppError {
        use crate::store::Refusal;
        match self {
            Refusal::NotFound => AppError::not_found(what),
            Refusal::Invalid(errors) => {
                AppError(deskmove_rules::validation::invalid_request(&errors))
            }
            Refusal::Refused(refused) => AppError(refused),
            Refusal::Store(e) => e.into(),
        }
    }
}
