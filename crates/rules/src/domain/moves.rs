//! A move: what the admin asks for, the durable job as the API shows it, and its preview.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::said::Said;

use super::{
    codes, Blocker, ChannelId, ConversationId, ConversationStatus, IdText, MoveId, SlaDue,
    SlaPolicy, StatusId, TicketId, UserId,
};

/// What happens to the channel's history (R9), as the admin asks for it.
///
/// The statuses are optional text on the wire so that a missing or unknown one gets
/// the field-by-field message of [`crate::validate_move_request`], not a bare parse error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum HistoryChoice {
    All {
        #[serde(default)]
        open_status_id: Option<IdText>,
        #[serde(default)]
        closed_status_id: Option<IdText>,
    },
    None,
}

/// `POST /api/moves`. Irreversible, so nothing in it may go unread: a field the
/// server does not know is refused, never ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    pub channel_id: IdText,
    pub history: HistoryChoice,
    #[serde(default)]
    pub mute_notifications: bool,
    /// R24: when to start (RFC 3339); none or empty starts now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_at: Option<String>,
}

/// `PATCH /api/moves/{id}`: a scheduled move's new start (R24).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveReschedule {
    pub start_at: Option<String>,
}

/// What a move does with the channel's history, as the move records it (R9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum MoveHistory {
    All {
        open_status_id: StatusId,
        closed_status_id: StatusId,
    },
    None,
}

codes! {
    pub enum MoveState("move state") {
        Scheduled = "scheduled" => "Scheduled",
        Running = "running" => "Running",
        Completed = "completed" => "Completed",
        Canceled = "canceled" => "Canceled",
        Failed = "failed" => "Failed",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    pub id: MoveId,
    pub channel_id: ChannelId,
    pub requested_by: UserId,
    pub history: MoveHistory,
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
    /// R24: when a scheduled move starts (or was to start); none for "Start now".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_at: Option<DateTime<Utc>>,
    /// R24: why a scheduled move could not start at its time, in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_reason: Option<String>,
    /// The same, as facts the app words in the reader's language (R27).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failure: Vec<Said>,
    /// R26: whether the move keeps a per-conversation report; moves made before
    /// reports began have none.
    #[serde(default = "kept")]
    pub reported: bool,
    /// R31: the SLA policy the move fixed at its start (its tickets count by it).
    #[serde(default)]
    pub sla_policy: Option<SlaPolicy>,
}

fn kept() -> bool {
    true
}

impl MoveState {
    /// R4, R24: a scheduled or running move holds the account's one move.
    pub fn is_active(self) -> bool {
        matches!(self, MoveState::Scheduled | MoveState::Running)
    }
}

/// What a move of a channel would do, and what stands in its way.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub conversations: u64,
    pub with_ticket: u64,
    pub without_ticket: u64,
    pub open: u64,
    pub closed: u64,
    pub owners_without_access: u64,
    pub blockers: Vec<Blocker>,
    pub warnings: Vec<Warning>,
    /// R25: what the move does to the oldest and newest conversations of the
    /// history, for the statuses asked for (`?sample=N`; none unless asked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sample: Vec<SampleConversation>,
    /// R24: when the channel is busy and when it is quiet.
    #[serde(default)]
    pub activity: Activity,
}

/// R24: a channel's arrivals: in the last hour, and by UTC hour of the day over
/// the last [`crate::warnings::ACTIVITY_DAYS`] days (the mean a day), with the
/// quietest hour, the one a scheduled start is offered.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub last_hour: u64,
    pub by_hour: Vec<f64>,
    pub quietest_hour: u8,
}

codes! {
    /// R25: whether a conversation keeps its ticket or gets one.
    pub enum TicketFate("ticket fate") {
        Kept = "kept" => "Kept",
        Created = "created" => "Created",
    }

    /// R25, R8, R11: why a moved conversation's ticket has no owner.
    pub enum UnassignedReason("unassigned reason") {
        OwnerWithoutAccess = "owner_without_access" => "Its owner has no help desk access",
        NoOwner = "no_owner" => "It has no owner",
    }
}

codes! {
    /// R26: the filters of a move's report.
    pub enum ItemOutcome("report filter") {
        Created = "created" => "Ticket created",
        Kept = "kept" => "Ticket kept",
        Arrived = "arrived" => "Arrived during the move",
        Unassigned = "unassigned" => "Unassigned",
    }
}

/// R26: what a move did to one conversation it moved, from its history or as it
/// arrived during the move: recorded by the move itself, in the batch that moved it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveItem {
    pub conversation_id: ConversationId,
    pub contact: String,
    pub subject: String,
    pub original_channel_id: ChannelId,
    pub ticket_id: TicketId,
    pub ticket: TicketFate,
    pub arrived: bool,
    pub status_id: StatusId,
    pub owner_id: Option<UserId>,
    pub unassigned_reason: Option<UnassignedReason>,
}

/// R25: one conversation of the sample and what the move does to its ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleConversation {
    pub conversation_id: ConversationId,
    pub contact: String,
    pub subject: String,
    pub status: ConversationStatus,
    pub started_at: DateTime<Utc>,
    pub ticket: TicketFate,
    pub status_id: StatusId,
    pub owner_id: Option<UserId>,
    pub unassigned_reason: Option<UnassignedReason>,
    pub created_at: DateTime<Utc>,
    pub sla: Option<SlaDue>,
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
    /// In English, as the API says it.
    pub message: String,
    /// The same, as facts the app words in the reader's language (R27).
    pub said: Said,
}

impl Warning {
    pub fn new(code: WarningCode, said: Said) -> Self {
        Warning {
            code,
            message: said.english(),
            said,
        }
    }
}
