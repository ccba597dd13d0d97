//! The account's catalog: users, inboxes, channels, chatflows, the pipeline and the SLA policy.

use deskmove_rules::{
    AccountId, Bot, ChannelId, ChannelKind, ChannelSettings, ChatflowId, ChatflowKind, InboxId,
    Language, Me, MoveId, MoveState, Pipeline, PipelineId, PipelineStatus, Role, SlaPolicy,
    SlaPolicyId, StatusId, StatusState, User, UserId, UserState, Workspace,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow, Row};

use super::{Store, StoreError, StoreResult};

/// Reads a typed column (an id or a code) of a row, as the rules crate parses it.
pub(crate) fn typed<T, R>(r: &AnyRow, column: &str) -> sqlx::Result<T>
where
    T: TryFrom<R>,
    T::Error: std::error::Error + Send + Sync + 'static,
    R: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    let raw: R = r.try_get(column)?;
    T::try_from(raw).map_err(|e| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: Box::new(e),
    })
}

/// Reads an id column that may be NULL.
pub(crate) fn typed_opt<T>(r: &AnyRow, column: &str) -> sqlx::Result<Option<T>>
where
    T: TryFrom<i64>,
    T::Error: std::error::Error + Send + Sync + 'static,
{
    let raw: Option<i64> = r.try_get(column)?;
    raw.map(T::try_from)
        .transpose()
        .map_err(|e| sqlx::Error::ColumnDecode {
            index: column.to_string(),
            source: Box::new(e),
        })
}

/// A JSON column (channel settings, a bot).
fn json<T: serde::de::DeserializeOwned>(r: &AnyRow, column: &str) -> sqlx::Result<T> {
    let raw: String = r.try_get(column)?;
    serde_json::from_str(&raw).map_err(|e| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: Box::new(e),
    })
}

/// Whether no account exists, read where the caller reads (the pool, or a
/// transaction that must see its own state).
pub(crate) async fn no_account<'e, E>(executor: E) -> StoreResult<bool>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM accounts")
        .fetch_one(executor)
        .await?
        .try_get("n")?;
    Ok(n == 0)
}

/// R8, R10, R11, R29: whether the user row `alias` works in help desk (given
/// access and not deactivated), as SQL: 1 or 0, and 0 where there is no row.
pub(crate) fn works_in_help_desk(alias: &str) -> String {
    format!(
        "(CASE WHEN {alias}.help_desk_access = 1 AND {alias}.state <> 'deactivated' \
         THEN 1 ELSE 0 END)"
    )
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRow {
    pub id: UserId,
    pub account_id: AccountId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub help_desk_access: bool,
    pub locale: Option<Language>,
    /// R29.
    pub state: UserState,
    pub last_sign_in_at: Option<i64>,
}

pub(crate) const USER_COLUMNS: &str = "u.id, u.account_id, u.name, u.email, u.role, \
     u.help_desk_access, u.locale, u.state, u.last_sign_in_at";

impl FromRow<'_, AnyRow> for UserRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(UserRow {
            id: typed::<_, i64>(r, "id")?,
            account_id: typed::<_, i64>(r, "account_id")?,
            name: r.try_get("name")?,
            email: r.try_get("email")?,
            role: typed::<_, String>(r, "role")?,
            help_desk_access: r.try_get::<i64, _>("help_desk_access")? != 0,
            locale: r
                .try_get::<Option<String>, _>("locale")?
                .map(Language::try_from)
                .transpose()
                .map_err(|e| sqlx::Error::ColumnDecode {
                    index: "locale".into(),
                    source: Box::new(e),
                })?,
            state: typed::<_, String>(r, "state")?,
            last_sign_in_at: r.try_get("last_sign_in_at")?,
        })
    }
}

impl UserRow {
    /// The user as signed in with this session's CSRF token.
    pub fn me(&self, csrf_token: String) -> Me {
        Me {
            id: self.id,
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role,
            help_desk_access: self.help_desk_access,
            csrf_token,
            locale: self.locale,
            // What the server knows: the routes that answer a Me set it.
            outbound_mail: false,
        }
    }

    pub fn to_user(&self) -> User {
        User {
            id: self.id,
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role,
            help_desk_access: self.help_desk_access,
            state: self.state,
            last_sign_in_at: self
                .last_sign_in_at
                .and_then(chrono::DateTime::from_timestamp_millis),
            help_desk_tickets: 0,
        }
    }
}

#[derive(Clone, Debug, FromRow)]
pub struct InboxRow {
    #[sqlx(try_from = "i64")]
    pub id: InboxId,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct ChannelRow {
    pub id: ChannelId,
    pub account_id: AccountId,
    /// `None` for a channel connected straight to help desk (R30).
    pub inbox_id: Option<InboxId>,
    pub kind: ChannelKind,
    pub name: String,
    pub address: String,
    pub workspace: Workspace,
    pub settings: ChannelSettings,
    /// R32: a form's public key.
    pub form_key: Option<String>,
    /// R30: whom round robin gave the last conversation.
    pub round_robin_last: Option<UserId>,
}

pub(crate) const CHANNEL_COLUMNS: &str =
    "id, account_id, inbox_id, kind, name, address, workspace, settings, form_key, round_robin_last";

impl FromRow<'_, AnyRow> for ChannelRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(ChannelRow {
            id: typed::<_, i64>(r, "id")?,
            account_id: typed::<_, i64>(r, "account_id")?,
            inbox_id: typed_opt(r, "inbox_id")?,
            kind: typed::<_, String>(r, "kind")?,
            name: r.try_get("name")?,
            address: r.try_get("address")?,
            workspace: typed::<_, String>(r, "workspace")?,
            settings: json(r, "settings")?,
            form_key: r.try_get("form_key")?,
            round_robin_last: typed_opt(r, "round_robin_last")?,
        })
    }
}

impl ChannelRow {
    /// The channel as the API shows it, with whether it can move.
    pub fn view(&self, movable: deskmove_rules::Movability) -> deskmove_rules::Channel {
        deskmove_rules::Channel {
            id: self.id,
            inbox_id: self.inbox_id,
            kind: self.kind,
            name: self.name.clone(),
            address: self.address.clone(),
            workspace: self.workspace,
            settings: self.settings.clone(),
            movable,
            form_key: self.form_key.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ChatflowRow {
    pub id: ChatflowId,
    pub name: String,
    pub kind: ChatflowKind,
    pub channel_id: ChannelId,
    pub bot: Option<Bot>,
}

impl FromRow<'_, AnyRow> for ChatflowRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        let bot: Option<String> = r.try_get("bot")?;
        Ok(ChatflowRow {
            id: typed::<_, i64>(r, "id")?,
            name: r.try_get("name")?,
            kind: typed::<_, String>(r, "kind")?,
            channel_id: typed::<_, i64>(r, "channel_id")?,
            bot: match bot {
                None => None,
                Some(_) => Some(json(r, "bot")?),
            },
        })
    }
}

#[derive(Clone, Debug, FromRow)]
pub struct RunningMoveRow {
    #[sqlx(try_from = "i64")]
    pub id: MoveId,
    #[sqlx(try_from = "i64")]
    pub channel_id: ChannelId,
}

/// The account's one scheduled or running move (R4, R24).
#[derive(Clone, Debug, FromRow)]
pub struct ActiveMoveRow {
    #[sqlx(try_from = "i64")]
    pub id: MoveId,
    #[sqlx(try_from = "i64")]
    pub channel_id: ChannelId,
    #[sqlx(try_from = "String")]
    pub state: MoveState,
    /// When it starts, while it is scheduled (ms).
    pub start_at: Option<i64>,
}

#[derive(FromRow)]
struct StatusRecord {
    #[sqlx(try_from = "i64")]
    id: StatusId,
    label: String,
    #[sqlx(try_from = "String")]
    state: StatusState,
}

#[derive(FromRow)]
struct PipelineRecord {
    #[sqlx(try_from = "i64")]
    id: PipelineId,
    name: String,
}

#[derive(FromRow)]
struct SlaRecord {
    #[sqlx(try_from = "i64")]
    id: SlaPolicyId,
    name: String,
    first_reply_seconds: i64,
    close_seconds: i64,
    hours: String,
}

impl Store {
    /// Whether the database holds no account yet (`--demo` seeds only then, R28
    /// sets up only then).
    pub async fn is_empty(&self) -> StoreResult<bool> {
        no_account(&self.pool).await
    }

    pub async fn users(&self, account: AccountId) -> StoreResult<Vec<UserRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.account_id = $1 ORDER BY u.id"
        ))
        .bind(account.get())
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn inboxes(&self, account: AccountId) -> StoreResult<Vec<InboxRow>> {
        Ok(
            sqlx::query_as("SELECT id, name FROM inboxes WHERE account_id = $1 ORDER BY id")
                .bind(account.get())
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn channels(&self, account: AccountId) -> StoreResult<Vec<ChannelRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE account_id = $1 ORDER BY id"
        ))
        .bind(account.get())
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn chatflows(&self, account: AccountId) -> StoreResult<Vec<ChatflowRow>> {
        Ok(sqlx::query_as(
            "SELECT id, name, kind, channel_id, bot FROM chatflows WHERE account_id = $1 ORDER BY id",
        )
        .bind(account.get())
        .fetch_all(&self.pool)
        .await?)
    }

    /// The account's help desk pipeline with its statuses in order.
    pub async fn pipeline(&self, account: AccountId) -> StoreResult<Option<Pipeline>> {
        pipeline_on(&mut *self.pool.acquire().await?, account).await
    }

    pub async fn sla_policy(&self, account: AccountId) -> StoreResult<Option<SlaPolicy>> {
        sla_policy_on(&mut *self.pool.acquire().await?, account).await
    }

    /// The account's scheduled or running move, if any (R4, R24).
    pub async fn active_move(&self, account: AccountId) -> StoreResult<Option<ActiveMoveRow>> {
        active_move_on(&mut *self.pool.acquire().await?, account).await
    }
}

/// The account's scheduled or running move, if any: the one it may have (R4, R24).
pub(crate) async fn active_move_on(
    conn: &mut AnyConnection,
    account: AccountId,
) -> StoreResult<Option<ActiveMoveRow>> {
    Ok(sqlx::query_as(
        "SELECT id, channel_id, state, start_at FROM moves \
         WHERE account_id = $1 AND state IN ('scheduled', 'running')",
    )
    .bind(account.get())
    .fetch_optional(&mut *conn)
    .await?)
}

/// The account's running move, if any (R4).
pub(crate) async fn running_move_on(
    conn: &mut AnyConnection,
    account: AccountId,
) -> StoreResult<Option<RunningMoveRow>> {
    Ok(sqlx::query_as(
        "SELECT id, channel_id FROM moves WHERE account_id = $1 AND state = 'running'",
    )
    .bind(account.get())
    .fetch_optional(&mut *conn)
    .await?)
}

/// Every user of the account, as the rules see them.
pub(crate) async fn users_on(
    conn: &mut AnyConnection,
    account: AccountId,
) -> StoreResult<Vec<User>> {
    let rows: Vec<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.account_id = $1"
    ))
    .bind(account.get())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.iter().map(UserRow::to_user).collect())
}

/// The account's help desk pipeline with its statuses in order.
pub(crate) async fn pipeline_on(
    conn: &mut AnyConnection,
    account: AccountId,
) -> StoreResult<Option<Pipeline>> {
    let Some(p): Option<PipelineRecord> =
        sqlx::query_as("SELECT id, name FROM pipelines WHERE account_id = $1")
            .bind(account.get())
            .fetch_optional(&mut *conn)
            .await?
    else {
        return Ok(None);
    };
    let statuses: Vec<StatusRecord> = sqlx::query_as(
        "SELECT id, label, state FROM pipeline_statuses WHERE pipeline_id = $1 ORDER BY position, id",
    )
    .bind(p.id.get())
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(Pipeline {
        id: p.id,
        name: p.name,
        statuses: statuses
            .into_iter()
            .map(|s| PipelineStatus {
                id: s.id,
                label: s.label,
                state: s.state,
            })
            .collect(),
    }))
}

pub(crate) async fn sla_policy_on(
    conn: &mut AnyConnection,
    account: AccountId,
) -> StoreResult<Option<SlaPolicy>> {
    let r: Option<SlaRecord> = sqlx::query_as(
        "SELECT id, name, first_reply_seconds, close_seconds, hours FROM sla_policies \
         WHERE account_id = $1",
    )
    .bind(account.get())
    .fetch_optional(&mut *conn)
    .await?;
    r.map(|r| {
        Ok(SlaPolicy {
            id: r.id,
            name: r.name,
            first_reply_seconds: r.first_reply_seconds,
            close_seconds: r.close_seconds,
            hours: serde_json::from_str(&r.hours)
                .map_err(|e| StoreError::Corrupt(format!("SLA hours: {e}")))?,
        })
    })
    .transpose()
}

impl From<deskmove_rules::UnknownCode> for StoreError {
    fn from(e: deskmove_rules::UnknownCode) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}
