//! Conversations, tickets, notifications and arrivals.

use chrono::{DateTime, Utc};
use deskmove_rules::plan::{
    inbox_arrival_owner, notification, plan_arrival_ticket, plan_inbox_ticket, TicketEvent,
};
use deskmove_rules::requests::check_owner;
use deskmove_rules::scope::{arrival_gets_ticket, arrival_workspace, ChannelPhase};
use deskmove_rules::{
    Conversation, ConversationStatus, FieldError, Notification, NotificationKind, SlaDue, Ticket,
    Workspace,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{from_millis, parse_id, to_millis, user_row, Arg, Sql, Store, StoreError, StoreResult};

const CONVERSATION_SELECT: &str =
    "SELECT c.id, c.original_channel_id, c.current_channel_id, c.status, \
     c.owner_id, c.started_at, c.workspace, c.contact, c.subject, t.id AS ticket_id \
     FROM conversations c LEFT JOIN tickets t ON t.conversation_id = c.id";

const TICKET_SELECT: &str =
    "SELECT t.id, t.conversation_id, t.pipeline_id, t.status_id, t.owner_id, \
     t.created_at, t.first_reply_due, t.close_due FROM tickets t";

fn id_string(r: &AnyRow, col: &str) -> StoreResult<Option<String>> {
    Ok(r.try_get::<Option<i64>, _>(col)?.map(|i| i.to_string()))
}

pub(crate) fn conversation_row(r: &AnyRow) -> StoreResult<Conversation> {
    let status: String = r.try_get("status")?;
    let workspace: String = r.try_get("workspace")?;
    Ok(Conversation {
        id: r.try_get::<i64, _>("id")?.to_string(),
        original_channel_id: r.try_get::<i64, _>("original_channel_id")?.to_string(),
        current_channel_id: r.try_get::<i64, _>("current_channel_id")?.to_string(),
        status: ConversationStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("conversation status {status}")))?,
        owner_id: id_string(r, "owner_id")?,
        started_at: from_millis(r.try_get("started_at")?)?,
        workspace: Workspace::parse(&workspace)
            .ok_or_else(|| StoreError::Corrupt(format!("workspace {workspace}")))?,
        ticket_id: id_string(r, "ticket_id")?,
        contact: r.try_get("contact")?,
        subject: r.try_get("subject")?,
    })
}

pub(crate) fn ticket_row(r: &AnyRow) -> StoreResult<Ticket> {
    let first: Option<i64> = r.try_get("first_reply_due")?;
    let close: Option<i64> = r.try_get("close_due")?;
    Ok(Ticket {
        id: r.try_get::<i64, _>("id")?.to_string(),
        conversation_id: r.try_get::<i64, _>("conversation_id")?.to_string(),
        pipeline_id: r.try_get::<i64, _>("pipeline_id")?.to_string(),
        status_id: r.try_get::<i64, _>("status_id")?.to_string(),
        owner_id: id_string(r, "owner_id")?,
        created_at: from_millis(r.try_get("created_at")?)?,
        sla: match (first, close) {
            (Some(f), Some(c)) => Some(SlaDue {
                first_reply_due: from_millis(f)?,
                close_due: from_millis(c)?,
            }),
            _ => None,
        },
    })
}

#[derive(Clone, Debug, Default)]
pub struct ConversationFilter {
    pub workspace: Option<Workspace>,
    pub channel_id: Option<i64>,
    pub original_channel_id: Option<i64>,
    /// Keyset paging: only ids below this one (newest first).
    pub before_id: Option<i64>,
    pub limit: u32,
}

#[derive(Clone, Debug, Default)]
pub struct TicketFilter {
    pub status_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub unassigned: bool,
    /// Only tickets whose status is in this pipeline state.
    pub state: Option<deskmove_rules::StatusState>,
    pub workspace: Option<Workspace>,
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// Why a change to a conversation was refused.
#[derive(Debug)]
pub enum ConversationRefusal {
    NotFound,
    Invalid(FieldError),
    TicketExists,
}

/// A change that was refused, or the store failing.
#[derive(Debug)]
pub enum ChangeError {
    Refused(ConversationRefusal),
    Store(StoreError),
}

impl From<StoreError> for ChangeError {
    fn from(e: StoreError) -> Self {
        ChangeError::Store(e)
    }
}

impl From<sqlx::Error> for ChangeError {
    fn from(e: sqlx::Error) -> Self {
        ChangeError::Store(e.into())
    }
}

fn refused<T>(r: ConversationRefusal) -> Result<T, ChangeError> {
    Err(ChangeError::Refused(r))
}

fn invalid<T>(field: &'static str, message: impl Into<String>) -> Result<T, ChangeError> {
    refused(ConversationRefusal::Invalid(FieldError {
        field,
        message: message.into(),
    }))
}

/// R22: a running move of the account with notifications turned off mutes every ticket event.
pub(crate) async fn notifications_muted(
    tx: &mut AnyConnection,
    account_id: i64,
) -> StoreResult<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS x FROM moves WHERE account_id = $1 AND state = 'running' AND mute_notifications = 1",
    )
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?
    .is_some())
}

async fn notify(
    tx: &mut AnyConnection,
    account_id: i64,
    event: TicketEvent,
    owner: Option<&str>,
    ticket_id: i64,
    now: i64,
) -> StoreResult<()> {
    let muted = notifications_muted(tx, account_id).await?;
    if let Some((kind, user)) = notification(event, owner, muted) {
        let kind = match kind {
            NotificationKind::TicketCreated => "ticket_created",
            NotificationKind::TicketAssigned => "ticket_assigned",
        };
        sqlx::query("INSERT INTO notifications (user_id, kind, ticket_id, created_at) VALUES ($1, $2, $3, $4)")
            .bind(parse_id(&user).unwrap_or_default())
            .bind(kind)
            .bind(ticket_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Commits a write transaction and answers the conversation as it left it.
async fn commit_with_conversation(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    account_id: i64,
    id: i64,
) -> StoreResult<Conversation> {
    let after = conversation_in(&mut tx, account_id, id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("conversation vanished".into()))?;
    tx.commit().await?;
    Ok(after)
}

async fn conversation_in(
    tx: &mut AnyConnection,
    account_id: i64,
    id: i64,
) -> StoreResult<Option<Conversation>> {
    sqlx::query(&format!(
        "{CONVERSATION_SELECT} WHERE c.id = $1 AND c.account_id = $2"
    ))
    .bind(id)
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| conversation_row(&r))
    .transpose()
}

async fn account_user(
    tx: &mut AnyConnection,
    account_id: i64,
    id: i64,
) -> StoreResult<Option<deskmove_rules::User>> {
    sqlx::query(
        "SELECT u.id, u.account_id, u.name, u.email, u.role, u.help_desk_access FROM users u \
         WHERE u.id = $1 AND u.account_id = $2",
    )
    .bind(id)
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| user_row(&r).map(|u| u.to_user()))
    .transpose()
}

impl Store {
    pub async fn conversation(
        &self,
        account_id: i64,
        id: i64,
    ) -> StoreResult<Option<Conversation>> {
        let mut conn = self.pool.acquire().await?;
        conversation_in(&mut conn, account_id, id).await
    }

    pub async fn conversations(
        &self,
        account_id: i64,
        f: &ConversationFilter,
    ) -> StoreResult<Vec<Conversation>> {
        let mut sql = Sql::new(CONVERSATION_SELECT);
        sql.push(" WHERE TRUE");
        sql.and("c.account_id = {}", Arg::Int(account_id));
        if let Some(w) = f.workspace {
            sql.and("c.workspace = {}", Arg::Text(w.as_str().into()));
        }
        if let Some(id) = f.channel_id {
            sql.and("c.current_channel_id = {}", Arg::Int(id));
        }
        if let Some(id) = f.original_channel_id {
            sql.and("c.original_channel_id = {}", Arg::Int(id));
        }
        if let Some(id) = f.before_id {
            sql.and("c.id < {}", Arg::Int(id));
        }
        sql.newest_first("c.id", f.limit);
        sql.query()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(conversation_row)
            .collect()
    }

    pub async fn ticket(&self, account_id: i64, id: i64) -> StoreResult<Option<Ticket>> {
        sqlx::query(&format!(
            "{TICKET_SELECT} WHERE t.id = $1 AND t.account_id = $2"
        ))
        .bind(id)
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| ticket_row(&r))
        .transpose()
    }

    pub async fn tickets(&self, account_id: i64, f: &TicketFilter) -> StoreResult<Vec<Ticket>> {
        let mut sql = Sql::new(TICKET_SELECT);
        if f.state.is_some() {
            sql.push(" JOIN pipeline_statuses s ON s.id = t.status_id");
        }
        if f.workspace.is_some() {
            sql.push(" JOIN conversations c ON c.id = t.conversation_id");
        }
        sql.push(" WHERE TRUE");
        sql.and("t.account_id = {}", Arg::Int(account_id));
        if let Some(state) = f.state {
            sql.and("s.state = {}", Arg::Text(state.as_str().into()));
        }
        if let Some(w) = f.workspace {
            sql.and("c.workspace = {}", Arg::Text(w.as_str().into()));
        }
        if let Some(id) = f.status_id {
            sql.and("t.status_id = {}", Arg::Int(id));
        }
        if let Some(id) = f.owner_id {
            sql.and("t.owner_id = {}", Arg::Int(id));
        }
        if f.unassigned {
            sql.push(" AND t.owner_id IS NULL");
        }
        if let Some(id) = f.before_id {
            sql.and("t.id < {}", Arg::Int(id));
        }
        sql.newest_first("t.id", f.limit);
        sql.query()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(ticket_row)
            .collect()
    }

    pub async fn notifications(&self, user_id: i64, limit: u32) -> StoreResult<Vec<Notification>> {
        sqlx::query(
            "SELECT id, kind, ticket_id, created_at FROM notifications WHERE user_id = $1 \
             ORDER BY id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok(Notification {
                id: r.try_get::<i64, _>("id")?.to_string(),
                kind: match kind.as_str() {
                    "ticket_created" => NotificationKind::TicketCreated,
                    "ticket_assigned" => NotificationKind::TicketAssigned,
                    other => return Err(StoreError::Corrupt(format!("notification kind {other}"))),
                },
                ticket_id: r.try_get::<i64, _>("ticket_id")?.to_string(),
                created_at: from_millis(r.try_get("created_at")?)?,
            })
        })
        .collect()
    }

    /// Status and owner, as agents change them every day. In help desk the owner is
    /// the ticket's owner: both change, the owner must have help desk access, and the
    /// new owner is notified (R22).
    pub async fn patch_conversation(
        &self,
        account_id: i64,
        id: i64,
        status: Option<ConversationStatus>,
        owner: Option<Option<i64>>,
        now: DateTime<Utc>,
    ) -> Result<Conversation, ChangeError> {
        let mut tx = self.begin_write().await?;
        let Some(conversation) = conversation_in(&mut tx, account_id, id).await? else {
            return refused(ConversationRefusal::NotFound);
        };
        if let Some(status) = status {
            sqlx::query("UPDATE conversations SET status = $1 WHERE id = $2")
                .bind(status.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(owner) = owner {
            if let Some(owner_id) = owner {
                let Some(user) = account_user(&mut tx, account_id, owner_id).await? else {
                    return invalid("owner_id", "No user of this account has that id.");
                };
                if let Err(e) = check_owner(&user, conversation.workspace) {
                    return refused(ConversationRefusal::Invalid(e));
                }
            }
            sqlx::query("UPDATE conversations SET owner_id = $1 WHERE id = $2")
                .bind(owner)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let ticket_id = conversation.ticket_id.as_deref().and_then(parse_id);
            if let (Workspace::HelpDesk, Some(ticket_id)) = (conversation.workspace, ticket_id) {
                let before: Option<i64> = sqlx::query("SELECT owner_id FROM tickets WHERE id = $1")
                    .bind(ticket_id)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("owner_id")?;
                sqlx::query("UPDATE tickets SET owner_id = $1 WHERE id = $2")
                    .bind(owner)
                    .bind(ticket_id)
                    .execute(&mut *tx)
                    .await?;
                if before != owner {
                    let owner = owner.map(|o| o.to_string());
                    notify(
                        &mut tx,
                        account_id,
                        TicketEvent::Assigned,
                        owner.as_deref(),
                        ticket_id,
                        to_millis(now),
                    )
                    .await?;
                }
            }
        }
        Ok(commit_with_conversation(tx, account_id, id).await?)
    }

    /// The current channel changes; the original channel never does (R19).
    pub async fn transfer_conversation(
        &self,
        account_id: i64,
        id: i64,
        channel_id: Option<i64>,
    ) -> Result<Conversation, ChangeError> {
        let mut tx = self.begin_write().await?;
        if conversation_in(&mut tx, account_id, id).await?.is_none() {
            return refused(ConversationRefusal::NotFound);
        }
        let target = match channel_id {
            Some(c) => {
                sqlx::query("SELECT id FROM channels WHERE id = $1 AND account_id = $2")
                    .bind(c)
                    .bind(account_id)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            None => None,
        };
        let Some(target) = target else {
            return invalid("channel_id", "No channel of this account has that id.");
        };
        let target: i64 = target.try_get("id")?;
        sqlx::query("UPDATE conversations SET current_channel_id = $1 WHERE id = $2")
            .bind(target)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Ok(commit_with_conversation(tx, account_id, id).await?)
    }

    /// An agent makes a ticket for an inbox conversation: owned by the conversation's
    /// owner, no SLA until it is in help desk, and never a second one (I1).
    pub async fn create_ticket(
        &self,
        account_id: i64,
        conversation_id: i64,
        status_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Ticket, ChangeError> {
        let mut tx = self.begin_write().await?;
        let Some(conversation) = conversation_in(&mut tx, account_id, conversation_id).await?
        else {
            return refused(ConversationRefusal::NotFound);
        };
        if conversation.ticket_id.is_some() {
            return refused(ConversationRefusal::TicketExists);
        }
        let status = match status_id {
            Some(s) => sqlx::query(
                "SELECT s.id, p.id AS pipeline_id FROM pipeline_statuses s JOIN pipelines p ON p.id = s.pipeline_id \
                 WHERE s.id = $1 AND p.account_id = $2",
            )
            .bind(s)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?,
            None => None,
        };
        let Some(status) = status else {
            return invalid("status_id", "Pick a status of the help desk pipeline.");
        };
        let pipeline_id: i64 = status.try_get("pipeline_id")?;
        let status_id: i64 = status.try_get("id")?;
        let plan = plan_inbox_ticket(
            &status_id.to_string(),
            conversation.owner_id.as_deref(),
            now,
        );
        let owner = plan.owner_id.as_deref().and_then(parse_id);
        let inserted = sqlx::query(
            "INSERT INTO tickets (account_id, conversation_id, pipeline_id, status_id, owner_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(account_id)
        .bind(conversation_id)
        .bind(pipeline_id)
        .bind(status_id)
        .bind(owner)
        .bind(to_millis(plan.created_at))
        .fetch_one(&mut *tx)
        .await;
        let ticket_id: i64 = match inserted {
            Ok(r) => r.try_get("id")?,
            Err(e) => {
                let e = StoreError::from(e);
                if e.is_unique_violation() {
                    return refused(ConversationRefusal::TicketExists);
                }
                return Err(e.into());
            }
        };
        notify(
            &mut tx,
            account_id,
            TicketEvent::Created,
            plan.owner_id.as_deref(),
            ticket_id,
            to_millis(now),
        )
        .await?;
        let ticket = sqlx::query(&format!("{TICKET_SELECT} WHERE t.id = $1"))
            .bind(ticket_id)
            .fetch_one(&mut *tx)
            .await?;
        let ticket = ticket_row(&ticket)?;
        tx.commit().await?;
        Ok(ticket)
    }

    /// A conversation arrives in a channel (R7, R18): in the inbox before a move; from
    /// the instant its move starts, in help desk with its ticket, in this one
    /// transaction. Answers `None` when no channel has that id.
    pub async fn ingest_conversation(
        &self,
        channel_id: i64,
        contact: &str,
        subject: &str,
        body: &str,
        started_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Conversation>> {
        let mut tx = self.begin_write().await?;
        let Some(channel) = sqlx::query(
            "SELECT id, account_id, kind, name, address, workspace, settings, inbox_id FROM channels WHERE id = $1",
        )
        .bind(channel_id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let account_id: i64 = channel.try_get("account_id")?;
        let channel = super::channel_row(&channel)?;
        let running = sqlx::query(
            "SELECT id, channel_id FROM moves WHERE account_id = $1 AND state = 'running'",
        )
        .bind(account_id)
        .fetch_optional(&mut *tx)
        .await?;
        let moving_this = match &running {
            Some(r) => r.try_get::<i64, _>("channel_id")? == channel_id,
            None => false,
        };
        let phase = ChannelPhase::of(channel.workspace, moving_this);
        let workspace = arrival_workspace(phase);

        let users: Vec<deskmove_rules::User> = sqlx::query(
            "SELECT u.id, u.account_id, u.name, u.email, u.role, u.help_desk_access FROM users u WHERE u.account_id = $1",
        )
        .bind(account_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| user_row(r).map(|u| u.to_user()))
        .collect::<StoreResult<_>>()?;
        let has_access = |id: &str| deskmove_rules::has_help_desk_access(&users, id);
        let is_user = |id: &str| users.iter().any(|u| u.id == id);

        let ticket = if arrival_gets_ticket(phase) {
            let pipeline = super::pipeline_on(&mut tx, account_id).await?;
            let sla = super::sla_policy_on(&mut tx, account_id).await?;
            pipeline
                .as_ref()
                .and_then(|p| {
                    plan_arrival_ticket(&channel.settings, p, has_access, sla.as_ref(), now)
                })
                .map(|t| (t, pipeline.map(|p| p.id)))
        } else {
            None
        };
        let owner = match &ticket {
            Some((t, _)) => t.owner_id.clone(),
            None => inbox_arrival_owner(&channel.settings, is_user),
        };
        let owner_id = owner.as_deref().and_then(parse_id);
        let conversation_id: i64 = sqlx::query(
            "INSERT INTO conversations (account_id, original_channel_id, current_channel_id, status, owner_id, \
             started_at, workspace, contact, subject) VALUES ($1, $2, $2, 'open', $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(account_id)
        .bind(channel_id)
        .bind(owner_id)
        .bind(to_millis(started_at))
        .bind(workspace.as_str())
        .bind(contact)
        .bind(subject)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        sqlx::query("INSERT INTO messages (conversation_id, body, created_at) VALUES ($1, $2, $3)")
            .bind(conversation_id)
            .bind(body)
            .bind(to_millis(now))
            .execute(&mut *tx)
            .await?;
        if let Some((t, pipeline_id)) = &ticket {
            let ticket_id: i64 = sqlx::query(
                "INSERT INTO tickets (account_id, conversation_id, pipeline_id, status_id, owner_id, created_at, \
                 first_reply_due, close_due) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(account_id)
            .bind(conversation_id)
            .bind(pipeline_id.as_deref().and_then(parse_id))
            .bind(parse_id(&t.status_id))
            .bind(owner_id)
            .bind(to_millis(t.created_at))
            .bind(t.sla.map(|s| to_millis(s.first_reply_due)))
            .bind(t.sla.map(|s| to_millis(s.close_due)))
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            notify(
                &mut tx,
                account_id,
                TicketEvent::Created,
                t.owner_id.as_deref(),
                ticket_id,
                to_millis(now),
            )
            .await?;
        }
        if phase == ChannelPhase::Moving {
            sqlx::query("UPDATE moves SET arrived = arrived + 1 WHERE account_id = $1 AND state = 'running'")
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
        }
        Ok(Some(
            commit_with_conversation(tx, account_id, conversation_id).await?,
        ))
    }

    /// A reply on a conversation keeps it where it is (R12). `None` when no
    /// conversation has that id.
    pub async fn ingest_message(
        &self,
        conversation_id: i64,
        body: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Conversation>> {
        let mut tx = self.begin_write().await?;
        let Some(account) = sqlx::query("SELECT account_id FROM conversations WHERE id = $1")
            .bind(conversation_id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let account_id: i64 = account.try_get("account_id")?;
        sqlx::query("INSERT INTO messages (conversation_id, body, created_at) VALUES ($1, $2, $3)")
            .bind(conversation_id)
            .bind(body)
            .bind(to_millis(now))
            .execute(&mut *tx)
            .await?;
        let conversation = conversation_in(&mut tx, account_id, conversation_id).await?;
        tx.commit().await?;
        Ok(conversation)
    }
}
