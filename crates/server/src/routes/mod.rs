//! The JSON API's router: thin handlers that parse, ask the rules crate, call the store.

mod catalog;
mod conversations;
mod events;
mod ingest;
mod moves;
mod paging;
mod session;

use axum::body::Bytes;
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;

use crate::error::{AppError, AppResult};
use crate::AppState;
use deskmove_rules::ErrorCode;

pub fn api() -> Router<AppState> {
    Router::new()
        .route("/session", post(session::sign_in).delete(session::sign_out))
        .route("/me", get(session::me))
        .route("/inboxes", get(catalog::inboxes))
        .route("/help-desk/channels", get(catalog::help_desk_channels))
        .route("/channels/{id}", get(catalog::channel))
        .route("/chatflows", get(catalog::chatflows))
        .route("/pipelines", get(catalog::pipelines))
        .route("/users", get(catalog::users))
        .route("/conversations", get(conversations::list))
        .route(
            "/conversations/{id}",
            get(conversations::get).patch(conversations::patch),
        )
        .route(
            "/conversations/{id}/transfer",
            post(conversations::transfer),
        )
        .route(
            "/conversations/{id}/ticket",
            post(conversations::create_ticket),
        )
        .route("/tickets", get(conversations::tickets))
        .route("/tickets/{id}", get(conversations::ticket))
        .route("/notifications", get(conversations::notifications))
        .route("/channels/{id}/move-preview", get(moves::preview))
        .route("/moves", get(moves::list).post(moves::start))
        .route("/moves/current", get(moves::current))
        .route("/moves/{id}", get(moves::get))
        .route("/events", get(events::stream))
        .route(
            "/ingest/channels/{id}/conversations",
            post(ingest::conversation),
        )
        .route("/ingest/conversations/{id}/messages", post(ingest::message))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> AppError {
    AppError::new(ErrorCode::NotFound, "There is no such API endpoint.")
}

async fn method_not_allowed() -> AppError {
    AppError::new(
        ErrorCode::MethodNotAllowed,
        "This endpoint does not take that method.",
    )
}

/// Parses a JSON body into the rules crate's type; a malformed one is a 400 that says why.
pub(crate) fn parse_body<T: DeserializeOwned>(body: &Bytes) -> AppResult<T> {
    serde_json::from_slice(body).map_err(|e| {
        AppError(deskmove_rules::ApiError {
            code: ErrorCode::InvalidRequest,
            message: format!("The request body is not valid: {e}."),
        })
    })
}

/// A path's `{id}`: one that can't even be read (bad percent-encoding) names nothing,
/// and is answered like any unknown id, with the API's error body.
pub(crate) struct PathId(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, AppError> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(id)| PathId(id))
            .map_err(|_| AppError::new(ErrorCode::NotFound, "Nothing here has that id."))
    }
}
