//! `GET /api/events` as a client reads it: each `move` event with when it
//! arrived, each `channel` event and each `thread` event.

use std::time::{Duration, Instant};

use deskmove_rules::{Channel, Move, MoveId, MoveState, ThreadEvent};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use tokio::sync::mpsc;

/// The `move`, `channel` and `thread` events one client has read, each kind in order.
pub struct Events(
    mpsc::UnboundedReceiver<(Move, Instant)>,
    mpsc::UnboundedReceiver<Channel>,
    mpsc::UnboundedReceiver<ThreadEvent>,
);

impl Events {
    /// Reads the stream of an open `GET /api/events` answer in the background.
    pub fn read(res: reqwest::Response) -> Events {
        assert!(res.status().is_success(), "events: {}", res.status());
        let (tx, rx) = mpsc::unbounded_channel();
        let (channels_tx, channels) = mpsc::unbounded_channel();
        let (threads_tx, threads) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut events = res.bytes_stream().eventsource();
            while let Some(Ok(event)) = events.next().await {
                let heard = match event.event.as_str() {
                    "move" => serde_json::from_str::<Move>(&event.data)
                        .is_ok_and(|m| tx.send((m, Instant::now())).is_ok()),
                    "channel" => serde_json::from_str::<Channel>(&event.data)
                        .is_ok_and(|c| channels_tx.send(c).is_ok()),
                    "thread" => serde_json::from_str::<ThreadEvent>(&event.data)
                        .is_ok_and(|t| threads_tx.send(t).is_ok()),
                    _ => true,
                };
                if !heard && tx.is_closed() {
                    return;
                }
            }
        });
        Events(rx, channels, threads)
    }

    /// The next `thread` event (R33) within `within`; `None` if none came.
    pub async fn next_thread(&mut self, within: Duration) -> Option<ThreadEvent> {
        tokio::time::timeout(within, self.2.recv())
            .await
            .ok()
            .flatten()
    }

    /// The next `channel` event; panics after ten minutes of silence.
    pub async fn next_channel(&mut self) -> Channel {
        tokio::time::timeout(Duration::from_secs(600), self.1.recv())
            .await
            .ok()
            .flatten()
            .expect("a channel event within 10 minutes")
    }

    /// The next event of move `id`, within `within`; `None` if the stream ended or
    /// nothing came.
    pub async fn next_within(&mut self, id: MoveId, within: Duration) -> Option<(Move, Instant)> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.0.recv()).await {
                Ok(Some((m, at))) if m.id == id => return Some((m, at)),
                Ok(Some(_)) => continue,
                Ok(None) | Err(_) => return None,
            }
        }
    }

    /// The next event of move `id`; panics after ten minutes of silence.
    pub async fn next_of(&mut self, id: MoveId) -> (Move, Instant) {
        self.next_within(id, Duration::from_secs(600))
            .await
            .unwrap_or_else(|| panic!("no event of move {id} in 10 minutes"))
    }

    /// Reads move `id`'s events until it completes; panics if it fails or is canceled.
    pub async fn until_ended(&mut self, id: MoveId) -> (Move, Instant) {
        loop {
            let (m, at) = self.next_of(id).await;
            match m.state {
                MoveState::Scheduled | MoveState::Running => continue,
                MoveState::Completed => return (m, at),
                MoveState::Canceled | MoveState::Failed => {
                    panic!("move {id} ended {}: {m:?}", m.state.as_str())
                }
            }
        }
    }
}

/// Reads an open event stream until the server ends it; false if it still runs
/// after `within` (a session that ended must end its streams, R29).
pub async fn ends_within(res: reqwest::Response, within: Duration) -> bool {
    let mut body = res.bytes_stream();
    tokio::time::timeout(within, async {
        while let Some(Ok(_)) = body.next().await {}
    })
    .await
    .is_ok()
}
