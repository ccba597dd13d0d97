//! Conversations, their tickets, the help desk pipeline, SLAs and notifications.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    codes, ChannelId, ConversationId, MessageId, NotificationId, PipelineId, SlaPolicyId, StatusId,
    TicketId, UserId, Workspace,
};

codes! {
    pub enum ConversationStatus("conversation status") {
        Open = "open" => "Open",
        Closed = "closed" => "Closed",
    }

    pub enum StatusState("status state") {
        Open = "open" => "Open",
        Closed = "closed" => "Closed",
    }

    /// How a conversation list is ordered (`?sort=`).
    pub enum ConversationSort("sort") {
        Newest = "newest" => "Newest first",
        Oldest = "oldest" => "Oldest first",
    }

    /// How a ticket list is ordered (`?sort=`).
    pub enum TicketSort("sort") {
        Newest = "newest" => "Newest first",
        Oldest = "oldest" => "Oldest first",
        /// R33: tickets still waiting for their first answer, soonest due
        /// first; then those answered or without an SLA.
        Due = "due" => "First reply due soonest",
    }

    /// R32, R33: a message the contact sent, or an answer sent to them.
    pub enum Direction("direction") {
        In = "in" => "Received",
        Out = "out" => "Sent",
    }

    /// R33: where an answer is on its way out.
    pub enum DeliveryState("delivery state") {
        Queued = "queued" => "Queued",
        Sent = "sent" => "Sent",
        Failed = "failed" => "Failed",
    }

    pub enum NotificationKind("notification kind") {
        TicketCreated = "ticket_created" => "Ticket created",
        TicketAssigned = "ticket_assigned" => "Ticket assigned",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    pub original_channel_id: ChannelId,
    pub current_channel_id: ChannelId,
    pub status: ConversationStatus,
    pub owner_id: Option<UserId>,
    pub started_at: DateTime<Utc>,
    pub workspace: Workspace,
    pub ticket_id: Option<TicketId>,
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
    pub id: TicketId,
    pub conversation_id: ConversationId,
    pub pipeline_id: PipelineId,
    pub status_id: StatusId,
    pub owner_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub sla: Option<SlaDue>,
    /// R33: when its first answer was committed.
    #[serde(default)]
    pub first_replied_at: Option<DateTime<Utc>>,
    /// Its conversation's contact, subject and current channel, for the lists
    /// (added to API.md's shape).
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub subject: String,
    pub channel_id: ChannelId,
}

/// One message of a conversation, oldest first (`GET /api/conversations/{id}/messages`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// Who sent it as their mail said (`Kari Nordmann <kari@example.com>`);
    /// `None` for what arrived through the JSON ingest.
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default = "Direction::received")]
    pub direction: Direction,
    /// An answer's (R33); `None` for what was received.
    #[serde(default)]
    pub state: Option<DeliveryState>,
    /// Why an answer failed, as the relay said.
    #[serde(default)]
    pub error: Option<String>,
    /// Its Message-ID, for mail received or sent and form submissions (R32):
    /// what a reply names in In-Reply-To.
    #[serde(default)]
    pub mail_id: Option<String>,
    /// Where the original of received mail is downloaded (R32).
    #[serde(default)]
    pub eml_url: Option<String>,
    /// What came attached, kept in the original.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// The `thread` event: a message of a conversation was added or changed (an
/// answer queued, sent or failed), for every open page of it (R33).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadEvent {
    pub conversation_id: ConversationId,
    pub message: Message,
}

impl Direction {
    fn received() -> Self {
        Direction::In
    }
}

/// A file that came with a message: shown by name and size; it is in the `.eml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub size: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineStatus {
    pub id: StatusId,
    pub label: String,
    pub state: StatusState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    pub id: PipelineId,
    pub name: String,
    pub statuses: Vec<PipelineStatus>,
}

impl Pipeline {
    pub fn status(&self, id: StatusId) -> Option<&PipelineStatus> {
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
    pub id: SlaPolicyId,
    pub name: String,
    pub first_reply_seconds: i64,
    pub close_seconds: i64,
    /// R31: around the clock, or business hours in a time zone.
    #[serde(default)]
    pub hours: crate::sla::SlaHours,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: NotificationId,
    pub kind: NotificationKind,
    pub ticket_id: TicketId,
    pub created_at: DateTime<Utc>,
}
