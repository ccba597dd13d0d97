//! The open event streams of each session: capped, and ended with their session.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

/// How many event streams one sign-in may hold open at once: a browser's tabs
/// share one (the app's job); a few spare for tabs that are closing.
pub const STREAMS_PER_SESSION: usize = 8;

#[derive(Default)]
pub struct Streams {
    open: Mutex<HashMap<String, Open>>,
}

struct Open {
    count: usize,
    /// Cancelled when the session ends here (sign-out, a newer sign-in).
    ended: CancellationToken,
}

/// One open stream; dropping it closes its place.
pub struct StreamPlace {
    streams: Arc<Streams>,
    session: String,
    /// Cancelled when the stream's session ends.
    pub ended: CancellationToken,
}

impl Streams {
    /// A place for a new stream of `session`, unless it already holds its share.
    pub fn open(self: &Arc<Self>, session: &str) -> Option<StreamPlace> {
        let mut open = self.open.lock().ok()?;
        let entry = open.entry(session.to_string()).or_insert_with(|| Open {
            count: 0,
            ended: CancellationToken::new(),
        });
        if entry.count >= STREAMS_PER_SESSION {
            return None;
        }
        entry.count += 1;
        Some(StreamPlace {
            streams: self.clone(),
            session: session.to_string(),
            ended: entry.ended.clone(),
        })
    }

    /// Ends every stream of `session` now.
    pub fn end(&self, session: &str) {
        if let Ok(mut open) = self.open.lock() {
            if let Some(o) = open.remove(session) {
                o.ended.cancel();
            }
        }
    }

    /// How many streams are open, over all sessions.
    pub fn count(&self) -> usize {
        self.open
            .lock()
            .map(|o| o.values().map(|o| o.count).sum())
            .unwrap_or(0)
    }
}

impl Drop for StreamPlace {
    fn drop(&mut self) {
        if let Ok(mut open) = self.streams.open.lock() {
            if let Some(o) = open.get_mut(&self.session) {
                o.count = o.count.saturating_sub(1);
                if o.count == 0 {
                    open.remove(&self.session);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_holds_its_share_and_ending_it_ends_them_all() {
        let streams = Arc::new(Streams::default());
        let places: Vec<_> = (0..STREAMS_PER_SESSION)
            .map(|_| streams.open("a").expect("a place"))
            .collect();
        assert!(streams.open("a").is_none(), "over the share");
        let other = streams.open("b").expect("another session has its own");
        drop(places.into_iter().next());
        let again = streams.open("a").expect("a closed stream frees its place");
        streams.end("a");
        assert!(again.ended.is_cancelled());
        assert!(!other.ended.is_cancelled());
        drop(again);
        assert_eq!(streams.count(), 1);
    }
}
