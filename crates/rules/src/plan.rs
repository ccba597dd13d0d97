//! What a move does to each conversation's ticket (R7, R8, R10, R11, R13), and who is notified (R22).

use chrono::{DateTime, Duration, Utc};

use crate::domain::{
    ChannelSettings, ConversationStatus, NotificationKind, Pipeline, SlaDue, SlaPolicy, StatusId,
    StatusState, TicketFate, UnassignedReason, UserId,
};
use crate::validation::StatusMapping;

/// R8, R13, R31: the SLA due times of a ticket created at `created_at`, counted
/// in the policy's hours. (Hours that don't validate are never stored; were they,
/// the clock would count around the clock rather than never.)
pub fn sla_due(policy: &SlaPolicy, created_at: DateTime<Utc>) -> SlaDue {
    let due = |seconds: i64| {
        crate::sla::due_after(&policy.hours, created_at, seconds)
            .unwrap_or_else(|| created_at + Duration::seconds(seconds))
    };
    SlaDue {
        first_reply_due: due(policy.first_reply_seconds),
        close_due: due(policy.close_seconds),
    }
}

/// R8, R11: a help desk ticket's owner must have help desk access; otherwise unassigned.
pub fn help_desk_owner(
    owner: Option<UserId>,
    has_access: impl Fn(UserId) -> bool,
) -> Option<UserId> {
    owner.filter(|id| has_access(*id))
}

/// A ticket that a historical conversation already has, as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingTicket {
    pub status_id: StatusId,
    pub owner_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub sla: Option<SlaDue>,
}

/// A historical conversation of the channel being moved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoricalConversation {
    pub status: ConversationStatus,
    pub owner_id: Option<UserId>,
    pub started_at: DateTime<Utc>,
    pub ticket: Option<ExistingTicket>,
}

/// A ticket to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTicket {
    pub status_id: StatusId,
    pub owner_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub sla: Option<SlaDue>,
}

/// What the move does to one historical conversation's ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TicketPlan {
    /// R10: the ticket moves as it is; `add_sla` is set only when it had no SLA,
    /// `unassign` only when its owner has no help desk access.
    Keep {
        add_sla: Option<SlaDue>,
        unassign: bool,
    },
    /// R11: the conversation gets its first and only ticket.
    Create(NewTicket),
}

impl TicketPlan {
    pub fn creates_ticket(&self) -> bool {
        matches!(self, TicketPlan::Create(_))
    }

    /// A ticket the move leaves without owner (the move's `unassigned` count): a
    /// created one nobody may own, or a kept one whose owner lacks access (R10).
    pub fn leaves_unassigned(&self) -> bool {
        match self {
            TicketPlan::Create(t) => t.owner_id.is_none(),
            TicketPlan::Keep { unassign, .. } => *unassign,
        }
    }
}

/// R10, R11, R13 for one historical conversation.
///
/// - R10: a conversation with a ticket keeps it unchanged (status, owner,
///   created_at). **decision**: R13's SLA due times are added to a ticket that has
///   none, computed from its own created_at; and R13's help desk access applies,
///   so a kept ticket whose owner has none becomes unassigned.
/// - R11: a conversation without one gets a ticket created at its `started_at`, with
///   the status mapped from open/closed, owned by its owner only if that user has
///   help desk access.
pub fn plan_history_ticket(
    conversation: &HistoricalConversation,
    mapping: &StatusMapping,
    has_access: impl Fn(UserId) -> bool,
    sla: Option<&SlaPolicy>,
) -> TicketPlan {
    match &conversation.ticket {
        Some(ticket) => TicketPlan::Keep {
            add_sla: match (ticket.sla, sla) {
                (None, Some(policy)) => Some(sla_due(policy, ticket.created_at)),
                _ => None,
            },
            unassign: ticket.owner_id.is_some_and(|o| !has_access(o)),
        },
        None => TicketPlan::Create(NewTicket {
            status_id: mapping.status_for(conversation.status),
            owner_id: help_desk_owner(conversation.owner_id, has_access),
            created_at: conversation.started_at,
            sla: sla.map(|p| sla_due(p, conversation.started_at)),
        }),
    }
}

/// R25: the ticket a planned conversation ends up with, as the move's sample
/// shows it: kept or created, its status, owner (or why it has none), created
/// date and SLA due times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedTicket {
    pub fate: TicketFate,
    pub status_id: StatusId,
    pub owner_id: Option<UserId>,
    pub unassigned_reason: Option<UnassignedReason>,
    pub created_at: DateTime<Utc>,
    pub sla: Option<SlaDue>,
}

/// R25: what [`plan_history_ticket`]'s plan leaves `conversation` with; `None`
/// for a plan that keeps a ticket the conversation does not have, which
/// `plan_history_ticket` never makes.
pub fn planned_ticket(
    conversation: &HistoricalConversation,
    plan: &TicketPlan,
) -> Option<PlannedTicket> {
    let why = |had_owner: bool| {
        if had_owner {
            UnassignedReason::OwnerWithoutAccess
        } else {
            UnassignedReason::NoOwner
        }
    };
    match (plan, &conversation.ticket) {
        (TicketPlan::Create(t), _) => Some(PlannedTicket {
            fate: TicketFate::Created,
            status_id: t.status_id,
            owner_id: t.owner_id,
            unassigned_reason: t
                .owner_id
                .is_none()
                .then(|| why(conversation.owner_id.is_some())),
            created_at: t.created_at,
            sla: t.sla,
        }),
        (TicketPlan::Keep { add_sla, unassign }, Some(t)) => {
            let owner_id = t.owner_id.filter(|_| !unassign);
            Some(PlannedTicket {
                fate: TicketFate::Kept,
                status_id: t.status_id,
                owner_id,
                unassigned_reason: owner_id.is_none().then(|| why(t.owner_id.is_some())),
                created_at: t.created_at,
                sla: t.sla.or(*add_sla),
            })
        }
        (TicketPlan::Keep { .. }, None) => None,
    }
}

/// R7, R8: the ticket a new conversation gets in a moved (or moving) channel.
/// The channel keeps its ticket-creation and routing settings (R6): the status is
/// the channel's ticket-creation status when it is in the pipeline, else the
/// pipeline's first open status; the owner is whom routing gave it to
/// ([`crate::inboxes::routed_to`]) if they have help desk access. `None` when the
/// pipeline has no open status to start in.
pub fn plan_arrival_ticket(
    settings: &ChannelSettings,
    pipeline: &Pipeline,
    routed: Option<UserId>,
    has_access: impl Fn(UserId) -> bool,
    sla: Option<&SlaPolicy>,
    now: DateTime<Utc>,
) -> Option<NewTicket> {
    let status = settings
        .ticket_status_id
        .and_then(|id| pipeline.status(id))
        .or_else(|| pipeline.first_in_state(StatusState::Open))?;
    Some(NewTicket {
        status_id: status.id,
        owner_id: help_desk_owner(routed, has_access),
        created_at: now,
        sla: sla.map(|p| sla_due(p, now)),
    })
}

/// An inbox conversation's agent-made ticket: owned by the conversation's owner,
/// and no SLA until it is in help desk (R10's decision adds one when it moves).
pub fn plan_inbox_ticket(
    status_id: StatusId,
    conversation_owner: Option<UserId>,
    now: DateTime<Utc>,
) -> NewTicket {
    NewTicket {
        status_id,
        owner_id: conversation_owner,
        created_at: now,
        sla: None,
    }
}

/// What happened to a ticket that may notify its owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketEvent {
    Created,
    Assigned,
}

/// R22: who is told of a ticket event, and how. Nobody is told of an unowned
/// ticket, nor of anything while a running move of the account has notifications
/// turned off.
pub fn notification(
    event: TicketEvent,
    owner: Option<UserId>,
    muted_by_running_move: bool,
) -> Option<(NotificationKind, UserId)> {
    if muted_by_running_move {
        return None;
    }
    let kind = match event {
        TicketEvent::Created => NotificationKind::TicketCreated,
        TicketEvent::Assigned => NotificationKind::TicketAssigned,
    };
    owner.map(|o| (kind, o))
}

#[cfg(test)]
mod tests;
