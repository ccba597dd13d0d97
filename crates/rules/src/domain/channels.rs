//! Inboxes, their channels and chatflows, and whether a channel can move.

use serde::{Deserialize, Serialize};

use crate::said::Said;

use super::{codes, ChannelId, ChatflowId, InboxId, StatusId, UserId};

codes! {
    pub enum Workspace("workspace") {
        Inbox = "inbox" => "Inbox",
        HelpDesk = "help_desk" => "Help desk",
    }

    pub enum ChannelKind("channel kind") {
        Email = "email" => "Team email",
        Form = "form" => "Form",
        Calling = "calling" => "Calling",
        Chat = "chat" => "Chat",
        Whatsapp = "whatsapp" => "WhatsApp",
        Messenger = "messenger" => "Facebook Messenger",
        FallbackEmail = "fallback_email" => "Fallback email",
    }

    pub enum ChatflowKind("chatflow kind") {
        Chat = "chat" => "Website chat",
        Whatsapp = "whatsapp" => "WhatsApp",
        Messenger = "messenger" => "Facebook Messenger",
    }

    pub enum BotActionKind("bot action") {
        SendMessage = "send_message" => "Send message",
        AskQuestion = "ask_question" => "Ask a question",
        CreateTicket = "create_ticket" => "Create ticket",
        SendToTeamMember = "send_to_team_member" => "Send to team member",
    }
}

impl ChannelKind {
    /// An email address or a phone number is what people know the channel by; a
    /// form's, chat's or page's address is an identifier (a slug such as
    /// "contact-form").
    pub fn address_is_identifier(self) -> bool {
        matches!(
            self,
            ChannelKind::Form | ChannelKind::Chat | ChannelKind::Messenger
        )
    }

    /// The chatflow kinds have a chatflow behind the channel.
    pub fn has_chatflow(self) -> bool {
        matches!(
            self,
            ChannelKind::Chat | ChannelKind::Whatsapp | ChannelKind::Messenger
        )
    }
}

/// A channel's settings (R6, R30). A move carries them over unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSettings {
    /// The signature under answers from the channel.
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(default)]
    pub routing: Routing,
    /// Whether the channel's automation runs: off, nobody is routed new conversations.
    #[serde(default = "on")]
    pub automation: bool,
    /// The status new tickets get; none means the pipeline's first open status.
    #[serde(default)]
    pub ticket_status_id: Option<StatusId>,
    /// A form's page a visitor is sent to after posting (R32); `None`, the
    /// built-in one. `https://` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thank_you_url: Option<String>,
    /// R33: the email channel a channel of another kind (a form) answers
    /// from; an email channel answers from itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_from_channel_id: Option<ChannelId>,
}

fn on() -> bool {
    true
}

impl Default for ChannelSettings {
    fn default() -> Self {
        ChannelSettings {
            signature: None,
            routing: Routing::None,
            automation: true,
            ticket_status_id: None,
            thank_you_url: None,
            reply_from_channel_id: None,
        }
    }
}

/// Who new conversations on the channel are given to (R30).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Routing {
    /// Nobody: they arrive unassigned.
    #[default]
    None,
    /// Always this user.
    User { user_id: UserId },
    /// The users who can take them, in turn.
    RoundRobin,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub id: ChannelId,
    /// The inbox it was connected to; `None` for one connected straight to help desk.
    pub inbox_id: Option<InboxId>,
    pub kind: ChannelKind,
    pub name: String,
    pub address: String,
    pub workspace: Workspace,
    pub settings: ChannelSettings,
    pub movable: Movability,
    /// R30, R32: a form's public key, which its web form posts with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_key: Option<String>,
}

impl Channel {
    /// The address as a person reads it: an identifier in words ("contact-form"
    /// → "Contact form"), an email address or a phone number as it is.
    pub fn address_in_words(&self) -> String {
        if !self.kind.address_is_identifier() {
            return self.address.clone();
        }
        let words = self
            .address
            .split(['-', '_', '.'])
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let mut chars = words.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => self.name.clone(),
        }
    }

    /// What the move dialog's history choice names ("All conversations with …"):
    /// the address people write to or call, else the channel's own name.
    pub fn reached_at(&self) -> String {
        if self.kind.address_is_identifier() {
            self.name.clone()
        } else {
            self.address.clone()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub id: InboxId,
    pub name: String,
    pub channels: Vec<Channel>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotAction {
    pub kind: BotActionKind,
    /// What a "send message" says or an "ask a question" asks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default)]
    pub target_user_ids: Vec<UserId>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bot {
    pub actions: Vec<BotAction>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chatflow {
    pub id: ChatflowId,
    pub name: String,
    pub kind: ChatflowKind,
    pub channel_id: ChannelId,
    pub bot: Option<Bot>,
    pub workspace: Workspace,
}

/// Why a channel cannot move (API.md's blocker codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockerCode {
    NotMovableKind,
    FallbackAddress,
    AlreadyInHelpDesk,
    MoveInProgress,
    BotCreateTicketAction,
    BotTargetWithoutAccess,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Blocker {
    pub code: BlockerCode,
    /// In English, as the API says it.
    pub message: String,
    /// The same, as facts the app words in the reader's language (R27).
    pub said: Said,
}

impl Blocker {
    pub fn new(code: BlockerCode, said: Said) -> Self {
        Blocker {
            code,
            message: said.english(),
            said,
        }
    }
}

/// Whether a channel can move now, with every reason it cannot.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Movability {
    pub ok: bool,
    pub reasons: Vec<Blocker>,
}

impl Movability {
    pub fn from_blockers(reasons: Vec<Blocker>) -> Self {
        Movability {
            ok: reasons.is_empty(),
            reasons,
        }
    }

    /// The first reason, in words: what a disabled action says.
    pub fn summary(&self) -> Option<&str> {
        self.reasons.first().map(|r| r.message.as_str())
    }
}
