//! Inbound traffic: conversations arriving in a channel (R7, R18) and replies (R12).

use chrono::{DateTime, Utc};
use deskmove_rules::inboxes::routed_to;
use deskmove_rules::mail::reopened_status;
use deskmove_rules::plan::{plan_arrival_ticket, TicketEvent};
use deskmove_rules::scope::{arrival_gets_ticket, arrival_workspace, ChannelPhase};
use deskmove_rules::{
    has_help_desk_access, AccountId, Attachment, ChannelId, Conversation, ConversationId,
    MessageId, Routing, StatusId, UnassignedReason, UserId,
};

use sqlx::Row;

use super::catalog::{
    pipeline_on, running_move_on, sla_policy_on, typed, users_on, ChannelRow, CHANNEL_COLUMNS,
};
use super::conversations::{commit_with_conversation, conversation_in};
use super::notifications::notify;
use super::sla::move_sla_on;
use super::{to_millis, Store, StoreError, StoreResult};

/// A conversation arriving: who it is with, what it says, when it started.
#[derive(Clone, Copy, Debug)]
pub struct Arrival<'a> {
    pub contact: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub started_at: DateTime<Utc>,
}

impl Store {
    /// A conversation arrives in a channel (R7, R18): in the inbox before a move; from
    /// the instant its move starts, in help desk with its ticket, in this one
    /// transaction. Answers `None` when no channel has that id.
    pub async fn ingest_conversation(
        &self,
        channel_id: ChannelId,
        arrival: &Arrival<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Conversation>> {
        let mut tx = self.begin_write().await?;
        let Some(channel): Option<ChannelRow> = sqlx::query_as(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE id = $1"
        ))
        .bind(channel_id.get())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let message = NewMessage::plain(arrival.body);
        let (conversation, _) = open_on(&mut tx, &channel, arrival, &message, now).await?;
        Ok(Some(
            commit_with_conversation(tx, channel.account_id, conversation).await?,
        ))
    }

    /// A reply on a conversation keeps it where it is (R12). `None` when no
    /// conversation has that id.
    pub async fn ingest_message(
        &self,
        id: ConversationId,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Conversation>> {
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query("SELECT account_id FROM conversations WHERE id = $1")
            .bind(id.get())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let account = typed::<_, i64>(&row, "account_id")?;
        add_message(&mut tx, id, &NewMessage::plain(body), now).await?;
        let conversation = conversation_in(&mut tx, account, id).await?;
        tx.commit().await?;
        Ok(conversation)
    }
}

/// A conversation opens on a channel (R7, R18): in the inbox before a move; from
/// the instant its move starts, in help desk with its ticket, in the caller's
/// transaction, which holds the write lock. Answers it and its first message.
pub(crate) async fn open_on(
    tx: &mut sqlx::AnyConnection,
    channel: &ChannelRow,
    arrival: &Arrival<'_>,
    message: &NewMessage<'_>,
    now: DateTime<Utc>,
) -> StoreResult<(ConversationId, MessageId)> {
    let channel_id = channel.id;
    let account = channel.account_id;
    let moving = running_move_on(&mut *tx, account)
        .await?
        .filter(|m| m.channel_id == channel_id);
    let phase = ChannelPhase::of(channel.workspace, moving.is_some());
    let workspace = arrival_workspace(phase);

    let users = users_on(&mut *tx, account).await?;
    let has_access = |id: UserId| has_help_desk_access(&users, id);
    let gets_ticket = arrival_gets_ticket(phase);
    // R30: routing, whose turn it is for round robin; R29: never to a
    // deactivated user.
    let routed = routed_to(
        &channel.settings,
        &users,
        channel.round_robin_last,
        gets_ticket,
    );
    if routed.is_some() && channel.settings.routing == Routing::RoundRobin {
        sqlx::query("UPDATE channels SET round_robin_last = $1 WHERE id = $2")
            .bind(routed.map(UserId::get))
            .bind(channel_id.get())
            .execute(&mut *tx)
            .await?;
    }

    let ticket = if gets_ticket {
        let pipeline = pipeline_on(&mut *tx, account).await?;
        // R31: an arrival during its channel's move counts by the policy
        // the move fixed; after it, by the account's.
        let sla = match &moving {
            Some(m) => move_sla_on(&mut *tx, account, m.id).await?,
            None => sla_policy_on(&mut *tx, account).await?,
        };
        pipeline.and_then(|p| {
            plan_arrival_ticket(&channel.settings, &p, routed, has_access, sla.as_ref(), now)
                .map(|t| (t, p.id))
        })
    } else {
        None
    };
    let owner = match &ticket {
        Some((t, _)) => t.owner_id,
        None => routed,
    };
    let conversation: ConversationId = typed::<_, i64>(
        &sqlx::query(
            "INSERT INTO conversations (account_id, original_channel_id, current_channel_id, status, owner_id, \
             started_at, workspace, contact, subject) VALUES ($1, $2, $2, 'open', $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(account.get())
        .bind(channel_id.get())
        .bind(owner.map(UserId::get))
        .bind(to_millis(arrival.started_at))
        .bind(workspace.as_str())
        .bind(arrival.contact)
        .bind(arrival.subject)
        .fetch_one(&mut *tx)
        .await?,
        "id",
    )?;
    let first = add_message(&mut *tx, conversation, message, now).await?;
    if let Some((t, pipeline)) = &ticket {
        let ticket = typed::<_, i64>(
            &sqlx::query(
                "INSERT INTO tickets (account_id, conversation_id, pipeline_id, status_id, owner_id, created_at, \
                 first_reply_due, close_due) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(account.get())
            .bind(conversation.get())
            .bind(pipeline.get())
            .bind(t.status_id.get())
            .bind(owner.map(UserId::get))
            .bind(to_millis(t.created_at))
            .bind(t.sla.map(|s| to_millis(s.first_reply_due)))
            .bind(t.sla.map(|s| to_millis(s.close_due)))
            .fetch_one(&mut *tx)
            .await?,
            "id",
        )?;
        notify(
            &mut *tx,
            account,
            TicketEvent::Created,
            t.owner_id,
            ticket,
            to_millis(now),
        )
        .await?;
        // R26: an arrival during the move is in the move's report.
        if let Some(m) = &moving {
            let reason = match (t.owner_id, routed) {
                (Some(_), _) => None,
                (None, Some(_)) => Some(UnassignedReason::OwnerWithoutAccess),
                (None, None) => Some(UnassignedReason::NoOwner),
            };
            sqlx::query(
                "INSERT INTO move_items (move_id, conversation_id, ticket_id, created, arrived, \
                 status_id, owner_id, unassigned_reason) VALUES ($1, $2, $3, 1, 1, $4, $5, $6)",
            )
            .bind(m.id.get())
            .bind(conversation.get())
            .bind(ticket.get())
            .bind(t.status_id.get())
            .bind(t.owner_id.map(UserId::get))
            .bind(reason.map(UnassignedReason::as_str))
            .execute(&mut *tx)
            .await?;
        }
    }
    if phase == ChannelPhase::Moving {
        sqlx::query(
            "UPDATE moves SET arrived = arrived + 1 WHERE account_id = $1 AND state = 'running'",
        )
        .bind(account.get())
        .execute(&mut *tx)
        .await?;
    }
    Ok((conversation, first))
}

/// A message as it is written: what it says, and for mail who sent it and
/// what came attached.
#[derive(Clone, Copy, Debug)]
pub struct NewMessage<'a> {
    pub body: &'a str,
    pub from: Option<&'a str>,
    pub attachments: &'a [Attachment],
}

impl<'a> NewMessage<'a> {
    /// A message through the JSON ingest: words only.
    pub fn plain(body: &'a str) -> Self {
        NewMessage {
            body,
            from: None,
            attachments: &[],
        }
    }
}

pub(crate) async fn add_message(
    conn: &mut sqlx::AnyConnection,
    conversation: ConversationId,
    message: &NewMessage<'_>,
    now: DateTime<Utc>,
) -> StoreResult<MessageId> {
    let attachments = (!message.attachments.is_empty())
        .then(|| serde_json::to_string(message.attachments))
        .transpose()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let row = sqlx::query(
        "INSERT INTO messages (conversation_id, body, created_at, direction, sender, attachments) \
         VALUES ($1, $2, $3, 'in', $4, $5) RETURNING id",
    )
    .bind(conversation.get())
    .bind(message.body)
    .bind(to_millis(now))
    .bind(message.from)
    .bind(attachments)
    .fetch_one(&mut *conn)
    .await?;
    Ok(typed::<_, i64>(&row, "id")?)
}

/// A reply arrived on a closed conversation: it is open again, and in help
/// desk its closed ticket goes back to the pipeline's first open status (R32).
pub(crate) async fn reopen(
    conn: &mut sqlx::AnyConnection,
    account: AccountId,
    conversation: ConversationId,
) -> StoreResult<()> {
    sqlx::query("UPDATE conversations SET status = 'open' WHERE id = $1 AND status = 'closed'")
        .bind(conversation.get())
        .execute(&mut *conn)
        .await?;
    let ticket = sqlx::query("SELECT id, status_id FROM tickets WHERE conversation_id = $1")
        .bind(conversation.get())
        .fetch_optional(&mut *conn)
        .await?;
    let Some(ticket) = ticket else {
        return Ok(());
    };
    let status: StatusId = typed::<_, i64>(&ticket, "status_id")?;
    let Some(pipeline) = pipeline_on(&mut *conn, account).await? else {
        return Ok(());
    };
    if let Some(open) = reopened_status(&pipeline, status) {
        sqlx::query("UPDATE tickets SET status_id = $1 WHERE id = $2")
            .bind(open.get())
            .bind(ticket.try_get::<i64, _>("id")?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
