//! What handlers take from a request, parsed once at the edge; every rejection is
//! the API's error body.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::header;
use axum::http::request::Parts;
use deskmove_rules::{ChannelId, ConversationId, ErrorCode, MoveId, TicketId};
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use crate::error::AppError;
use crate::AppState;

/// A JSON body parsed into the rules crate's type; a malformed one is a 422 that says why.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let code = if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ErrorCode::PayloadTooLarge
            } else {
                ErrorCode::InvalidRequest
            };
            AppError::new(code, format!("The request body could not be read: {e}."))
        })?;
        serde_json::from_slice(&bytes).map(Body).map_err(|e| {
            AppError::new(
                ErrorCode::InvalidRequest,
                format!("The request body is not valid: {e}."),
            )
        })
    }
}

/// What an id in a path names, for its 404.
pub trait Named {
    const WHAT: &'static str;
}

impl Named for ChannelId {
    const WHAT: &'static str = "channel";
}
impl Named for ConversationId {
    const WHAT: &'static str = "conversation";
}
impl Named for TicketId {
    const WHAT: &'static str = "ticket";
}
impl Named for MoveId {
    const WHAT: &'static str = "move";
}

/// A path's `{id}` as its type. One that can't even be read (bad percent-encoding)
/// or is not an id of ours names nothing, and is answered like any unknown id.
pub struct PathId<T>(pub T);

impl<S: Send + Sync, T: std::str::FromStr + Named> FromRequestParts<S> for PathId<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::new(ErrorCode::NotFound, "Nothing here has that id."))?;
        raw.parse()
            .map(PathId)
            .map_err(|_| AppError::not_found(T::WHAT))
    }
}

/// Inbound traffic's credential: `Authorization: Bearer <the ingest token>`.
pub struct IngestToken;

impl FromRequestParts<AppState> for IngestToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let sent = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !sent.is_empty() && bool::from(sent.as_bytes().ct_eq(state.ingest_token.as_bytes())) {
            Ok(IngestToken)
        } else {
            Err(AppError::new(
                ErrorCode::Unauthenticated,
                "Inbound traffic needs the ingest token: Authorization: Bearer <token>.",
            ))
        }
    }
}
