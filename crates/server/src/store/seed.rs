//! Writing a new account (the demo, tests) inside one transaction, and bulk conversations.

use deskmove_rules::{
    normalize_email, AccountId, Bot, ChannelId, ChannelKind, ChannelSettings, ChatflowKind,
    InboxId, Language, PipelineId, Role, StatusId, StatusState, UserId, UserState, Workspace,
};
use sqlx::{AnyConnection, Row};

use super::sql::{insert_returning_id, multi_row_insert};
use super::{StoreError, StoreResult};

/// Rows per multi-row INSERT (measured: see BENCHMARKS.md).
const INSERT_CHUNK: usize = 1000;

/// One conversation to insert (seeding and imports).
#[derive(Clone, Debug)]
pub struct NewConversation {
    pub original_channel_id: ChannelId,
    pub current_channel_id: ChannelId,
    pub status: &'static str,
    pub owner_id: Option<UserId>,
    pub started_at: i64,
    pub workspace: Workspace,
    pub contact: String,
    pub subject: String,
}

/// One ticket to insert for a conversation inserted in the same batch.
#[derive(Clone, Debug)]
pub struct NewTicketRow {
    pub status_id: StatusId,
    pub owner_id: Option<UserId>,
    pub created_at: i64,
}

/// One user of a new account.
#[derive(Clone, Copy, Debug)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub help_desk_access: bool,
    pub password_hash: &'a str,
    /// R27: the language they chose; `None` follows the browser.
    pub locale: Option<Language>,
    /// R29: `Invited` until they set a password through their link.
    pub state: UserState,
}

/// One channel of a new account.
#[derive(Clone, Copy, Debug)]
pub struct NewChannel<'a> {
    pub inbox: InboxId,
    pub kind: ChannelKind,
    pub name: &'a str,
    pub address: &'a str,
    pub workspace: Workspace,
    pub settings: &'a ChannelSettings,
}

fn id<T: TryFrom<i64, Error = deskmove_rules::InvalidId>>(n: i64) -> StoreResult<T> {
    T::try_from(n).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub async fn insert_account(tx: &mut AnyConnection, name: &str) -> StoreResult<AccountId> {
    id(insert_returning_id(
        tx,
        sqlx::query("INSERT INTO accounts (name) VALUES ($1) RETURNING id").bind(name),
    )
    .await?)
}

pub async fn insert_user(
    tx: &mut AnyConnection,
    account: AccountId,
    u: &NewUser<'_>,
) -> StoreResult<UserId> {
    id(insert_returning_id(
        tx,
        sqlx::query(
            "INSERT INTO users (account_id, name, email, role, help_desk_access, password_hash, \
                locale, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(account.get())
        .bind(u.name)
        .bind(normalize_email(u.email))
        .bind(u.role.as_str())
        .bind(u.help_desk_access as i64)
        .bind(u.password_hash)
        .bind(u.locale.map(Language::as_str))
        .bind(u.state.as_str()),
    )
    .await?)
}

pub async fn insert_inbox(
    tx: &mut AnyConnection,
    account: AccountId,
    name: &str,
) -> StoreResult<InboxId> {
    id(insert_returning_id(
        tx,
        sqlx::query("INSERT INTO inboxes (account_id, name) VALUES ($1, $2) RETURNING id")
            .bind(account.get())
            .bind(name),
    )
    .await?)
}

pub async fn insert_channel(
    tx: &mut AnyConnection,
    account: AccountId,
    c: &NewChannel<'_>,
) -> StoreResult<ChannelId> {
    let settings = serde_json::to_string(c.settings)
        .map_err(|e| StoreError::Corrupt(format!("channel settings: {e}")))?;
    id(insert_returning_id(
        tx,
        sqlx::query(
            "INSERT INTO channels (account_id, inbox_id, kind, name, address, workspace, settings, \
                form_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(account.get())
        .bind(c.inbox.get())
        .bind(c.kind.as_str())
        .bind(c.name)
        .bind(c.address)
        .bind(c.workspace.as_str())
        .bind(settings)
        // R32: a form posts with its public key.
        .bind((c.kind == ChannelKind::Form).then(crate::auth::new_token)),
    )
    .await?)
}

pub async fn insert_chatflow(
    tx: &mut AnyConnection,
    account: AccountId,
    name: &str,
    kind: ChatflowKind,
    channel: ChannelId,
    bot: Option<&Bot>,
) -> StoreResult<i64> {
    let bot = bot
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("bot: {e}")))?;
    insert_returning_id(
        tx,
        sqlx::query(
            "INSERT INTO chatflows (account_id, name, kind, channel_id, bot) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(account.get())
        .bind(name)
        .bind(kind.as_str())
        .bind(channel.get())
        .bind(bot),
    )
    .await
}

/// Inserts the account's pipeline; returns its id and its statuses' ids in order.
pub async fn insert_pipeline(
    tx: &mut AnyConnection,
    account: AccountId,
    name: &str,
    statuses: &[(&str, StatusState)],
) -> StoreResult<(PipelineId, Vec<StatusId>)> {
    let pipeline: PipelineId = id(insert_returning_id(
        tx,
        sqlx::query("INSERT INTO pipelines (account_id, name) VALUES ($1, $2) RETURNING id")
            .bind(account.get())
            .bind(name),
    )
    .await?)?;
    let mut ids = Vec::with_capacity(statuses.len());
    for (position, (label, state)) in statuses.iter().enumerate() {
        ids.push(id(insert_returning_id(
            tx,
            sqlx::query(
                "INSERT INTO pipeline_statuses (pipeline_id, label, state, position) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(pipeline.get())
            .bind(*label)
            .bind(state.as_str())
            .bind(position as i64),
        )
        .await?)?);
    }
    Ok((pipeline, ids))
}

pub async fn insert_sla_policy(
    tx: &mut AnyConnection,
    account: AccountId,
    name: &str,
    first_reply_seconds: i64,
    close_seconds: i64,
) -> StoreResult<i64> {
    insert_returning_id(
        tx,
        sqlx::query(
            "INSERT INTO sla_policies (account_id, name, first_reply_seconds, close_seconds) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(account.get())
        .bind(name)
        .bind(first_reply_seconds)
        .bind(close_seconds),
    )
    .await
}

/// Inserts conversations, each with its first message and its ticket if it has one,
/// in multi-row statements.
/// Ids are given, not returned: the caller's write transaction owns the id range.
pub async fn insert_conversations(
    tx: &mut AnyConnection,
    account: AccountId,
    pipeline: PipelineId,
    rows: &[(NewConversation, Option<NewTicketRow>)],
) -> StoreResult<()> {
    let first_id: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM conversations")
        .fetch_one(&mut *tx)
        .await?
        .try_get("next")?;
    let anonymous = tx.backend_name() == "SQLite";
    for (c, chunk) in rows.chunks(INSERT_CHUNK).enumerate() {
        let base_id = first_id + (c * INSERT_CHUNK) as i64;
        let sql = multi_row_insert(
            anonymous,
            "INSERT INTO conversations (id, account_id, original_channel_id, current_channel_id, status, \
             owner_id, started_at, workspace, contact, subject) VALUES ",
            10,
            chunk.len(),
        );
        let mut q = sqlx::query(&sql);
        for (i, (c, _)) in chunk.iter().enumerate() {
            q = q
                .bind(base_id + i as i64)
                .bind(account.get())
                .bind(c.original_channel_id.get())
                .bind(c.current_channel_id.get())
                .bind(c.status)
                .bind(c.owner_id.map(UserId::get))
                .bind(c.started_at)
                .bind(c.workspace.as_str())
                .bind(c.contact.as_str())
                .bind(c.subject.as_str());
        }
        q.execute(&mut *tx).await?;
        // Each conversation opens with the contact's first message, as it arrived.
        sqlx::query(
            "INSERT INTO messages (conversation_id, body, created_at) \
             SELECT id, 'Hello, I need help with this: ' || subject, started_at \
             FROM conversations WHERE id >= $1 AND id < $2",
        )
        .bind(base_id)
        .bind(base_id + chunk.len() as i64)
        .execute(&mut *tx)
        .await?;
        let tickets: Vec<(i64, &NewTicketRow)> = chunk
            .iter()
            .enumerate()
            .filter_map(|(i, (_, t))| t.as_ref().map(|t| (base_id + i as i64, t)))
            .collect();
        if tickets.is_empty() {
            continue;
        }
        let sql = multi_row_insert(
            anonymous,
            "INSERT INTO tickets (account_id, conversation_id, pipeline_id, status_id, owner_id, created_at) VALUES ",
            6,
            tickets.len(),
        );
        let mut q = sqlx::query(&sql);
        for (conversation_id, t) in tickets {
            q = q
                .bind(account.get())
                .bind(conversation_id)
                .bind(pipeline.get())
                .bind(t.status_id.get())
                .bind(t.owner_id.map(UserId::get))
                .bind(t.created_at);
        }
        q.execute(&mut *tx).await?;
    }
    if !anonymous {
        // PostgreSQL: the ids were given, so the identity moves on past them.
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('conversations', 'id'), \
             (SELECT MAX(id) FROM conversations))",
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
