//! Test data shared by the rules' tests and the app's browser tests: the demo
//! account (`crate::demo`) as the rules and the API see it. Built only for tests.

pub use crate::demo::{pipeline, pricing_bot, users};

use crate::demo;
use crate::domain::{
    Channel, ChannelId, ChannelKind, ChannelSettings, InboxId, Movability, SlaPolicy, UserId,
    Workspace,
};
use crate::validation::StatusMapping;

/// Whether one of the demo's [`users`] has help desk access.
pub fn access(id: UserId) -> bool {
    users().iter().any(|u| u.id == id && u.works_in_help_desk())
}

/// Open → Waiting on us, Closed → Closed: the demo's walk-through.
pub fn mapping() -> StatusMapping {
    StatusMapping {
        pipeline_id: demo::PIPELINE,
        open_status_id: demo::WAITING_ON_US,
        closed_status_id: demo::CLOSED,
    }
}

pub fn sla() -> SlaPolicy {
    demo::sla_policy()
}

/// A channel in inbox 1 (or none, connected straight to help desk), in the
/// inbox workspace, with default settings and nothing stopping its move.
pub fn channel(
    id: i64,
    inbox: Option<i64>,
    kind: ChannelKind,
    name: &str,
    address: &str,
) -> Channel {
    Channel {
        id: ChannelId::of(id),
        inbox_id: inbox.map(InboxId::of),
        kind,
        name: name.into(),
        address: address.into(),
        workspace: Workspace::Inbox,
        settings: ChannelSettings::default(),
        movable: Movability::from_blockers(vec![]),
        form_key: None,
    }
}

/// The demo's Support email channel, in the inbox and movable.
pub fn support_email() -> Channel {
    let c = demo::channels().swap_remove(0);
    Channel {
        id: c.id,
        inbox_id: Some(c.inbox_id),
        kind: c.kind,
        name: c.name.into(),
        address: c.address.into(),
        workspace: Workspace::Inbox,
        settings: c.settings,
        movable: Movability::from_blockers(vec![]),
        form_key: None,
    }
}
