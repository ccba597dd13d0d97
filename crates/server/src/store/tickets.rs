//! Tickets, their notifications (R22), and the ticket an agent makes for an inbox conversation.

use chrono::{DateTime, Utc};
use deskmove_rules::plan::{plan_inbox_ticket, TicketEvent};
use deskmove_rules::{
    AccountId, ChannelId, ConversationId, DeliveryState, Direction, Message, MessageId,
    Notification, SlaDue, StatusId, StatusState, Ticket, TicketId, TicketSort, UserId, Workspace,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow, Row};

use super::catalog::typed;
use super::conversations::{accessible, invalid, search_condition, ChangeError};
use super::notifications::notify;
use super::sql::{Arg, Sql};
use super::{from_millis, opt_id, to_millis, Store, StoreError, StoreResult};

const TICKET_SELECT: &str =
    "SELECT t.id, t.conversation_id, t.pipeline_id, t.status_id, t.owner_id, \
     t.created_at, t.first_reply_due, t.close_due, t.first_replied_at, c.contact, c.subject, \
     c.current_channel_id \
     FROM tickets t JOIN conversations c ON c.id = t.conversation_id";

/// A message as `GET /api/conversations/{id}/messages` shows it.
pub(crate) const MESSAGE_SELECT: &str =
    "SELECT m.id, m.conversation_id, m.body, m.created_at, m.direction, m.sender, m.state, \
     m.error, m.attachments, o.message_row AS original, \
     (SELECT i.message_id FROM mail_ids i WHERE i.message_row = m.id) AS mail_id \
     FROM messages m LEFT JOIN mail_originals o ON o.message_row = m.id";

pub(crate) fn message_of(r: &AnyRow) -> StoreResult<Message> {
    let id: MessageId = typed::<_, i64>(r, "id")?;
    let conversation: ConversationId = typed::<_, i64>(r, "conversation_id")?;
    let attachments: Option<String> = r.try_get("attachments")?;
    let state: Option<String> = r.try_get("state")?;
    let original: Option<i64> = r.try_get("original")?;
    let corrupt = |e: String| StoreError::Corrupt(e);
    Ok(Message {
        id,
        body: r.try_get("body")?,
        created_at: from_millis(r.try_get("created_at")?)?,
        from: r.try_get("sender")?,
        direction: typed::<Direction, String>(r, "direction")?,
        state: state
            .map(DeliveryState::try_from)
            .transpose()
            .map_err(|e| corrupt(e.to_string()))?,
        error: r.try_get("error")?,
        mail_id: r.try_get("mail_id")?,
        eml_url: original
            .map(|_| format!("/api/conversations/{conversation}/messages/{id}/original.eml")),
        attachments: attachments
            .map(|a| serde_json::from_str(&a))
            .transpose()
            .map_err(|e| corrupt(e.to_string()))?
            .unwrap_or_default(),
    })
}

fn corrupt(e: StoreError) -> sqlx::Error {
    sqlx::Error::Decode(e.to_string().into())
}

struct TicketRecord(Ticket);

impl FromRow<'_, AnyRow> for TicketRecord {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        let first: Option<i64> = r.try_get("first_reply_due")?;
        let close: Option<i64> = r.try_get("close_due")?;
        let sla = match (first, close) {
            (Some(f), Some(c)) => Some(SlaDue {
                first_reply_due: from_millis(f).map_err(corrupt)?,
                close_due: from_millis(c).map_err(corrupt)?,
            }),
            _ => None,
        };
        Ok(TicketRecord(Ticket {
            id: typed::<_, i64>(r, "id")?,
            conversation_id: typed::<_, i64>(r, "conversation_id")?,
            pipeline_id: typed::<_, i64>(r, "pipeline_id")?,
            status_id: typed::<_, i64>(r, "status_id")?,
            owner_id: opt_id(r.try_get("owner_id")?).map_err(corrupt)?,
            created_at: from_millis(r.try_get("created_at")?).map_err(corrupt)?,
            sla,
            first_replied_at: r
                .try_get::<Option<i64>, _>("first_replied_at")?
                .map(from_millis)
                .transpose()
                .map_err(corrupt)?,
            contact: r.try_get("contact")?,
            subject: r.try_get("subject")?,
            channel_id: typed::<_, i64>(r, "current_channel_id")?,
        }))
    }
}

struct NotificationRecord(Notification);

impl FromRow<'_, AnyRow> for NotificationRecord {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(NotificationRecord(Notification {
            id: typed::<_, i64>(r, "id")?,
            kind: typed::<_, String>(r, "kind")?,
            ticket_id: typed::<_, i64>(r, "ticket_id")?,
            created_at: from_millis(r.try_get("created_at")?).map_err(corrupt)?,
        }))
    }
}

#[derive(Clone, Debug, Default)]
pub struct TicketFilter {
    pub status_id: Option<StatusId>,
    pub owner_id: Option<UserId>,
    pub unassigned: bool,
    /// R33: only tickets still waiting for their first answer, due before this
    /// time (milliseconds): overdue now.
    pub overdue_at: Option<i64>,
    /// Only tickets whose status is in this pipeline state.
    pub state: Option<StatusState>,
    pub workspace: Option<Workspace>,
    /// Its conversation's current channel.
    pub channel_id: Option<ChannelId>,
    /// Words its conversation's contact or subject contains.
    pub search: Option<String>,
    /// A numbered page in this order, from `offset`; else keyset by id.
    pub sort: Option<(TicketSort, u32)>,
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// The filter's conditions, all but the page.
pub(crate) fn tickets_where(sql: &mut Sql, account: AccountId, f: &TicketFilter) {
    if f.state.is_some() {
        sql.push(" JOIN pipeline_statuses s ON s.id = t.status_id");
    }
    sql.push(" WHERE TRUE");
    sql.and("t.account_id = {}", Arg::Int(account.get()));
    sql.and_some(
        "s.state = {}",
        f.state.map(|s| Arg::Text(s.as_str().into())),
    );
    sql.and_some(
        "c.workspace = {}",
        f.workspace.map(|w| Arg::Text(w.as_str().into())),
    );
    sql.and_some(
        "c.current_channel_id = {}",
        f.channel_id.map(|c| Arg::Int(c.get())),
    );
    sql.and_some("t.status_id = {}", f.status_id.map(|s| Arg::Int(s.get())));
    sql.and_some("t.owner_id = {}", f.owner_id.map(|u| Arg::Int(u.get())));
    if f.unassigned {
        sql.push(" AND t.owner_id IS NULL");
    }
    // The due order's index leads with this expression, written the same
    // way, so the overdue tickets are a range of it.
    if let Some(at) = f.overdue_at {
        sql.push(&format!(" AND {DUE_GROUP} = 0"));
        sql.and("t.first_reply_due < {}", Arg::Int(at));
    }
    search_condition(sql, "t.conversation_id", f.search.as_deref());
}

/// R33: a ticket's group in the due order: 0 still waiting for its first
/// answer under an SLA, 1 answered, 2 without an SLA; as written in the index
/// `tickets_due_order` (migration 0019).
const DUE_GROUP: &str = "(CASE WHEN t.first_reply_due IS NULL THEN 2 \
     WHEN t.first_replied_at IS NOT NULL THEN 1 ELSE 0 END)";

/// Each order walks an index: creation (migration 0007), or the first reply
/// due soonest among the tickets still waiting for it, then the rest (0019).
/// Overdue tickets are all waiting: SQLite sees the index's order only
/// without the first term, which is the same for all of them.
fn ticket_order(f: &TicketFilter, sort: TicketSort) -> String {
    match sort {
        TicketSort::Newest => "t.created_at DESC, t.id DESC".into(),
        TicketSort::Oldest => "t.created_at ASC, t.id ASC".into(),
        TicketSort::Due if f.overdue_at.is_some() => "t.first_reply_due ASC, t.id ASC".into(),
        TicketSort::Due => format!("{DUE_GROUP}, t.first_reply_due ASC, t.id ASC"),
    }
}

pub(crate) async fn ticket_in(conn: &mut AnyConnection, id: TicketId) -> StoreResult<Ticket> {
    let r: TicketRecord = sqlx::query_as(&format!("{TICKET_SELECT} WHERE t.id = $1"))
        .bind(id.get())
        .fetch_one(&mut *conn)
        .await?;
    Ok(r.0)
}

impl Store {
    pub async fn ticket(&self, account: AccountId, id: TicketId) -> StoreResult<Option<Ticket>> {
        let r: Option<TicketRecord> = sqlx::query_as(&format!(
            "{TICKET_SELECT} WHERE t.id = $1 AND t.account_id = $2"
        ))
        .bind(id.get())
        .bind(account.get())
        .fetch_optional(&self.pool)
        .await?;
        Ok(r.map(|r| r.0))
    }

    pub async fn tickets(&self, account: AccountId, f: &TicketFilter) -> StoreResult<Vec<Ticket>> {
        let mut sql = Sql::new(TICKET_SELECT, self.is_sqlite);
        tickets_where(&mut sql, account, f);
        match f.sort {
            Some((sort, offset)) => sql.ordered_page(&ticket_order(f, sort), f.limit, offset),
            None => {
                sql.and_some("t.id < {}", f.before_id.map(Arg::Int));
                sql.newest_first("t.id", f.limit);
            }
        }
        let rows: Vec<TicketRecord> = sql.query_as().fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// SQLite's plan for the page `f` asks for, a line a step (as for conversations).
    pub async fn plan_of_tickets(
        &self,
        account: AccountId,
        f: &TicketFilter,
    ) -> StoreResult<Vec<String>> {
        let mut sql = Sql::explain(TICKET_SELECT, self.is_sqlite);
        tickets_where(&mut sql, account, f);
        if let Some((sort, offset)) = f.sort {
            sql.ordered_page(&ticket_order(f, sort), f.limit, offset);
        }
        sql.plan(&self.pool).await
    }

    pub async fn notifications(&self, user: UserId, limit: u32) -> StoreResult<Vec<Notification>> {
        let rows: Vec<NotificationRecord> = sqlx::query_as(
            "SELECT id, kind, ticket_id, created_at FROM notifications WHERE user_id = $1 \
             ORDER BY id DESC LIMIT $2",
        )
        .bind(user.get())
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// A conversation's messages, oldest first, at most `limit`.
    pub async fn messages(
        &self,
        conversation: ConversationId,
        limit: u32,
    ) -> StoreResult<Vec<Message>> {
        let rows = sqlx::query(&format!(
            "{MESSAGE_SELECT} WHERE m.conversation_id = $1 ORDER BY m.id LIMIT $2"
        ))
        .bind(conversation.get())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(message_of).collect()
    }

    /// A ticket takes another status of its pipeline; its conversation must be
    /// one the user may change (R23).
    pub async fn set_ticket_status(
        &self,
        account: AccountId,
        id: TicketId,
        status: Option<StatusId>,
        help_desk_access: bool,
    ) -> Result<Ticket, ChangeError> {
        let mut tx = self.begin_write().await?;
        let found = sqlx::query(
            "SELECT conversation_id, pipeline_id FROM tickets WHERE id = $1 AND account_id = $2",
        )
        .bind(id.get())
        .bind(account.get())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(found) = found else {
            return Err(ChangeError::TicketNotFound);
        };
        let conversation: ConversationId = typed::<_, i64>(&found, "conversation_id")?;
        let pipeline: i64 = found.try_get("pipeline_id")?;
        accessible(&mut tx, account, conversation, help_desk_access).await?;
        let in_pipeline = match status {
            Some(s) => sqlx::query(
                "SELECT 1 AS x FROM pipeline_statuses WHERE id = $1 AND pipeline_id = $2",
            )
            .bind(s.get())
            .bind(pipeline)
            .fetch_optional(&mut *tx)
            .await?
            .map(|_| s),
            None => None,
        };
        let Some(status) = in_pipeline else {
            return invalid("status_id", "Pick a status of this ticket's pipeline.");
        };
        sqlx::query("UPDATE tickets SET status_id = $1 WHERE id = $2")
            .bind(status.get())
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        let ticket = ticket_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(ticket)
    }

    /// An agent makes a ticket for an inbox conversation: owned by the conversation's
    /// owner, no SLA until it is in help desk, and never a second one (I1).
    pub async fn create_ticket(
        &self,
        account: AccountId,
        conversation_id: ConversationId,
        status: Option<StatusId>,
        help_desk_access: bool,
        now: DateTime<Utc>,
    ) -> Result<Ticket, ChangeError> {
        let mut tx = self.begin_write().await?;
        let conversation = accessible(&mut tx, account, conversation_id, help_desk_access).await?;
        if conversation.ticket_id.is_some() {
            return Err(ChangeError::TicketExists);
        }
        let found = match status {
            Some(s) => sqlx::query(
                "SELECT p.id AS pipeline_id FROM pipeline_statuses s JOIN pipelines p ON p.id = s.pipeline_id \
                 WHERE s.id = $1 AND p.account_id = $2",
            )
            .bind(s.get())
            .bind(account.get())
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get::<i64, _>("pipeline_id").map(|p| (s, p)))
            .transpose()?,
            None => None,
        };
        let Some((status, pipeline_id)) = found else {
            return invalid("status_id", "Pick a status of the help desk pipeline.");
        };
        let plan = plan_inbox_ticket(status, conversation.owner_id, now);
        let inserted = sqlx::query(
            "INSERT INTO tickets (account_id, conversation_id, pipeline_id, status_id, owner_id, created_at, \
             first_replied_at) \
             VALUES ($1, $2, $3, $4, $5, $6, (SELECT first_replied_at FROM conversations WHERE id = $2)) \
             RETURNING id",
        )
        .bind(account.get())
        .bind(conversation_id.get())
        .bind(pipeline_id)
        .bind(status.get())
        .bind(plan.owner_id.map(UserId::get))
        .bind(to_millis(plan.created_at))
        .fetch_one(&mut *tx)
        .await;
        let ticket: TicketId = match inserted {
            Ok(r) => typed::<_, i64>(&r, "id")?,
            Err(e) => {
                let e = StoreError::from(e);
                if e.is_unique_violation() {
                    return Err(ChangeError::TicketExists);
                }
                return Err(e.into());
            }
        };
        notify(
            &mut tx,
            account,
            TicketEvent::Created,
            plan.owner_id,
            ticket,
            to_millis(now),
        )
        .await?;
        let ticket = ticket_in(&mut tx, ticket).await?;
        tx.commit().await?;
        Ok(ticket)
    }
}
