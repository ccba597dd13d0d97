//! Sign in, sign out, and who is signed in.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{Duration, Utc};
use deskmove_rules::validation::invalid_request;
use deskmove_rules::{validate_sign_in, ErrorCode, Me, MePatch, Said, SignIn, UserState};

use crate::auth::{self, Actor};
use crate::error::{AppError, AppResult};
use crate::limits::client_address;
use crate::routes::Body;
use crate::store::{UserRow, NO_PASSWORD};
use crate::AppState;

/// Verified against when the email is unknown, so a wrong email takes as long as a
/// wrong password, in the same line: the hash of a random password nobody kept,
/// with the cost every stored hash has (argon2's default).
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$WTwa0FKWhwaWLiDg/YBsfw$RDGguqDaGUPHz/iBCkeoKTitNqbNKsgBsIYYhOKgyDo";

pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Body(SignIn { email, password }): Body<SignIn>,
) -> AppResult<Response> {
    validate_sign_in(&email, &password).map_err(|e| AppError(invalid_request(&e)))?;
    let client = client_address(client.ip(), &headers, &state.trusted_proxies);
    let delay = match state.sign_in_limits.check(&email, client).await {
        Ok(delay) => {
            if !delay.is_zero() {
                metrics::counter!("deskmove_sign_in_limited_total", "how" => "slowed").increment(1);
            }
            delay
        }
        Err(wait) => {
            metrics::counter!("deskmove_sign_in_limited_total", "how" => "refused").increment(1);
            tracing::warn!(client = %client, "sign-in attempts limited");
            return Ok(refused(
                wait,
                format!(
                    "Too many failed sign-in attempts from here. Wait {wait} seconds and try again."
                ),
            ));
        }
    };
    // An account guessed at from everywhere: each attempt waits a little.
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let found = state.store.user_for_sign_in(&email).await?;
    // An unknown email, and an invited user who has no password yet, take as
    // long as a wrong password: neither says which emails exist.
    let (hash, user) = match found {
        Some((user, hash)) if hash != NO_PASSWORD => (hash, Some(user)),
        _ => (DUMMY_HASH.to_string(), None),
    };
    let ok = match verify_in_line(&state, client, password, hash).await {
        Ok(ok) => ok,
        Err(busy) => return Ok(busy),
    };
    let user = match (ok, user) {
        (true, Some(user)) => user,
        _ => {
            state.sign_in_limits.failed(&email, client).await;
            return Err(AppError::new(
                ErrorCode::Unauthenticated,
                "That email and password don't match. Check them and try again.",
            ));
        }
    };
    state.sign_in_limits.succeeded(&email, client).await;
    // R29: the right password of a deactivated user opens nothing, and says why.
    if user.state == UserState::Deactivated {
        return Err(AppError::forbidden(Said::UserDeactivated.english()));
    }
    signed_in(&state, &headers, user, StatusCode::OK).await
}

/// A new session for `user`: the cookie, and `Me` with its CSRF token. This
/// browser's earlier sign-in, whoever it was, ends with it.
pub(super) async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    user: UserRow,
    status: StatusCode,
) -> AppResult<Response> {
    let token = auth::new_token();
    let csrf_token = auth::new_token();
    let now = Utc::now();
    let replaced = auth::session_token(headers, state.secure_cookies).map(|t| auth::token_hash(&t));
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
    let mut me = user.me(csrf_token);
    me.outbound_mail = state.relay.is_some();
    Ok((
        status,
        [(
            header::SET_COOKIE,
            auth::session_cookie(&token, state.secure_cookies),
        )],
        Json(me),
    )
        .into_response())
}

/// Checks `password` against `hash` in the password checks' line, where each
/// network holds a share, never all of it: whether it matches, or the answer
/// when the line can't take it now (429 for the network, 503 for everyone).
pub(super) async fn verify_in_line(
    state: &AppState,
    client: std::net::IpAddr,
    password: String,
    hash: String,
) -> Result<bool, Response> {
    let Some(place) = state.password_checks.place(client) else {
        tracing::warn!(client = %client, "password check refused: its network holds its share");
        return Err(refused(
            1,
            "Too many sign-ins from your network at once. Try again in a moment.".into(),
        ));
    };
    let checked = state.password_checks.verify(password, hash, place).await;
    checked.ok_or_else(|| {
        tracing::warn!("password check refused: every one is busy");
        let refusal = AppError::new(
            ErrorCode::Unavailable,
            "Too many people are signing in right now. Try again in a moment.",
        );
        ([(header::RETRY_AFTER, "1")], refusal).into_response()
    })
}

/// 429 `rate_limited`, with how long to wait in the header and the words.
pub(super) fn refused(wait: u64, message: String) -> Response {
    let refusal = AppError::new(ErrorCode::RateLimited, message);
    ([(header::RETRY_AFTER, wait.to_string())], refusal).into_response()
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

pub async fn me(State(state): State<AppState>, actor: Actor) -> Json<Me> {
    let mut me = actor.me();
    me.outbound_mail = state.relay.is_some();
    Json(me)
}

/// R27: remembers the language the user chose (CSRF-checked like every write).
pub async fn patch_me(
    State(state): State<AppState>,
    mut actor: Actor,
    Body(patch): Body<MePatch>,
) -> AppResult<Json<Me>> {
    state.store.set_locale(actor.user.id, patch.locale).await?;
    actor.user.locale = patch.locale;
    let mut me = actor.me();
    me.outbound_mail = state.relay.is_some();
    Ok(Json(me))
}
