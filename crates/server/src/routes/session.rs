//! Sign in, sign out, and who is signed in.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{Duration, Utc};
use deskmove_rules::{Me, SignIn};

use crate::auth::{self, Actor};
use crate::error::{AppError, AppResult};
use crate::routes::Body;
use crate::AppState;

/// Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    auth::hash_password("no user has this password").unwrap_or_default()
});

pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Body(SignIn { email, password }): Body<SignIn>,
) -> AppResult<Response> {
    if let Err(wait) = state.sign_in_limits.attempt(&email, client.ip()) {
        tracing::warn!(client = %client.ip(), "sign-in attempts limited");
        let refusal = AppError::new(
            deskmove_rules::ErrorCode::RateLimited,
            format!("Too many sign-in attempts. Wait {wait} seconds and try again."),
        );
        return Ok(([(header::RETRY_AFTER, wait.to_string())], refusal).into_response());
    }
    let found = state.store.user_for_sign_in(&email).await?;
    let (hash, user) = match found {
        Some((user, hash)) => (hash, Some(user)),
        None => (DUMMY_HASH.clone(), None),
    };
    // Hashing is deliberately slow: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let user = match (ok, user) {
        (true, Some(user)) => user,
        _ => {
            return Err(AppError::new(
                deskmove_rules::ErrorCode::Unauthenticated,
                "That email and password don't match. Check them and try again.",
            ))
        }
    };
    let token = auth::new_token();
    let csrf_token = auth::new_token();
    let now = Utc::now();
    // This browser's earlier sign-in, whoever it was, ends with this one.
    let replaced = auth::session_token(&headers).map(|t| auth::token_hash(&t));
    state
        .store
        .create_session(
            &auth::token_hash(&token),
            replaced.as_deref(),
            user.id,
            &csrf_token,
            now.timestamp_millis(),
            (now + Duration::days(auth::SESSION_DAYS)).timestamp_millis(),
        )
        .await?;
    if let Some(old) = &replaced {
        state.streams.end(old);
    }
    tracing::info!(user_id = user.id.get(), "signed in");
    let me = Me {
        id: user.id,
        name: user.name,
        email: user.email,
        role: user.role,
        help_desk_access: user.help_desk_access,
        csrf_token,
    };
    Ok((
        [(
            header::SET_COOKIE,
            auth::session_cookie(&token, state.secure_cookies),
        )],
        Json(me),
    )
        .into_response())
}

pub async fn sign_out(State(state): State<AppState>, actor: Actor) -> AppResult<Response> {
    state.store.delete_session(&actor.session_hash).await?;
    state.streams.end(&actor.session_hash);
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            auth::cleared_cookie(state.secure_cookies),
        )],
    )
        .into_response())
}

pub async fn me(actor: Actor) -> Json<Me> {
    Json(actor.me())
}
