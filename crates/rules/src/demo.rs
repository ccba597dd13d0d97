//! The demo account of DEMO.md, defined once: the server seeds exactly this world
//! (with these ids, on an empty database), and the tests and fixtures read it.

use crate::domain::{
    Bot, BotAction, BotActionKind, ChannelId, ChannelKind, ChannelSettings, ChatflowId,
    ChatflowKind, InboxId, Pipeline, PipelineId, PipelineStatus, Role, Routing, SlaPolicy,
    SlaPolicyId, StatusId, StatusState, User, UserId, UserState,
};

pub const ACCOUNT: &str = "Demo Co";
pub const PASSWORD: &str = "deskmove-demo";
/// The ingest token of a server started with `--demo` and no token of its own.
pub const INGEST_TOKEN: &str = "demo-ingest-token";

pub const ADA: UserId = UserId::of(1);
pub const SAM: UserId = UserId::of(2);
pub const NOOR: UserId = UserId::of(3);
pub const LEE: UserId = UserId::of(4);

/// Ada and Lee (super admins), Sam (agent) with help desk access; Noor (agent) without.
pub fn users() -> Vec<User> {
    let user = |id, name: &str, email: &str, role, help_desk_access| User {
        id,
        name: name.into(),
        email: email.into(),
        role,
        help_desk_access,
        state: UserState::Active,
        last_sign_in_at: None,
        help_desk_tickets: 0,
    };
    vec![
        user(ADA, "Ada Admin", "ada@demo.test", Role::SuperAdmin, true),
        user(SAM, "Sam Support", "sam@demo.test", Role::Agent, true),
        user(NOOR, "Noor Sales", "noor@demo.test", Role::Agent, false),
        user(LEE, "Lee Lead", "lee@demo.test", Role::SuperAdmin, true),
    ]
}

pub const PIPELINE: PipelineId = PipelineId::of(1);
pub const NEW: StatusId = StatusId::of(1);
pub const WAITING_ON_CONTACT: StatusId = StatusId::of(2);
pub const WAITING_ON_US: StatusId = StatusId::of(3);
pub const CLOSED: StatusId = StatusId::of(4);

/// "Support pipeline": New, Waiting on contact, Waiting on us (open), Closed (closed).
pub fn pipeline() -> Pipeline {
    let s = |id, label: &str, state| PipelineStatus {
        id,
        label: label.into(),
        state,
    };
    Pipeline {
        id: PIPELINE,
        name: "Support pipeline".into(),
        statuses: vec![
            s(NEW, "New", StatusState::Open),
            s(WAITING_ON_CONTACT, "Waiting on contact", StatusState::Open),
            s(WAITING_ON_US, "Waiting on us", StatusState::Open),
            s(CLOSED, "Closed", StatusState::Closed),
        ],
    }
}

/// "Standard": first reply within 4 hours, close within 48 hours.
pub fn sla_policy() -> SlaPolicy {
    SlaPolicy {
        id: SlaPolicyId::of(1),
        name: "Standard".into(),
        first_reply_seconds: 4 * 3600,
        close_seconds: 48 * 3600,
        hours: crate::sla::SlaHours::Always,
    }
}

pub const SUPPORT: InboxId = InboxId::of(1);
pub const SALES: InboxId = InboxId::of(2);

pub fn inboxes() -> [(InboxId, &'static str); 2] {
    [(SUPPORT, "Support"), (SALES, "Sales")]
}

pub const SUPPORT_EMAIL: ChannelId = ChannelId::of(1);
pub const CONTACT_FORM: ChannelId = ChannelId::of(2);
pub const SUPPORT_LINE: ChannelId = ChannelId::of(3);
pub const WEBSITE_CHAT: ChannelId = ChannelId::of(4);
pub const WELCOME_BOT: ChannelId = ChannelId::of(5);
pub const PRICING_BOT: ChannelId = ChannelId::of(6);
pub const WHATSAPP: ChannelId = ChannelId::of(7);
pub const MESSENGER: ChannelId = ChannelId::of(8);
pub const FALLBACK: ChannelId = ChannelId::of(9);
pub const SALES_EMAIL: ChannelId = ChannelId::of(10);

/// A channel of the demo as it is created (in the inbox).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoChannel {
    pub id: ChannelId,
    pub inbox_id: InboxId,
    pub kind: ChannelKind,
    pub name: &'static str,
    pub address: &'static str,
    pub settings: ChannelSettings,
}

pub fn channels() -> Vec<DemoChannel> {
    let signature = |team: &str| ChannelSettings {
        signature: Some(format!("— The Demo Co {team} team")),
        ..ChannelSettings::default()
    };
    let plain = ChannelSettings::default;
    let channel = |id, inbox_id, kind, name, address, settings| DemoChannel {
        id,
        inbox_id,
        kind,
        name,
        address,
        settings,
    };
    use ChannelKind::*;
    vec![
        channel(
            SUPPORT_EMAIL,
            SUPPORT,
            Email,
            "Support email",
            "support@demo.test",
            signature("support"),
        ),
        channel(
            CONTACT_FORM,
            SUPPORT,
            Form,
            "Contact us form",
            "contact-form",
            plain(),
        ),
        channel(
            SUPPORT_LINE,
            SUPPORT,
            Calling,
            "Support line",
            "+1 555 0100",
            plain(),
        ),
        channel(
            WEBSITE_CHAT,
            SUPPORT,
            Chat,
            "Website chat",
            "website-chat",
            plain(),
        ),
        channel(
            WELCOME_BOT,
            SUPPORT,
            Chat,
            "Welcome bot",
            "welcome-bot",
            ChannelSettings {
                routing: Routing::User { user_id: SAM },
                ..plain()
            },
        ),
        channel(
            PRICING_BOT,
            SUPPORT,
            Chat,
            "Pricing bot",
            "pricing-bot",
            plain(),
        ),
        channel(
            WHATSAPP,
            SUPPORT,
            Whatsapp,
            "WhatsApp",
            "+1 555 0101",
            plain(),
        ),
        channel(
            MESSENGER,
            SUPPORT,
            Messenger,
            "Facebook Messenger",
            "demo-co",
            plain(),
        ),
        channel(
            FALLBACK,
            SUPPORT,
            FallbackEmail,
            "Fallback address",
            "fallback@inbox.demo.test",
            plain(),
        ),
        channel(
            SALES_EMAIL,
            SALES,
            Email,
            "Sales email",
            "sales@demo.test",
            signature("sales"),
        ),
    ]
}

/// A chatflow of the demo, with its bot if it runs one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoChatflow {
    pub id: ChatflowId,
    pub name: &'static str,
    pub kind: ChatflowKind,
    pub channel_id: ChannelId,
    pub bot: Option<Bot>,
}

fn say(kind: BotActionKind, text: &str) -> BotAction {
    BotAction {
        kind,
        text: Some(text.into()),
        target_user_ids: vec![],
    }
}

/// The Welcome bot: a message, a question, then to Sam (movable, R21).
pub fn welcome_bot() -> Bot {
    Bot {
        actions: vec![
            say(BotActionKind::SendMessage, "Hi! Welcome to Demo Co."),
            say(BotActionKind::AskQuestion, "What can we help you with?"),
            BotAction {
                kind: BotActionKind::SendToTeamMember,
                text: None,
                target_user_ids: vec![SAM],
            },
        ],
    }
}

/// The Pricing bot: a message, then a "create ticket" action (not movable, R21).
pub fn pricing_bot() -> Bot {
    Bot {
        actions: vec![
            say(
                BotActionKind::SendMessage,
                "Our prices are at demo.test/pricing. Tell us what you need a quote for.",
            ),
            BotAction {
                kind: BotActionKind::CreateTicket,
                text: None,
                target_user_ids: vec![],
            },
        ],
    }
}

pub fn chatflows() -> Vec<DemoChatflow> {
    let flow = |id, name, kind, channel_id, bot| DemoChatflow {
        id: ChatflowId::of(id),
        name,
        kind,
        channel_id,
        bot,
    };
    vec![
        flow(1, "Website chat", ChatflowKind::Chat, WEBSITE_CHAT, None),
        flow(
            2,
            "Welcome bot",
            ChatflowKind::Chat,
            WELCOME_BOT,
            Some(welcome_bot()),
        ),
        flow(
            3,
            "Pricing bot",
            ChatflowKind::Chat,
            PRICING_BOT,
            Some(pricing_bot()),
        ),
        flow(4, "WhatsApp", ChatflowKind::Whatsapp, WHATSAPP, None),
        flow(
            5,
            "Facebook Messenger",
            ChatflowKind::Messenger,
            MESSENGER,
            None,
        ),
    ]
}

/// Where the Support inbox's conversations start, weighted (percent).
pub const SPREAD: [(ChannelId, u64); 9] = [
    (SUPPORT_EMAIL, 30),
    (CONTACT_FORM, 12),
    (SUPPORT_LINE, 10),
    (WEBSITE_CHAT, 15),
    (WELCOME_BOT, 8),
    (PRICING_BOT, 7),
    (WHATSAPP, 8),
    (MESSENGER, 5),
    (FALLBACK, 5),
];
