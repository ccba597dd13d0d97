//! `GET /api/events`: server-sent events of the signed-in user's account, for as
//! long as their session lasts and the server runs.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::Utc;
use deskmove_rules::ErrorCode;
use futures_util::stream::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;
use tokio_util::sync::CancellationToken;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::AppState;

/// How often an open stream asks whether its session still holds (expiry, or an
/// end this process was not told of).
const SESSION_CHECK: Duration = Duration::from_secs(2);

pub async fn stream(
    State(state): State<AppState>,
    actor: Actor,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let place = state.streams.open(&actor.session_hash).ok_or_else(|| {
        AppError::new(
            ErrorCode::RateLimited,
            "This sign-in already has as many live connections as it may. Close some Deskmove tabs and reload.",
        )
    })?;
    let ended = session_ended(
        state.clone(),
        actor.session_hash.clone(),
        actor.user.help_desk_access,
        place.ended.clone(),
    );
    let account = actor.user.account_id;
    let access = actor.user.help_desk_access;
    let events = BroadcastStream::new(state.hub.subscribe())
        .filter_map(move |e| async move {
            // A lagging client skips what it missed: the next event carries the whole state.
            let e = e
                .ok()
                .filter(|e| e.account_id() == account && e.heard_by(access))?;
            let (name, data) = e.name_and_data();
            Some(Ok(Event::default().event(name).data(data)))
        })
        .take_until(ended)
        // The stream holds its place until it ends.
        .map(move |e| {
            let _held = &place;
            e
        });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// Resolves when the stream must end: its session ended here, it is no longer
/// valid in the store, its user's help desk access changed (what it may hear,
/// R23: the app opens it again as they are now), or the server is shutting down.
async fn session_ended(
    state: AppState,
    session: String,
    help_desk_access: bool,
    ended_here: CancellationToken,
) {
    let mut check = tokio::time::interval(SESSION_CHECK);
    check.tick().await;
    loop {
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = ended_here.cancelled() => return,
            _ = check.tick() => {
                // A store that can't answer right now ends nobody's stream.
                match state.store.session(&session, Utc::now().timestamp_millis()).await {
                    Ok(None) => return,
                    Ok(Some(s)) if s.user.help_desk_access != help_desk_access => return,
                    _ => {}
                }
            }
        }
    }
}
