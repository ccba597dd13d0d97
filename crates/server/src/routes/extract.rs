//! What handlers take from a request, parsed once at the edge; every rejection is
//! the API's error body.

use std::net::SocketAddr;

use axum::body::to_bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Request};
use axum::http::header;
use axum::http::request::Parts;
use deskmove_rules::inboxes::{ChannelPatch, InboxName, NewChannel};
use deskmove_rules::requests::{
    ConversationPatch, CreateTicketRequest, IngestConversation, IngestMessage, TicketPatch,
    TransferRequest,
};
use deskmove_rules::setup::SetupRequest;
use deskmove_rules::sla::SlaPolicyRequest;
use deskmove_rules::statuses::{NewStatus, StatusPatch};
use deskmove_rules::users::{ChangePassword, InviteRequest, SetPassword, UserPatch};
use deskmove_rules::{
    ChannelId, ConversationId, ErrorCode, MePatch, MoveId, MoveRequest, MoveReschedule, SignIn,
    TicketId,
};
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use crate::error::AppError;
use crate::limits::client_address;
use crate::AppState;

/// How many bytes a request body of this type may have: each endpoint reads no
/// more than its largest honest request.
pub trait Limited {
    const MAX_BYTES: usize;
}

/// A few KB: an email, a password, a handful of ids.
const SMALL: usize = 4 * 1024;
/// A channel's settings or a bot: a signature, fifty bot messages, each at its
/// longest in four-byte characters.
const SETTINGS: usize = 256 * 1024;
/// What a real email needs: the longest message the rules allow, JSON-escaped.
const MESSAGE: usize = 1024 * 1024;

macro_rules! limited {
    ($($max:ident: $($body:ty),+;)+) => {
        $($(impl Limited for $body {
            const MAX_BYTES: usize = $max;
        })+)+
    };
}

limited! {
    SMALL: SignIn, SetupRequest, SlaPolicyRequest, NewStatus, StatusPatch, InviteRequest, UserPatch, SetPassword, ChangePassword, MePatch, MoveRequest, MoveReschedule, ConversationPatch, TransferRequest, CreateTicketRequest, TicketPatch, InboxName, NewChannel;
    SETTINGS: ChannelPatch, Option<deskmove_rules::Bot>, deskmove_rules::answers::AnswerRequest;
    MESSAGE: IngestConversation, IngestMessage;
}

/// A JSON body parsed into the rules crate's type. Only `application/json` is
/// read (a cross-site form can't send it, so this also closes login CSRF); one
/// over the type's limit is refused before it is read; a malformed one is a 422
/// that says why.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Limited> FromRequest<S> for Body<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, _: &S) -> Result<Self, AppError> {
        if !is_json(req.headers().get(header::CONTENT_TYPE)) {
            return Err(AppError::new(
                ErrorCode::UnsupportedMediaType,
                "Send the request body as JSON, with Content-Type: application/json.",
            ));
        }
        let too_large = || {
            AppError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "The request body is too large: this endpoint takes at most {} KB.",
                    T::MAX_BYTES / 1024
                ),
            )
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > T::MAX_BYTES as u64) {
            return Err(too_large());
        }
        let bytes = to_bytes(req.into_body(), T::MAX_BYTES).await.map_err(|e| {
            if std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
            {
                too_large()
            } else {
                AppError::invalid("The request body could not be read.")
            }
        })?;
        serde_json::from_slice(&bytes)
            .map(Body)
            .map_err(|e| AppError::invalid(format!("The request body is not valid: {e}.")))
    }
}

/// `application/json`, with or without parameters such as `charset=utf-8`.
fn is_json(content_type: Option<&header::HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
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
impl Named for deskmove_rules::UserId {
    const WHAT: &'static str = "user";
}
impl Named for deskmove_rules::PipelineId {
    const WHAT: &'static str = "pipeline";
}
impl Named for deskmove_rules::InboxId {
    const WHAT: &'static str = "inbox";
}
impl Named for deskmove_rules::ChatflowId {
    const WHAT: &'static str = "chatflow";
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
            return Ok(IngestToken);
        }
        // Wrong tokens are limited per address; the right one never is.
        let client = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| client_address(c.0.ip(), &parts.headers, &state.trusted_proxies));
        if let Some(c) = client {
            if let Err(wait) = state.ingest_limits.wrong(c) {
                return Err(AppError::new(
                    ErrorCode::RateLimited,
                    format!(
                        "Too many wrong ingest tokens from here. Wait {wait} seconds and try again."
                    ),
                ));
            }
            tracing::warn!(client = %c, "a wrong ingest token");
        }
        Err(AppError::new(
            ErrorCode::Unauthenticated,
            "Inbound traffic needs the ingest token: Authorization: Bearer <token>.",
        ))
    }
}
