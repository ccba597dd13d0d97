//! Conversations: reading them, and what agents change on them every day.

use chrono::{DateTime, Utc};
use deskmove_rules::plan::TicketEvent;
use deskmove_rules::requests::check_owner;
use deskmove_rules::scope::may_access;
use deskmove_rules::{
    AccountId, ChannelId, Conversation, ConversationId, ConversationSort, ConversationStatus,
    FieldError, User, UserId, Workspace,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow, Row};

use super::catalog::{typed, USER_COLUMNS};
use super::notifications::notify;
use super::sql::{Arg, Sql};
use super::{from_millis, opt_id, to_millis, Store, StoreError, StoreResult, Tx, UserRow};

pub(crate) const CONVERSATION_SELECT: &str =
    "SELECT c.id, c.original_channel_id, c.current_channel_id, c.status, \
     c.owner_id, c.started_at, c.workspace, c.contact, c.subject, t.id AS ticket_id \
     FROM conversations c LEFT JOIN tickets t ON t.conversation_id = c.id";

/// A conversation row as the API shows it.
pub(crate) struct ConversationRecord(pub Conversation);

impl FromRow<'_, AnyRow> for ConversationRecord {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        let corrupt = |e: StoreError| sqlx::Error::Decode(e.to_string().into());
        Ok(ConversationRecord(Conversation {
            id: typed::<_, i64>(r, "id")?,
            original_channel_id: typed::<_, i64>(r, "original_channel_id")?,
            current_channel_id: typed::<_, i64>(r, "current_channel_id")?,
            status: typed::<_, String>(r, "status")?,
            owner_id: opt_id(r.try_get("owner_id")?).map_err(corrupt)?,
            started_at: from_millis(r.try_get("started_at")?).map_err(corrupt)?,
            workspace: typed::<_, String>(r, "workspace")?,
            ticket_id: opt_id(r.try_get("ticket_id")?).map_err(corrupt)?,
            contact: r.try_get("contact")?,
            subject: r.try_get("subject")?,
        }))
    }
}

#[derive(Clone, Debug, Default)]
pub struct ConversationFilter {
    pub workspace: Option<Workspace>,
    pub channel_id: Option<ChannelId>,
    pub original_channel_id: Option<ChannelId>,
    pub status: Option<ConversationStatus>,
    pub owner_id: Option<UserId>,
    pub unassigned: bool,
    /// Words the contact or subject contains (3 characters or more).
    pub search: Option<String>,
    /// A numbered page in this order, from `offset`; else keyset by id.
    pub sort: Option<(ConversationSort, u32)>,
    /// Keyset paging: only ids below this one (newest first).
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// The words of a search as the index splits them: runs of letters and digits.
pub fn search_words(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Started order, id breaking ties: the index on (account, workspace, started_at,
/// id) walks it (migration 0007).
fn conversation_order(sort: ConversationSort) -> &'static str {
    match sort {
        ConversationSort::Newest => "c.started_at DESC, c.id DESC",
        ConversationSort::Oldest => "c.started_at ASC, c.id ASC",
    }
}

/// The filter's conditions, all but the page.
pub(crate) fn conversations_where(sql: &mut Sql, account: AccountId, f: &ConversationFilter) {
    sql.push(" WHERE TRUE");
    sql.and("c.account_id = {}", Arg::Int(account.get()));
    sql.and_some(
        "c.workspace = {}",
        f.workspace.map(|w| Arg::Text(w.as_str().into())),
    );
    sql.and_some(
        "c.current_channel_id = {}",
        f.channel_id.map(|c| Arg::Int(c.get())),
    );
    sql.and_some(
        "c.original_channel_id = {}",
        f.original_channel_id.map(|c| Arg::Int(c.get())),
    );
    sql.and_some(
        "c.status = {}",
        f.status.map(|s| Arg::Text(s.as_str().into())),
    );
    sql.and_some("c.owner_id = {}", f.owner_id.map(|u| Arg::Int(u.get())));
    if f.unassigned {
        sql.push(" AND c.owner_id IS NULL");
    }
    search_condition(sql, "c.id", f.search.as_deref());
}

/// ` AND` the conversation (`c`, or by `id` on SQLite) has a word starting with
/// each word of `search`. Typed text is never query syntax: on SQLite each word is
/// a quoted prefix of the FTS5 index; on PostgreSQL the words, folded as the index
/// folds them, become prefixes of a tsquery.
pub(crate) fn search_condition(sql: &mut Sql, id: &str, search: Option<&str>) {
    let Some(s) = search else { return };
    let words = search_words(s);
    if sql.sqlite {
        let phrase = words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" ");
        sql.and(
            &format!(
                "{id} IN (SELECT rowid FROM conversations_search WHERE conversations_search MATCH {{}})"
            ),
            Arg::Text(phrase),
        );
    } else {
        sql.and(
            &format!(
                "{id} IN (SELECT conversation_id FROM conversation_words WHERE words @@ \
                 to_tsquery('simple', regexp_replace(trim(deskmove_words({{}})), '\\s+', ':* & ', 'g') || ':*'))"
            ),
            Arg::Text(words.join(" ")),
        );
    }
}

/// Why a change to a conversation was refused, or the store failing.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such conversation")]
    NotFound,
    #[error("no such ticket")]
    TicketNotFound,
    /// R23: a help desk record, and the user has no help desk access.
    #[error("no help desk access")]
    NoHelpDeskAccess,
    #[error("{}: {}", .0.field, .0.message)]
    Invalid(FieldError),
    #[error("the conversation already has a ticket")]
    TicketExists,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The conversation a change is made to, read inside the change's transaction so a
/// move can't carry it to help desk between the check and the write (R23).
pub(crate) async fn accessible(
    conn: &mut AnyConnection,
    account: AccountId,
    id: ConversationId,
    help_desk_access: bool,
) -> Result<Conversation, ChangeError> {
    match conversation_in(conn, account, id).await? {
        None => Err(ChangeError::NotFound),
        Some(c) if !may_access(c.workspace, help_desk_access) => Err(ChangeError::NoHelpDeskAccess),
        Some(c) => Ok(c),
    }
}

impl From<sqlx::Error> for ChangeError {
    fn from(e: sqlx::Error) -> Self {
        ChangeError::Store(e.into())
    }
}

pub(crate) fn invalid<T>(
    field: &'static str,
    message: impl Into<String>,
) -> Result<T, ChangeError> {
    Err(ChangeError::Invalid(FieldError::plain(field, message)))
}

/// Commits a write transaction and answers the conversation as it left it.
pub(crate) async fn commit_with_conversation(
    mut tx: Tx,
    account: AccountId,
    id: ConversationId,
) -> StoreResult<Conversation> {
    let after = conversation_in(&mut tx, account, id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("conversation vanished".into()))?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn conversation_in(
    conn: &mut AnyConnection,
    account: AccountId,
    id: ConversationId,
) -> StoreResult<Option<Conversation>> {
    let r: Option<ConversationRecord> = sqlx::query_as(&format!(
        "{CONVERSATION_SELECT} WHERE c.id = $1 AND c.account_id = $2"
    ))
    .bind(id.get())
    .bind(account.get())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(r.map(|r| r.0))
}

async fn account_user(
    conn: &mut AnyConnection,
    account: AccountId,
    id: UserId,
) -> StoreResult<Option<User>> {
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1 AND u.account_id = $2"
    ))
    .bind(id.get())
    .bind(account.get())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|u| u.to_user()))
}

/// What `PATCH /api/conversations/{id}` does to the owner: leave them, unassign,
/// give it to a user, or refuse an id that names nobody of ours (`Unknown`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerChange {
    Leave,
    Unassign,
    To(UserId),
    /// An id that names no user of ours.
    Unknown,
}

impl Store {
    pub async fn conversation(
        &self,
        account: AccountId,
        id: ConversationId,
    ) -> StoreResult<Option<Conversation>> {
        conversation_in(&mut *self.pool.acquire().await?, account, id).await
    }

    pub async fn conversations(
        &self,
        account: AccountId,
        f: &ConversationFilter,
    ) -> StoreResult<Vec<Conversation>> {
        let mut sql = Sql::new(CONVERSATION_SELECT, self.is_sqlite);
        conversations_where(&mut sql, account, f);
        match f.sort {
            Some((sort, offset)) => sql.ordered_page(conversation_order(sort), f.limit, offset),
            None => {
                sql.and_some("c.id < {}", f.before_id.map(Arg::Int));
                sql.newest_first("c.id", f.limit);
            }
        }
        let rows: Vec<ConversationRecord> = sql.query_as().fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// The database's plan for the page `f` asks for (`EXPLAIN`), a line a step:
    /// what the tests check for an index per list query.
    pub async fn plan_of_conversations(
        &self,
        account: AccountId,
        f: &ConversationFilter,
    ) -> StoreResult<Vec<String>> {
        let mut sql = Sql::explain(CONVERSATION_SELECT, self.is_sqlite);
        conversations_where(&mut sql, account, f);
        if let Some((sort, offset)) = f.sort {
            sql.ordered_page(conversation_order(sort), f.limit, offset);
        }
        sql.plan(&self.pool).await
    }

    /// Status and owner, as agents change them every day. In help desk the owner is
    /// the ticket's owner: both change, the owner must have help desk access, and the
    /// new owner is notified (R22).
    pub async fn patch_conversation(
        &self,
        account: AccountId,
        id: ConversationId,
        status: Option<ConversationStatus>,
        owner: OwnerChange,
        help_desk_access: bool,
        now: DateTime<Utc>,
    ) -> Result<Conversation, ChangeError> {
        let mut tx = self.begin_write().await?;
        let conversation = accessible(&mut tx, account, id, help_desk_access).await?;
        if let Some(status) = status {
            sqlx::query("UPDATE conversations SET status = $1 WHERE id = $2")
                .bind(status.as_str())
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        let owner = match owner {
            OwnerChange::Leave => return Ok(commit_with_conversation(tx, account, id).await?),
            OwnerChange::Unknown => {
                return invalid("owner_id", "No user of this account has that id.")
            }
            OwnerChange::Unassign => None,
            OwnerChange::To(user) => {
                let Some(user) = account_user(&mut tx, account, user).await? else {
                    return invalid("owner_id", "No user of this account has that id.");
                };
                check_owner(&user, conversation.workspace).map_err(ChangeError::Invalid)?;
                Some(user.id)
            }
        };
        sqlx::query("UPDATE conversations SET owner_id = $1 WHERE id = $2")
            .bind(owner.map(UserId::get))
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        if let (Workspace::HelpDesk, Some(ticket)) =
            (conversation.workspace, conversation.ticket_id)
        {
            let before: Option<i64> = sqlx::query("SELECT owner_id FROM tickets WHERE id = $1")
                .bind(ticket.get())
                .fetch_one(&mut *tx)
                .await?
                .try_get("owner_id")?;
            sqlx::query("UPDATE tickets SET owner_id = $1 WHERE id = $2")
                .bind(owner.map(UserId::get))
                .bind(ticket.get())
                .execute(&mut *tx)
                .await?;
            if before != owner.map(UserId::get) {
                notify(
                    &mut tx,
                    account,
                    TicketEvent::Assigned,
                    owner,
                    ticket,
                    to_millis(now),
                )
                .await?;
            }
        }
        Ok(commit_with_conversation(tx, account, id).await?)
    }

    /// The current channel changes; the original channel never does (R19).
    pub async fn transfer_conversation(
        &self,
        account: AccountId,
        id: ConversationId,
        channel: Option<ChannelId>,
        help_desk_access: bool,
    ) -> Result<Conversation, ChangeError> {
        let mut tx = self.begin_write().await?;
        accessible(&mut tx, account, id, help_desk_access).await?;
        let target = match channel {
            Some(c) => sqlx::query("SELECT id FROM channels WHERE id = $1 AND account_id = $2")
                .bind(c.get())
                .bind(account.get())
                .fetch_optional(&mut *tx)
                .await?
                .map(|_| c),
            None => None,
        };
        let Some(target) = target else {
            return invalid("channel_id", "No channel of this account has that id.");
        };
        sqlx::query("UPDATE conversations SET current_channel_id = $1 WHERE id = $2")
            .bind(target.get())
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        Ok(commit_with_conversation(tx, account, id).await?)
    }
}
