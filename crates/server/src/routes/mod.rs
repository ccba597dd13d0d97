//! The JSON API's router: thin handlers that parse, ask the rules crate, call the store.

mod catalog;
mod conversations;
mod events;
mod extract;
mod forms;
pub mod health;
mod inboxes;
mod ingest;
mod links;
mod mail;
mod moves;
mod paging;
mod report;
mod session;
mod setup;
mod sla;
mod statuses;
mod users;

use std::time::Duration;

use axum::error_handling::HandleErrorLayer;
use axum::routing::{get, patch, post, put};
use axum::{BoxError, Router};
use tower::ServiceBuilder;

pub use extract::{Body, IngestToken, Named, PathId};
pub use setup::until_set_up;

use crate::error::AppError;
use crate::AppState;
use deskmove_rules::ErrorCode;

/// The API; every route but the event stream answers within `timeout`, its body
/// read included.
pub fn api(timeout: Duration) -> Router<AppState> {
    Router::new()
        .route("/setup", get(setup::state).post(setup::set_up))
        .route("/session", post(session::sign_in).delete(session::sign_out))
        .route("/me", get(session::me).patch(session::patch_me))
        .route("/me/password", post(links::change_own))
        .route("/links/{token}", get(links::show).post(links::set_password))
        .route(
            "/inboxes",
            get(catalog::inboxes).post(inboxes::create_inbox),
        )
        .route("/inboxes/{id}", patch(inboxes::rename_inbox))
        .route("/help-desk/channels", get(catalog::help_desk_channels))
        .route("/channels", post(inboxes::connect_channel))
        .route(
            "/channels/{id}",
            get(catalog::channel).patch(inboxes::change_channel),
        )
        .route("/chatflows", get(catalog::chatflows))
        .route("/chatflows/{id}/bot", put(inboxes::set_bot))
        .route("/pipelines", get(catalog::pipelines))
        .route("/pipelines/{id}/statuses", post(statuses::add))
        .route(
            "/pipelines/{id}/statuses/{sid}",
            patch(statuses::change).delete(statuses::delete),
        )
        .route(
            "/sla-policy",
            get(sla::get).put(sla::put).delete(sla::delete),
        )
        .route("/users", get(users::list).post(users::invite))
        .route(
            "/users/grant-help-desk-access",
            post(users::grant_help_desk_access),
        )
        .route("/users/{id}", patch(users::change))
        .route("/users/{id}/reset-link", post(users::reset_link))
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
        .route("/conversations/{id}/messages", get(conversations::messages))
        .route("/conversations/{id}/replies", post(conversations::reply))
        .route(
            "/conversations/{id}/messages/{mid}/original.eml",
            get(mail::original),
        )
        .route("/tickets", get(conversations::tickets))
        .route(
            "/tickets/{id}",
            get(conversations::ticket).patch(conversations::patch_ticket),
        )
        .route("/notifications", get(conversations::notifications))
        .route("/channels/{id}/move-preview", get(moves::preview))
        .route("/moves", get(moves::list).post(moves::start))
        .route("/moves/current", get(moves::current))
        .route(
            "/moves/{id}",
            get(moves::get)
                .patch(moves::reschedule)
                .delete(moves::cancel),
        )
        .route("/moves/{id}/items", get(report::items))
        .route("/moves/{id}/report.csv", get(report::csv))
        .route(
            "/ingest/channels/{id}/conversations",
            post(ingest::conversation),
        )
        .route("/ingest/conversations/{id}/messages", post(ingest::message))
        .route("/ingest/email", post(mail::email))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(|_: BoxError| async {
                    AppError::new(
                        ErrorCode::Unavailable,
                        "The request took too long and was stopped. Try again in a moment.",
                    )
                }))
                .timeout(timeout),
        )
        // Outside the timeout: a stream lasts as long as its session.
        .route("/events", get(events::stream))
}

/// R32: the form channels' public endpoints, outside the API: no session, no
/// CSRF token, answered with pages; bounded in size and time as the API is.
pub fn forms(timeout: Duration) -> Router<AppState> {
    Router::new()
        .route("/f/{key}", post(forms::submit).get(forms::visit))
        .route("/f/{key}/thanks", get(forms::thanks))
        .layer(axum::extract::DefaultBodyLimit::max(forms::MAX_FORM_BYTES))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(|_: BoxError| async {
                    axum::http::StatusCode::REQUEST_TIMEOUT
                }))
                .timeout(timeout),
        )
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
