//! `GET /api/events`: server-sent events of the signed-in user's account.

use std::convert::Infallible;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

use crate::auth::Actor;
use crate::AppState;

pub async fn stream(
    State(state): State<AppState>,
    actor: Actor,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let account = actor.user.account_id;
    let events = BroadcastStream::new(state.hub.subscribe()).filter_map(move |e| async move {
        // A lagging client skips what it missed: the next event carries the whole state.
        let e = e.ok().filter(|e| e.account_id() == account)?;
        let (name, data) = e.name_and_data();
        Some(Ok(Event::default().event(name).data(data)))
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}
