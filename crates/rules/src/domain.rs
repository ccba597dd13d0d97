//! The domain types, in exactly the JSON shapes of the HTTP API (API.md).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Every id in the API is a string.
pub type Id = String;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SuperAdmin,
    Agent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SuperAdmin => "super_admin",
            Role::Agent => "agent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "super_admin" => Some(Role::SuperAdmin),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }

    /// The words a person reads in the user menu.
    pub fn label(self) -> &'static str {
        match self {
            Role::SuperAdmin => "Super admin",
            Role::Agent => "Agent",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: Id,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub help_desk_access: bool,
}

/// The signed-in user, with the CSRF token of this session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: Id,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub help_desk_access: bool,
    pub csrf_token: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Workspace {
    Inbox,
    HelpDesk,
}

impl Workspace {
    pub fn as_str(self) -> &'static str {
        match self {
            Workspace::Inbox => "inbox",
            Workspace::HelpDesk => "help_desk",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "inbox" => Some(Workspace::Inbox),
            "help_desk" => Some(Workspace::HelpDesk),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Workspace::Inbox => "Inbox",
            Workspace::HelpDesk => "Help desk",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Email,
    Form,
    Calling,
    Chat,
    Whatsapp,
    Messenger,
    FallbackEmail,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 7] = [
        ChannelKind::Email,
        ChannelKind::Form,
        ChannelKind::Calling,
        ChannelKind::Chat,
        ChannelKind::Whatsapp,
        ChannelKind::Messenger,
        ChannelKind::FallbackEmail,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Email => "email",
            ChannelKind::Form => "form",
            ChannelKind::Calling => "calling",
            ChannelKind::Chat => "chat",
            ChannelKind::Whatsapp => "whatsapp",
            ChannelKind::Messenger => "messenger",
            ChannelKind::FallbackEmail => "fallback_email",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind as a person names it.
    pub fn label(self) -> &'static str {
        match self {
            ChannelKind::Email => "Team email",
            ChannelKind::Form => "Form",
            ChannelKind::Calling => "Calling",
            ChannelKind::Chat => "Chat",
            ChannelKind::Whatsapp => "WhatsApp",
            ChannelKind::Messenger => "Facebook Messenger",
            ChannelKind::FallbackEmail => "Fallback email",
        }
    }

    /// The chatflow kinds have a chatflow behind the channel.
    pub fn has_chatflow(self) -> bool {
        matches!(
            self,
            ChannelKind::Chat | ChannelKind::Whatsapp | ChannelKind::Messenger
        )
    }
}

/// A channel's settings. A move carries them over unchanged (R6).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSettings {
    /// The signature appended to replies.
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(default)]
    pub routing: Routing,
    /// Names of the automation rules that run on the channel's conversations.
    #[serde(default)]
    pub automation: Vec<String>,
    #[serde(default)]
    pub ticket_creation: TicketCreation,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routing {
    /// Who new conversations are assigned to; none leaves them unassigned.
    #[serde(default)]
    pub owner_id: Option<Id>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketCreation {
    /// The status new tickets get; none means the pipeline's first open status.
    #[serde(default)]
    pub status_id: Option<Id>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub id: Id,
    pub inbox_id: Id,
    pub kind: ChannelKind,
    pub name: String,
    pub address: String,
    pub workspace: Workspace,
    pub settings: ChannelSettings,
    pub movable: Movability,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub id: Id,
    pub name: String,
    pub channels: Vec<Channel>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatflowKind {
    Chat,
    Whatsapp,
    Messenger,
}

impl ChatflowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatflowKind::Chat => "chat",
            ChatflowKind::Whatsapp => "whatsapp",
            ChatflowKind::Messenger => "messenger",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "chat" => Some(ChatflowKind::Chat),
            "whatsapp" => Some(ChatflowKind::Whatsapp),
            "messenger" => Some(ChatflowKind::Messenger),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BotActionKind {
    SendMessage,
    AskQuestion,
    CreateTicket,
    SendToTeamMember,
}

impl BotActionKind {
    pub fn label(self) -> &'static str {
        match self {
            BotActionKind::SendMessage => "Send message",
            BotActionKind::AskQuestion => "Ask a question",
            BotActionKind::CreateTicket => "Create ticket",
            BotActionKind::SendToTeamMember => "Send to team member",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotAction {
    pub kind: BotActionKind,
    #[serde(default)]
    pub target_user_ids: Vec<Id>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bot {
    pub actions: Vec<BotAction>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chatflow {
    pub id: Id,
    pub name: String,
    pub kind: ChatflowKind,
    pub channel_id: Id,
    pub bot: Option<Bot>,
    pub workspace: Workspace,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Open,
    Closed,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Open => "open",
            ConversationStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(ConversationStatus::Open),
            "closed" => Some(ConversationStatus::Closed),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: Id,
    pub original_channel_id: Id,
    pub current_channel_id: Id,
    pub status: ConversationStatus,
    pub owner_id: Option<Id>,
    pub started_at: DateTime<Utc>,
    pub workspace: Workspace,
    pub ticket_id: Option<Id>,
    /// Who the conversation is with (added to API.md's shape for the inbox list).
    pub contact: String,
    pub subject: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SlaDue {
    pub first_reply_due: DateTime<Utc>,
    pub close_due: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: Id,
    pub conversation_id: Id,
    pub pipeline_id: Id,
    pub status_id: Id,
    pub owner_id: Option<Id>,
    pub created_at: DateTime<Utc>,
    pub sla: Option<SlaDue>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusState {
    Open,
    Closed,
}

impl StatusState {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusState::Open => "open",
            StatusState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(StatusState::Open),
            "closed" => Some(StatusState::Closed),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineStatus {
    pub id: Id,
    pub label: String,
    pub state: StatusState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    pub id: Id,
    pub name: String,
    pub statuses: Vec<PipelineStatus>,
}

impl Pipeline {
    pub fn status(&self, id: &str) -> Option<&PipelineStatus> {
        self.statuses.iter().find(|s| s.id == id)
    }

    /// The first status in the given state, in pipeline order.
    pub fn first_in_state(&self, state: StatusState) -> Option<&PipelineStatus> {
        self.statuses.iter().find(|s| s.state == state)
    }
}

/// Time to first reply and time to close, applied to help desk tickets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub id: Id,
    pub name: String,
    pub first_reply_seconds: i64,
    pub close_seconds: i64,
}

/// What happens to the channel's history (R9).
///
/// The statuses are optional on the wire so that a missing one gets the
/// field-by-field message of [`crate::validate_move_request`], not a bare parse error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum HistoryChoice {
    All {
        #[serde(default)]
        open_status_id: Option<Id>,
        #[serde(default)]
        closed_status_id: Option<Id>,
    },
    None,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveRequest {
    pub channel_id: Id,
    pub history: HistoryChoice,
    #[serde(default)]
    pub mute_notifications: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveState {
    Running,
    Completed,
    Failed,
}

impl MoveState {
    pub fn as_str(self) -> &'static str {
        match self {
            MoveState::Running => "running",
            MoveState::Completed => "completed",
            MoveState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "running" => Some(MoveState::Running),
            "completed" => Some(MoveState::Completed),
            "failed" => Some(MoveState::Failed),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    pub id: Id,
    pub channel_id: Id,
    pub requested_by: Id,
    pub history: HistoryChoice,
    pub mute_notifications: bool,
    pub state: MoveState,
    pub total: u64,
    pub moved: u64,
    pub tickets_created: u64,
    pub unassigned: u64,
    pub arrived: u64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub eta_seconds: Option<u64>,
    /// Why a running move is held back right now (a server fault it will ride out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_reason: Option<String>,
}

/// What a move of a channel would do, and what stands in its way.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub conversations: u64,
    pub with_ticket: u64,
    pub without_ticket: u64,
    pub open: u64,
    pub closed: u64,
    pub owners_without_access: u64,
    pub blockers: Vec<Blocker>,
    pub warnings: Vec<Warning>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    TicketCreated,
    TicketAssigned,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: Id,
    pub kind: NotificationKind,
    pub ticket_id: Id,
    pub created_at: DateTime<Utc>,
}

/// One page of a cursor-paged list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
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
    pub message: String,
}

/// What the admin should know before a move; warnings never block (R5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    AgentsWithoutAccess,
    NoSlaPolicy,
    BusyChannel,
    Notifications,
    FormLinkedEmail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub code: WarningCode,
    pub message: String,
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn a_channel_has_the_json_shape_of_the_api() {
        let c = Channel {
            id: "1".into(),
            inbox_id: "2".into(),
            kind: ChannelKind::FallbackEmail,
            name: "Fallback address".into(),
            address: "fallback@inbox.demo.test".into(),
            workspace: Workspace::HelpDesk,
            settings: ChannelSettings::default(),
            movable: Movability::from_blockers(vec![Blocker {
                code: BlockerCode::FallbackAddress,
                message: "no".into(),
            }]),
        };
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            json!({"id":"1","inbox_id":"2","kind":"fallback_email","name":"Fallback address",
                "address":"fallback@inbox.demo.test","workspace":"help_desk",
                "settings":{"signature":null,"routing":{"owner_id":null},"automation":[],
                    "ticket_creation":{"status_id":null}},
                "movable":{"ok":false,"reasons":[{"code":"fallback_address","message":"no"}]}})
        );
    }

    #[test]
    fn a_move_has_the_json_shape_of_the_api() {
        let m = Move {
            id: "9".into(),
            channel_id: "1".into(),
            requested_by: "3".into(),
            history: HistoryChoice::All {
                open_status_id: Some("s1".into()),
                closed_status_id: Some("s4".into()),
            },
            mute_notifications: true,
            state: MoveState::Running,
            total: 10,
            moved: 4,
            tickets_created: 3,
            unassigned: 1,
            arrived: 2,
            started_at: Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap(),
            finished_at: None,
            eta_seconds: Some(7),
            paused_reason: None,
        };
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(
            v["history"],
            json!({"mode":"all","open_status_id":"s1","closed_status_id":"s4"})
        );
        assert_eq!(v["state"], "running");
        assert_eq!(v["started_at"], "2026-11-22T08:00:00Z");
        assert_eq!(v["finished_at"], serde_json::Value::Null);
        assert_eq!(serde_json::from_value::<Move>(v).unwrap(), m);
        assert_eq!(
            serde_json::to_value(HistoryChoice::None).unwrap(),
            json!({"mode":"none"})
        );
    }

    #[test]
    fn codes_round_trip_through_their_names() {
        for k in ChannelKind::ALL {
            assert_eq!(ChannelKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for r in [Role::SuperAdmin, Role::Agent] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        for w in [Workspace::Inbox, Workspace::HelpDesk] {
            assert_eq!(Workspace::parse(w.as_str()), Some(w));
        }
        for s in [MoveState::Running, MoveState::Completed, MoveState::Failed] {
            assert_eq!(MoveState::parse(s.as_str()), Some(s));
        }
        assert_eq!(ChannelKind::parse("fax"), None);
        assert_eq!(
            serde_json::to_value(crate::ErrorBody {
                error: crate::ApiError::new(crate::ErrorCode::MoveInProgress, "busy")
            })
            .unwrap(),
            json!({"error":{"code":"move_in_progress","message":"busy"}})
        );
        assert_eq!(crate::ErrorCode::MoveInProgress.http_status(), 409);
        assert_eq!(crate::ErrorCode::Csrf.http_status(), 403);
    }
}
