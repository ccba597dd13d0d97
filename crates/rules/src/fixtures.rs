//! Test data shared by the rules' tests and the app's browser tests: the demo
//! account (`crate::demo`) as the rules and the API see it. Built only for tests.

pub use crate::demo::{pipeline, pricing_bot, users};

use crate::demo;
use crate::domain::{Channel, Movability, SlaPolicy, UserId, Workspace};
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
