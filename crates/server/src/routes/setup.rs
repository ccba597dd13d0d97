//! R28: the first-run set-up, and the gate that keeps every other route shut
//! until it has happened.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use deskmove_rules::setup::{validate_setup, SetupRequest, SetupState};
use deskmove_rules::validation::invalid_request;
use deskmove_rules::{ErrorCode, Said};
use subtle::ConstantTimeEq;

use super::session::{refused, signed_in};
use crate::auth;
use crate::error::{AppError, AppResult};
use crate::limits::client_address;
use crate::routes::Body;
use crate::store::{NewAccount, SetupError};
use crate::AppState;

/// Until the account exists, every API route but set-up's answers 503
/// `setup_needed`; once it exists (here or on another replica), nothing is asked
/// again.
pub async fn until_set_up(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path() == "/setup" {
        // Once set up, set-up answers 409 for good, whatever the body says.
        if req.method() == axum::http::Method::POST {
            match state.store.is_empty().await {
                Ok(false) => {
                    state.set_up.store(true, Ordering::Relaxed);
                    return already_set_up().into_response();
                }
                Ok(true) => {}
                Err(e) => return AppError::from(e).into_response(),
            }
        }
        return next.run(req).await;
    }
    if state.set_up.load(Ordering::Relaxed) {
        return next.run(req).await;
    }
    match state.store.is_empty().await {
        Ok(false) => {
            state.set_up.store(true, Ordering::Relaxed);
            next.run(req).await
        }
        Ok(true) => AppError::new(
            ErrorCode::SetupNeeded,
            "Deskmove is not set up yet: open /setup with the link the server printed when it started.",
        )
        .into_response(),
        Err(e) => AppError::from(e).into_response(),
    }
}

pub async fn state(State(state): State<AppState>) -> AppResult<Json<SetupState>> {
    let needed = !state.set_up.load(Ordering::Relaxed) && state.store.is_empty().await?;
    Ok(Json(SetupState { needed }))
}

fn already_set_up() -> AppError {
    AppError::new(
        ErrorCode::AlreadySetUp,
        "Deskmove is set up already. Sign in, or ask a super admin of your company to invite you.",
    )
}

pub async fn set_up(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Body(req): Body<SetupRequest>,
) -> AppResult<Response> {
    validate_setup(&req).map_err(|e| AppError(invalid_request(&e)))?;
    let client = client_address(peer.ip(), &headers, &state.trusted_proxies);
    if let Err(wait) = state.setup_limits.check(client) {
        tracing::warn!(client = %client, "set-up attempts limited");
        return Ok(refused(
            wait,
            format!("Too many wrong set-up tokens from here. Wait {wait} seconds and try again."),
        ));
    }
    let token_hash = auth::token_hash(req.token.trim());
    // The token first, before a password is hashed for a stranger.
    let Some(kept) = state.store.setup_token_hash().await? else {
        return Err(if state.store.is_empty().await? {
            wrong_token(&state, client)
        } else {
            already_set_up()
        });
    };
    if !bool::from(kept.as_bytes().ct_eq(token_hash.as_bytes())) {
        return Err(wrong_token(&state, client));
    }
    let password_hash = auth::hash_password_apart(req.password.clone()).await?;
    let new = NewAccount {
        account_name: &req.account_name,
        name: &req.name,
        email: &req.email,
        password_hash: &password_hash,
        locale: req.locale,
    };
    match state
        .store
        .complete_setup(&token_hash, &new, Utc::now().timestamp_millis())
        .await
    {
        Ok(user) => {
            state.set_up.store(true, Ordering::Relaxed);
            tracing::info!(
                user_id = user.id.get(),
                "set up: the account and its first super admin"
            );
            signed_in(&state, &headers, user, StatusCode::CREATED).await
        }
        Err(SetupError::AlreadySetUp) => Err(already_set_up()),
        Err(SetupError::WrongToken) => Err(wrong_token(&state, client)),
        Err(SetupError::Store(e)) => Err(e.into()),
    }
}

fn wrong_token(state: &AppState, client: std::net::IpAddr) -> AppError {
    tracing::warn!(client = %client, "a wrong set-up token");
    state.setup_limits.failed(client);
    AppError::new(ErrorCode::Forbidden, Said::WrongSetupToken.english())
}
