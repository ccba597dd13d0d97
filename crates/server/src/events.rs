//! Live updates: one broadcast of move and channel events, which each SSE stream filters to its account.

use deskmove_rules::scope::may_access;
use deskmove_rules::{AccountId, Channel, Move, ThreadEvent, Workspace};
use tokio::sync::broadcast;

#[derive(Clone, Debug)]
pub enum LiveEvent {
    /// A move started, progressed or ended.
    Move { account_id: AccountId, body: Move },
    /// A channel's workspace changed (R16).
    Channel {
        account_id: AccountId,
        body: Channel,
    },
    /// A message of a conversation in `workspace` was added or changed (R33).
    Thread {
        account_id: AccountId,
        workspace: Workspace,
        body: ThreadEvent,
    },
}

impl LiveEvent {
    pub fn account_id(&self) -> AccountId {
        match self {
            LiveEvent::Move { account_id, .. }
            | LiveEvent::Channel { account_id, .. }
            | LiveEvent::Thread { account_id, .. } => *account_id,
        }
    }

    /// Whether a person with (or without) help desk access may hear it (R23).
    pub fn heard_by(&self, help_desk_access: bool) -> bool {
        match self {
            LiveEvent::Thread { workspace, .. } => may_access(*workspace, help_desk_access),
            LiveEvent::Move { .. } | LiveEvent::Channel { .. } => true,
        }
    }

    /// The SSE event name and its JSON data.
    pub fn name_and_data(&self) -> (&'static str, String) {
        match self {
            LiveEvent::Move { body, .. } => {
                ("move", serde_json::to_string(body).unwrap_or_default())
            }
            LiveEvent::Channel { body, .. } => {
                ("channel", serde_json::to_string(body).unwrap_or_default())
            }
            LiveEvent::Thread { body, .. } => {
                ("thread", serde_json::to_string(body).unwrap_or_default())
            }
        }
    }
}

#[derive(Clone)]
pub struct EventHub {
    tx: broadcast::Sender<LiveEvent>,
}

impl EventHub {
    pub fn new() -> Self {
        // Progress is at most ~4 events a second per move: a slow client lagging this
        // far behind skips to the newest, which carries the whole state anyway.
        let (tx, _) = broadcast::channel(256);
        EventHub { tx }
    }

    pub fn publish(&self, event: LiveEvent) {
        // Nobody listening is fine.
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.tx.subscribe()
    }
}

impl Default for EventHub {
    fn default() -> Self {
        Self::new()
    }
}
