//! R29: setting a password, through a one-time link (no session) or from the
//! user menu (the current password first).

use std::net::SocketAddr;

use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use deskmove_rules::users::{
    link_expired, validate_change_password, validate_set_password, ChangePassword, LinkInfo,
    SetPassword,
};
use deskmove_rules::validation::invalid_request;
use deskmove_rules::Said;

use super::session::{refused, signed_in, verify_in_line};
use crate::auth::{self, Actor};
use crate::error::{AppError, AppResult};
use crate::limits::client_address;
use crate::routes::Body;
use crate::AppState;

/// Longer than any token the server makes; anything longer names no link.
const MAX_TOKEN_CHARS: usize = 128;

/// The hash a link is kept by, for a token that could be one.
fn link_hash(token: &str) -> Result<String, AppError> {
    if token.is_empty() || token.len() > MAX_TOKEN_CHARS {
        return Err(AppError(link_expired()));
    }
    Ok(auth::token_hash(token))
}

/// The path's token; one that can't even be read (bad percent-encoding) names no link.
fn token_of(path: Result<Path<String>, PathRejection>) -> Result<String, AppError> {
    path.map(|Path(token)| token)
        .map_err(|_| AppError(link_expired()))
}

pub async fn show(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<Json<LinkInfo>> {
    let hash = link_hash(&token_of(path)?)?;
    let (kind, user) = state
        .store
        .link(&hash, Utc::now().timestamp_millis())
        .await?
        .ok_or_else(|| AppError(link_expired()))?;
    Ok(Json(LinkInfo {
        kind,
        email: user.email,
        name: user.name,
    }))
}

/// Sets the link's user's password and signs them in; the link is spent.
pub async fn set_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    Body(req): Body<SetPassword>,
) -> AppResult<Response> {
    let hash = link_hash(&token_of(path)?)?;
    validate_set_password(&req).map_err(|e| AppError(invalid_request(&e)))?;
    // The link first, before a password is hashed for a stranger.
    if state
        .store
        .link(&hash, Utc::now().timestamp_millis())
        .await?
        .is_none()
    {
        return Err(AppError(link_expired()));
    }
    let password_hash = auth::hash_password_apart(req.password).await?;
    let (user, ended) = state
        .store
        .use_link(&hash, &password_hash, Utc::now().timestamp_millis())
        .await?
        .ok_or_else(|| AppError(link_expired()))?;
    for session in &ended {
        state.streams.end(session);
    }
    tracing::info!(user_id = user.id.get(), "set a password through a link");
    signed_in(&state, &headers, user, StatusCode::OK).await
}

/// Changes the signed-in user's own password: the current one first (limited
/// as sign-ins are); every other session of theirs ends.
pub async fn change_own(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    actor: Actor,
    Body(req): Body<ChangePassword>,
) -> AppResult<Response> {
    validate_change_password(&req).map_err(|e| AppError(invalid_request(&e)))?;
    let client = client_address(peer.ip(), &headers, &state.trusted_proxies);
    let email = actor.user.email.clone();
    if let Err(wait) = state.sign_in_limits.check(&email, client).await {
        return Ok(refused(
            wait,
            format!("Too many wrong passwords from here. Wait {wait} seconds and try again."),
        ));
    }
    let current = state
        .store
        .password_hash(actor.user.id)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    let ok = match verify_in_line(&state, client, req.current_password.clone(), current).await {
        Ok(ok) => ok,
        Err(busy) => return Ok(busy),
    };
    if !ok {
        state.sign_in_limits.failed(&email, client).await;
        return Err(AppError::forbidden(Said::WrongCurrentPassword.english()));
    }
    state.sign_in_limits.succeeded(&email, client).await;
    let password_hash = auth::hash_password_apart(req.new_password).await?;
    let ended = state
        .store
        .set_password(actor.user.id, &password_hash, Some(&actor.session_hash))
        .await?;
    for session in &ended {
        state.streams.end(session);
    }
    tracing::info!(
        user_id = actor.user.id.get(),
        sessions_ended = ended.len(),
        "changed their password"
    );
    Ok(StatusCode::NO_CONTENT.into_response())
}
