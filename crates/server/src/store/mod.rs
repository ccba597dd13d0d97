//! The store: every SQL statement of the server lives here, over sqlx's `Any` driver.
//! Where a rule must see the same state as the write it allows, the store asks the
//! rules crate inside the transaction.

mod check;
mod conversations;
mod moves;

pub use check::Violation;
pub use conversations::*;
pub use moves::*;

use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use deskmove_rules::{
    Bot, ChannelKind, ChannelSettings, ChatflowKind, Pipeline, PipelineStatus, Role, SlaPolicy,
    StatusState, User, Workspace,
};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyConnection, AnyPool, Connection, Executor, Row};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// The database refused a second row where a unique index allows one (I1, I3).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Db(sqlx::Error::Database(db)) if db.is_unique_violation())
    }
}

/// A value to bind in a query built at run time.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

/// SQL assembled from optional filters, with its arguments numbered as it grows.
#[derive(Default)]
pub(crate) struct Sql {
    pub text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    /// Adds an argument and answers its placeholder.
    pub fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// Adds ` AND <condition>`, where `{}` in the condition stands for `a`'s placeholder.
    pub fn and(&mut self, condition: &str, a: Arg) {
        let p = self.arg(a);
        self.text.push_str(" AND ");
        self.text.push_str(&condition.replace("{}", &p));
    }

    /// Ends a keyset page: newest first, `limit` rows.
    pub fn newest_first(&mut self, id_column: &str, limit: u32) {
        let l = self.arg(Arg::Int(limit as i64));
        self.text
            .push_str(&format!(" ORDER BY {id_column} DESC LIMIT {l}"));
    }

    pub fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text);
        for a in &self.args {
            q = match a {
                Arg::Int(i) => q.bind(*i),
                Arg::Text(t) => q.bind(t.as_str()),
            };
        }
        q
    }
}

#[derive(Clone)]
pub struct Store {
    /// Readers, and the one-off work before serving (migrations, the demo seed).
    pool: AnyPool,
    /// Every write transaction, one at a time. On SQLite this pool has a single
    /// connection: SQLite has one writer anyway, and makes others poll with growing
    /// sleeps, so a move's back-to-back batches starved arrivals (p99 0.7 s at 200/s)
    /// while their waiting held connections that reads needed. Here writers queue
    /// for the connection first come first served, holding nothing, and the one
    /// writer's page cache stays warm from batch to batch.
    writer: AnyPool,
    /// Writers queued for the writer's connection right now.
    writers_waiting: Arc<AtomicUsize>,
    is_sqlite: bool,
}

/// Counts a writer as waiting until it has the connection (or gives up).
struct Waiting(Arc<AtomicUsize>);

impl Waiting {
    fn new(count: &Arc<AtomicUsize>) -> Waiting {
        count.fetch_add(1, Ordering::SeqCst);
        Waiting(count.clone())
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A time as the store keeps it: Unix milliseconds.
pub fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_millis(ms: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::Corrupt(format!("time {ms}")))
}

/// API ids are strings; the store's are integers. A string that is not one of ours
/// names nothing (the caller answers 404).
pub fn parse_id(id: &str) -> Option<i64> {
    id.parse::<i64>().ok().filter(|n| *n > 0)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub help_desk_access: bool,
}

impl UserRow {
    pub fn to_user(&self) -> User {
        User {
            id: self.id.to_string(),
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role,
            help_desk_access: self.help_desk_access,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SessionRow {
    pub user: UserRow,
    pub csrf_token: String,
}

#[derive(Clone, Debug)]
pub struct InboxRow {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct ChannelRow {
    pub id: i64,
    pub inbox_id: i64,
    pub kind: ChannelKind,
    pub name: String,
    pub address: String,
    pub workspace: Workspace,
    pub settings: ChannelSettings,
}

#[derive(Clone, Debug)]
pub struct ChatflowRow {
    pub id: i64,
    pub name: String,
    pub kind: ChatflowKind,
    pub channel_id: i64,
    pub bot: Option<Bot>,
}

#[derive(Clone, Debug)]
pub struct RunningMoveRow {
    pub id: i64,
    pub channel_id: i64,
}

/// One conversation to insert (seeding and imports).
#[derive(Clone, Debug)]
pub struct NewConversation {
    pub original_channel_id: i64,
    pub current_channel_id: i64,
    pub status: &'static str,
    pub owner_id: Option<i64>,
    pub started_at: i64,
    pub workspace: Workspace,
    pub contact: String,
    pub subject: String,
}

/// One ticket to insert for a conversation inserted in the same batch.
#[derive(Clone, Debug)]
pub struct NewTicketRow {
    pub status_id: i64,
    pub owner_id: Option<i64>,
    pub created_at: i64,
}

const USER_COLUMNS: &str = "u.id, u.account_id, u.name, u.email, u.role, u.help_desk_access";

pub(crate) fn user_row(r: &AnyRow) -> StoreResult<UserRow> {
    let role: String = r.try_get("role")?;
    Ok(UserRow {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        name: r.try_get("name")?,
        email: r.try_get("email")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
        help_desk_access: r.try_get::<i64, _>("help_desk_access")? != 0,
    })
}

pub(crate) fn channel_row(r: &AnyRow) -> StoreResult<ChannelRow> {
    let kind: String = r.try_get("kind")?;
    let workspace: String = r.try_get("workspace")?;
    let settings: String = r.try_get("settings")?;
    Ok(ChannelRow {
        id: r.try_get("id")?,
        inbox_id: r.try_get("inbox_id")?,
        kind: ChannelKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("channel kind {kind}")))?,
        name: r.try_get("name")?,
        address: r.try_get("address")?,
        workspace: Workspace::parse(&workspace)
            .ok_or_else(|| StoreError::Corrupt(format!("workspace {workspace}")))?,
        settings: serde_json::from_str(&settings)
            .map_err(|e| StoreError::Corrupt(format!("channel settings: {e}")))?,
    })
}

/// How often the background checkpointer copies the WAL into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// The writer's page cache: 32 MiB, one connection.
const WRITER_PRAGMAS: &str = "PRAGMA cache_size = -32768;";

fn pool_options(is_sqlite: bool, connections: u32, extra: &'static str) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(connections)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if is_sqlite {
                    // WAL lets readers go on while a move writes; NORMAL is durable
                    // across a killed process (only a power cut may lose the last
                    // commit). Checkpoints run in the background (spawn_checkpointer);
                    // SQLite's own, inside a commit, only past 32 MiB of log.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                         PRAGMA wal_autocheckpoint = 8192; PRAGMA journal_size_limit = 67108864;",
                    )
                    .await?;
                    if !extra.is_empty() {
                        conn.execute(extra).await?;
                    }
                }
                Ok(())
            })
        })
        // A transaction whose rollback failed (a full disk refuses even that) leaves
        // its connection inside it: close such a connection instead of reusing it.
        .after_release(|conn, _meta| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
        .before_acquire(|conn, _meta| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
}

impl Store {
    /// Opens (creating if needed) the SQLite file at `path` and brings its schema up to date.
    pub async fn open_sqlite(path: &Path) -> StoreResult<Store> {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        Self::open(&url).await
    }

    pub async fn open(url: &str) -> StoreResult<Store> {
        sqlx::any::install_default_drivers();
        let options = AnyConnectOptions::from_str(url)?;
        let is_sqlite = url.starts_with("sqlite:");
        let pool = pool_options(is_sqlite, if is_sqlite { 8 } else { 16 }, "")
            .connect_with(options.clone())
            .await?;
        MIGRATOR.run(&pool).await?;
        let writer = if is_sqlite {
            pool_options(is_sqlite, 1, WRITER_PRAGMAS)
                .connect_with(options)
                .await?
        } else {
            pool.clone()
        };
        Ok(Store {
            pool,
            writer,
            writers_waiting: Arc::default(),
            is_sqlite,
        })
    }

    /// Copies the write-ahead log into the database file in the background, so no
    /// writer pays for it while holding the write lock (SQLite's automatic checkpoint
    /// runs inside the commit that crosses its threshold). PASSIVE: it never waits
    /// for readers or the writer; what it can't copy now it copies next time.
    pub fn spawn_checkpointer(&self) {
        if !self.is_sqlite {
            return;
        }
        let pool = self.pool.clone();
        tokio::spawn(async move {
            while !pool.is_closed() {
                tokio::time::sleep(CHECKPOINT_EVERY).await;
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&pool)
                    .await
                {
                    tracing::warn!(error = %e, "WAL checkpoint");
                }
            }
        });
    }

    /// Closes every connection; SQLite then folds its WAL into the file.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn begin(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(self.pool.begin().await?)
    }

    /// A transaction that will write, on the writer's connection. On SQLite it takes
    /// the write lock up front, so a read-then-write can't be refused halfway by
    /// another writer, and writers serialize (the move's start and an arrival never
    /// interleave).
    pub async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        let _waiting = Waiting::new(&self.writers_waiting);
        Ok(if self.is_sqlite {
            self.writer.begin_with("BEGIN IMMEDIATE").await?
        } else {
            self.writer.begin().await?
        })
    }

    /// How many writers are waiting for their turn (the move engine yields to them).
    pub fn writers_waiting(&self) -> usize {
        self.writers_waiting.load(Ordering::SeqCst)
    }

    /// A connection of its own for a bulk load (the demo seed): a 16 MiB page cache
    /// keeps its long transaction from spilling the same pages to the WAL over and
    /// over (1M conversations: 5 s less in the kernel). Detached from the pool, so
    /// the cache goes when the caller closes it.
    pub async fn bulk_connection(&self) -> StoreResult<AnyConnection> {
        let mut conn = self.pool.acquire().await?.detach();
        if self.is_sqlite {
            conn.execute("PRAGMA cache_size = -16384").await?;
        }
        Ok(conn)
    }

    /// Writes the WAL back into the database file and empties it, so the file alone
    /// holds everything (the benchmark copies it).
    pub async fn checkpoint(&self) -> StoreResult<()> {
        if self.is_sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Whether the database holds no account yet (`--demo` seeds only then).
    pub async fn is_empty(&self) -> StoreResult<bool> {
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM accounts")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(n == 0)
    }

    // ---- sessions ----

    /// The user that signs in with this email, with their password hash.
    pub async fn user_for_sign_in(&self, email: &str) -> StoreResult<Option<(UserRow, String)>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1"
        ))
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((user_row(&r)?, r.try_get("password_hash")?)))
            .transpose()
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        Ok(tx.commit().await?)
    }

    pub async fn session(&self, token_hash: &str, now: i64) -> StoreResult<Option<SessionRow>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(SessionRow {
                user: user_row(&r)?,
                csrf_token: r.try_get("csrf_token")?,
            })
        })
        .transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        Ok(tx.commit().await?)
    }

    // ---- the account's catalog ----

    pub async fn users(&self, account_id: i64) -> StoreResult<Vec<UserRow>> {
        sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.account_id = $1 ORDER BY u.id"
        ))
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(user_row)
        .collect()
    }

    pub async fn inboxes(&self, account_id: i64) -> StoreResult<Vec<InboxRow>> {
        sqlx::query("SELECT id, name FROM inboxes WHERE account_id = $1 ORDER BY id")
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                Ok(InboxRow {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                })
            })
            .collect()
    }

    pub async fn channels(&self, account_id: i64) -> StoreResult<Vec<ChannelRow>> {
        sqlx::query(
            "SELECT id, inbox_id, kind, name, address, workspace, settings FROM channels \
             WHERE account_id = $1 ORDER BY id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(channel_row)
        .collect()
    }

    pub async fn chatflows(&self, account_id: i64) -> StoreResult<Vec<ChatflowRow>> {
        sqlx::query(
            "SELECT id, name, kind, channel_id, bot FROM chatflows WHERE account_id = $1 ORDER BY id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            let bot: Option<String> = r.try_get("bot")?;
            Ok(ChatflowRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                kind: ChatflowKind::parse(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("chatflow kind {kind}")))?,
                channel_id: r.try_get("channel_id")?,
                bot: bot
                    .map(|b| serde_json::from_str(&b))
                    .transpose()
                    .map_err(|e| StoreError::Corrupt(format!("bot: {e}")))?,
            })
        })
        .collect()
    }

    /// The account's help desk pipeline with its statuses in order.
    pub async fn pipeline(&self, account_id: i64) -> StoreResult<Option<Pipeline>> {
        pipeline_on(&mut *self.pool.acquire().await?, account_id).await
    }

    pub async fn sla_policy(&self, account_id: i64) -> StoreResult<Option<SlaPolicy>> {
        sla_policy_on(&mut *self.pool.acquire().await?, account_id).await
    }

    pub async fn running_move(&self, account_id: i64) -> StoreResult<Option<RunningMoveRow>> {
        sqlx::query("SELECT id, channel_id FROM moves WHERE account_id = $1 AND state = 'running'")
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| {
                Ok(RunningMoveRow {
                    id: r.try_get("id")?,
                    channel_id: r.try_get("channel_id")?,
                })
            })
            .transpose()
    }
}

/// The account's help desk pipeline with its statuses in order.
pub(crate) async fn pipeline_on(
    conn: &mut AnyConnection,
    account_id: i64,
) -> StoreResult<Option<Pipeline>> {
    let Some(p) = sqlx::query("SELECT id, name FROM pipelines WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let pipeline_id: i64 = p.try_get("id")?;
    let statuses = sqlx::query(
            "SELECT id, label, state FROM pipeline_statuses WHERE pipeline_id = $1 ORDER BY position, id",
        )
        .bind(pipeline_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            let state: String = r.try_get("state")?;
            Ok(PipelineStatus {
                id: r.try_get::<i64, _>("id")?.to_string(),
                label: r.try_get("label")?,
                state: StatusState::parse(&state)
                    .ok_or_else(|| StoreError::Corrupt(format!("status state {state}")))?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Some(Pipeline {
        id: pipeline_id.to_string(),
        name: p.try_get("name")?,
        statuses,
    }))
}

pub(crate) async fn sla_policy_on(
    conn: &mut AnyConnection,
    account_id: i64,
) -> StoreResult<Option<SlaPolicy>> {
    sqlx::query(
            "SELECT id, name, first_reply_seconds, close_seconds FROM sla_policies WHERE account_id = $1",
        )
        .bind(account_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| {
            Ok(SlaPolicy {
                id: r.try_get::<i64, _>("id")?.to_string(),
                name: r.try_get("name")?,
                first_reply_seconds: r.try_get("first_reply_seconds")?,
                close_seconds: r.try_get("close_seconds")?,
            })
        })
        .transpose()
}

// ---- writing a new account (the demo, tests) inside one transaction ----

pub async fn insert_account(tx: &mut AnyConnection, name: &str) -> StoreResult<i64> {
    insert_returning_id(
        tx,
        sqlx::query("INSERT INTO accounts (name) VALUES ($1) RETURNING id").bind(name),
    )
    .await
}

pub async fn insert_user(
    tx: &mut AnyConnection,
    account_id: i64,
    name: &str,
    email: &str,
    role: Role,
    help_desk_access: bool,
    password_hash: &str,
) -> StoreResult<i64> {
    insert_returning_id(
        tx,
        sqlx::query(
            "INSERT INTO users (account_id, name, email, role, help_desk_access, password_hash) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(account_id)
        .bind(name)
        .bind(email.trim().to_lowercase())
        .bind(role.as_str())
        .bind(help_desk_access as i64)
        .bind(password_hash),
    )
    .await
}

pub async fn insert_inbox(tx: &mut AnyConnection, account_id: i64, name: &str) -> StoreResult<i64> {
    insert_returning_id(
        tx,
        sqlx::query("INSERT INTO inboxes (account_id, name) VALUES ($1, $2) RETURNING id")
            .bind(account_id)
            .bind(name),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_channel(
    tx: &mut AnyConnection,
    account_id: i64,
    inbox_id: i64,
    kind: ChannelKind,
    name: &str,
    address: &str,
    workspace: Workspace,
    settings: &ChannelSettings,
) -> StoreResult<i64> {
    let settings = serde_json::to_string(settings)
        .map_err(|e| StoreError::Corrupt(format!("channel settings: {e}")))?;
    insert_returning_id(
        tx,
        sqlx::query(
            "INSERT INTO channels (account_id, inbox_id, kind, name, address, workspace, settings) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(account_id)
        .bind(inbox_id)
        .bind(kind.as_str())
        .bind(name)
        .bind(address)
        .bind(workspace.as_str())
        .bind(settings),
    )
    .await
}

pub async fn insert_chatflow(
    tx: &mut AnyConnection,
    account_id: i64,
    name: &str,
    kind: ChatflowKind,
    channel_id: i64,
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
        .bind(account_id)
        .bind(name)
        .bind(kind.as_str())
        .bind(channel_id)
        .bind(bot),
    )
    .await
}

/// Inserts the account's pipeline; returns its id and its statuses' ids in order.
pub async fn insert_pipeline(
    tx: &mut AnyConnection,
    account_id: i64,
    name: &str,
    statuses: &[(&str, StatusState)],
) -> StoreResult<(i64, Vec<i64>)> {
    let pipeline_id = insert_returning_id(
        tx,
        sqlx::query("INSERT INTO pipelines (account_id, name) VALUES ($1, $2) RETURNING id")
            .bind(account_id)
            .bind(name),
    )
    .await?;
    let mut ids = Vec::with_capacity(statuses.len());
    for (position, (label, state)) in statuses.iter().enumerate() {
        ids.push(
            insert_returning_id(
                tx,
                sqlx::query(
                    "INSERT INTO pipeline_statuses (pipeline_id, label, state, position) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(pipeline_id)
                .bind(*label)
                .bind(state.as_str())
                .bind(position as i64),
            )
            .await?,
        );
    }
    Ok((pipeline_id, ids))
}

pub async fn insert_sla_policy(
    tx: &mut AnyConnection,
    account_id: i64,
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
        .bind(account_id)
        .bind(name)
        .bind(first_reply_seconds)
        .bind(close_seconds),
    )
    .await
}

/// Rows per multi-row INSERT (measured: see BENCHMARKS.md).
const INSERT_CHUNK: usize = 1000;

/// Inserts conversations, each with its ticket if it has one, in multi-row statements.
/// Ids are given, not returned: the caller's write transaction owns the id range.
pub async fn insert_conversations(
    tx: &mut AnyConnection,
    account_id: i64,
    pipeline_id: i64,
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
                .bind(account_id)
                .bind(c.original_channel_id)
                .bind(c.current_channel_id)
                .bind(c.status)
                .bind(c.owner_id)
                .bind(c.started_at)
                .bind(c.workspace.as_str())
                .bind(c.contact.as_str())
                .bind(c.subject.as_str());
        }
        q.execute(&mut *tx).await?;
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
                .bind(account_id)
                .bind(conversation_id)
                .bind(pipeline_id)
                .bind(t.status_id)
                .bind(t.owner_id)
                .bind(t.created_at);
        }
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

/// `prefix` followed by `rows` groups of `width` placeholders. On SQLite they are
/// anonymous `?`: sqlx looks each numbered one up by name, a linear scan in SQLite,
/// which made binding a statement quadratic in its parameters.
fn multi_row_insert(anonymous: bool, prefix: &str, width: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(prefix.len() + rows * width * 7);
    sql.push_str(prefix);
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..width {
            if c > 0 {
                sql.push(',');
            }
            if anonymous {
                sql.push('?');
            } else {
                sql.push_str(&format!("${}", r * width + c + 1));
            }
        }
        sql.push(')');
    }
    sql
}

async fn insert_returning_id<'q>(
    tx: &mut AnyConnection,
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> StoreResult<i64> {
    Ok(q.fetch_one(tx).await?.try_get("id")?)
}
