//! Test data shared by the rules' tests and the app's browser tests: the demo account's
//! people, pipeline and SLA policy as the rules see them. Built only for tests.

use crate::domain::{
    Bot, BotAction, BotActionKind, Channel, ChannelKind, ChannelSettings, Movability, Pipeline,
    PipelineStatus, Role, SlaPolicy, StatusState, User, Workspace,
};
use crate::validation::StatusMapping;

pub fn user(id: &str, name: &str, role: Role, help_desk_access: bool) -> User {
    User {
        id: id.into(),
        name: name.into(),
        email: format!("{id}@demo.test"),
        role,
        help_desk_access,
    }
}

/// Ada (super admin), Sam (agent) with help desk access; Noor (agent) without.
pub fn users() -> Vec<User> {
    vec![
        user("ada", "Ada Admin", Role::SuperAdmin, true),
        user("sam", "Sam Support", Role::Agent, true),
        user("noor", "Noor Sales", Role::Agent, false),
    ]
}

/// Whether one of [`users`] has help desk access.
pub fn access(id: &str) -> bool {
    id == "ada" || id == "sam"
}

/// "Support pipeline": New, Waiting on contact, Waiting on us (open), Closed (closed).
pub fn pipeline() -> Pipeline {
    let s = |id: &str, label: &str, state| PipelineStatus {
        id: id.into(),
        label: label.into(),
        state,
    };
    Pipeline {
        id: "p1".into(),
        name: "Support pipeline".into(),
        statuses: vec![
            s("new", "New", StatusState::Open),
            s("wait-contact", "Waiting on contact", StatusState::Open),
            s("wait-us", "Waiting on us", StatusState::Open),
            s("closed", "Closed", StatusState::Closed),
        ],
    }
}

/// Open → Waiting on us, Closed → Closed: the demo's walk-through.
pub fn mapping() -> StatusMapping {
    StatusMapping {
        pipeline_id: "p1".into(),
        open_status_id: "wait-us".into(),
        closed_status_id: "closed".into(),
    }
}

/// "Standard": first reply within 4 hours, close within 48 hours.
pub fn sla() -> SlaPolicy {
    SlaPolicy {
        id: "s".into(),
        name: "Standard".into(),
        first_reply_seconds: 4 * 3600,
        close_seconds: 48 * 3600,
    }
}

/// The demo's Pricing bot: a message, then a "create ticket" action (not movable, R21).
pub fn pricing_bot() -> Bot {
    let action = |kind| BotAction {
        kind,
        target_user_ids: vec![],
    };
    Bot {
        actions: vec![
            action(BotActionKind::SendMessage),
            action(BotActionKind::CreateTicket),
        ],
    }
}

/// The demo's Support email channel, in the inbox and movable.
pub fn support_email() -> Channel {
    Channel {
        id: "1".into(),
        inbox_id: "1".into(),
        kind: ChannelKind::Email,
        name: "Support email".into(),
        address: "support@demo.test".into(),
        workspace: Workspace::Inbox,
        settings: ChannelSettings::default(),
        movable: Movability::from_blockers(vec![]),
    }
}
