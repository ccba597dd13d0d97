//! The store: every SQL statement of the server lives here, over sqlx's `Any` driver,
//! one file per aggregate. Where a rule must see the same state as the write it
//! allows, the store asks the rules crate inside the transaction.

mod announcements;
mod answers;
mod batch;
mod catalog;
mod channels;
mod check;
mod conversations;
mod counts;
mod fault;
mod history;
mod ingest;
mod limits;
mod link_mail;
mod mail;
mod move_row;
mod moves;
mod notifications;
mod open;
mod people;
mod preview;
mod ranges;
mod report;
mod seed;
mod sessions;
mod setup;
mod sla;
mod sql;
mod statuses;
mod tickets;

pub use announcements::*;
pub use answers::{Answerer, Claimed};
pub use batch::*;
pub use catalog::*;
pub use check::Violation;
pub use conversations::*;
pub use counts::{Total, COUNTED_UP_TO};
pub use fault::Fault;
pub use ingest::Arrival;
pub use link_mail::{ClaimedLink, LinkMail};
pub use mail::{Delivered, Form, Original, Submission};
pub use move_row::*;
pub use moves::*;
pub use open::{backup_sqlite, migration_plan, Database, MigrationPlan};
pub use people::*;
pub use preview::*;
pub use seed::*;
pub use sessions::*;
pub use setup::{NewAccount, SetupError};
pub use tickets::*;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sqlx::{AnyPool, Row};

/// Why a change a super admin asked for (statuses, inboxes, channels, bots) was
/// refused; nothing of it was written.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("not found")]
    NotFound,
    #[error("invalid: {0:?}")]
    Invalid(Vec<deskmove_rules::FieldError>),
    #[error("{0}")]
    Refused(deskmove_rules::ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Self {
        Refusal::Store(e.into())
    }
}

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

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// The PostgreSQL advisory lock a write transaction holds (any number, the same
/// for every server of one database).
const WRITE_LOCK: i64 = 0x6465_736b_6d76;

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

impl Store {
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// SQLite (one server's own file) rather than PostgreSQL.
    pub fn is_sqlite(&self) -> bool {
        self.is_sqlite
    }

    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(self.pool.begin().await?)
    }

    /// A transaction that will write, on the writer's connection. It takes the
    /// write lock up front, so a read-then-write can't be refused halfway by another
    /// writer, and writers serialize (the move's start and an arrival never
    /// interleave, and the kept list totals never deadlock).
    pub async fn begin_write(&self) -> StoreResult<Tx> {
        let _waiting = Waiting::new(&self.writers_waiting);
        let asked = std::time::Instant::now();
        let mut tx = self.writer.begin_with(self.begin_writing()).await?;
        self.take_write_lock(&mut tx).await?;
        metrics::histogram!("deskmove_db_write_lock_wait_seconds")
            .record(asked.elapsed().as_secs_f64());
        Ok(tx)
    }

    /// This server's database connections: (in use, idle), both pools.
    pub fn pool_connections(&self) -> (u32, u32) {
        // On PostgreSQL the writer is the readers' pool itself.
        let (mut idle, mut open) = (self.pool.num_idle() as u32, self.pool.size());
        if self.is_sqlite {
            idle += self.writer.num_idle() as u32;
            open += self.writer.size();
        }
        (open.saturating_sub(idle), idle)
    }

    /// A write transaction on a connection of the caller's own (a bulk load),
    /// holding the write lock as [`Store::begin_write`] does.
    pub async fn begin_bulk<'c>(
        &self,
        conn: &'c mut sqlx::AnyConnection,
    ) -> StoreResult<sqlx::Transaction<'c, sqlx::Any>> {
        use sqlx::Connection;
        let mut tx = conn.begin_with(self.begin_writing()).await?;
        self.take_write_lock(&mut tx).await?;
        Ok(tx)
    }

    /// SQLite takes its one writer's lock at `BEGIN IMMEDIATE`.
    fn begin_writing(&self) -> &'static str {
        if self.is_sqlite {
            "BEGIN IMMEDIATE"
        } else {
            "BEGIN"
        }
    }

    /// PostgreSQL: one writer at a time too, by a lock every server on the
    /// database shares, held until the transaction ends.
    async fn take_write_lock(&self, conn: &mut sqlx::AnyConnection) -> StoreResult<()> {
        if !self.is_sqlite {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(WRITE_LOCK)
                .execute(conn)
                .await?;
        }
        Ok(())
    }

    /// How many writers are waiting for their turn (the move engine yields to them).
    pub fn writers_waiting(&self) -> usize {
        self.writers_waiting.load(Ordering::SeqCst)
    }

    /// Whether a writer waits for the write lock: on this server, or, on
    /// PostgreSQL, on any server of the database (its wait shows in `pg_locks`).
    pub async fn writers_waiting_anywhere(&self) -> StoreResult<bool> {
        if self.writers_waiting() > 0 {
            return Ok(true);
        }
        if self.is_sqlite {
            return Ok(false);
        }
        // A bigint advisory key shows as its high half in classid, low in objid.
        let waiting: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted \
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1",
        )
        .bind(WRITE_LOCK >> 32)
        .bind(WRITE_LOCK & 0xffff_ffff)
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?;
        Ok(waiting > 0)
    }

    /// Closes every connection; SQLite then folds its WAL into the file.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }
}

/// A time as the store keeps it: Unix milliseconds.
pub fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_millis(ms: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::Corrupt(format!("time {ms}")))
}

/// A nullable id column as its type.
pub(crate) fn opt_id<T: TryFrom<i64, Error = deskmove_rules::InvalidId>>(
    raw: Option<i64>,
) -> StoreResult<Option<T>> {
    raw.map(T::try_from)
        .transpose()
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}
