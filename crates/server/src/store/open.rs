//! Opening the database, a SQLite file or a PostgreSQL server: the pools,
//! SQLite's pragmas, each backend's migrations and background checkpoints.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, Connection, Executor, Row};

use super::{Store, StoreResult};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Where the data lives: what `--db` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by its `postgres://` URL.
    Postgres(String),
}

impl FromStr for Database {
    type Err = std::convert::Infallible;

    /// A `postgres://` or `postgresql://` URL, else a SQLite file's path.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(
            if s.starts_with("postgres://") || s.starts_with("postgresql://") {
                Database::Postgres(s.to_string())
            } else {
                Database::Sqlite(PathBuf::from(s))
            },
        )
    }
}

impl Database {
    /// What `--db` takes to name this database again (the password included,
    /// unlike its Display).
    pub fn to_flag(&self) -> String {
        match self {
            Database::Sqlite(path) => path.to_string_lossy().into_owned(),
            Database::Postgres(url) => url.clone(),
        }
    }
}

impl std::fmt::Display for Database {
    /// The file, or the server and database without the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => match url::Url::parse(url) {
                Ok(mut u) => {
                    let _ = u.set_password(None);
                    write!(f, "{u}")
                }
                Err(_) => write!(f, "a PostgreSQL database"),
            },
        }
    }
}

impl From<PathBuf> for Database {
    fn from(path: PathBuf) -> Self {
        Database::Sqlite(path)
    }
}

impl Database {
    /// The SQLite file, if that is what this is.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Database::Sqlite(p) => Some(p),
            Database::Postgres(_) => None,
        }
    }
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

/// What a binary would do to a database's schema (`migrate --check`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MigrationPlan {
    /// This binary's migrations the database lacks: (version, description).
    pub pending: Vec<(i64, String)>,
    /// Migrations the database has that this binary doesn't know (a newer one ran).
    pub unknown: Vec<i64>,
    /// Applied, but not as this binary has them (edited since), or left half
    /// done by a failed run: a server refuses to start on these.
    pub modified: Vec<i64>,
    pub failed: Vec<i64>,
}

/// Reads what `db` has applied, changing nothing, against this binary's list.
pub async fn migration_plan(db: &Database) -> StoreResult<MigrationPlan> {
    sqlx::any::install_default_drivers();
    let (url, migrator) = match db {
        Database::Sqlite(path) => (
            format!("sqlite://{}?mode=ro", path.display()),
            &SQLITE_MIGRATIONS,
        ),
        Database::Postgres(url) => (url.clone(), &POSTGRES_MIGRATIONS),
    };
    let mut conn = AnyConnection::connect_with(&AnyConnectOptions::from_str(&url)?).await?;
    // A database no server started on yet has no table of migrations; any
    // other failure is said as it is.
    let table = if matches!(db, Database::Sqlite(_)) {
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
    } else {
        "SELECT COUNT(*) AS n FROM pg_tables WHERE tablename = '_sqlx_migrations' \
         AND schemaname = current_schema()"
    };
    let has_table = sqlx::query(table)
        .fetch_one(&mut conn)
        .await?
        .try_get::<i64, _>("n")?
        > 0;
    let rows = if has_table {
        sqlx::query(
            "SELECT version, checksum, CASE WHEN success THEN 1 ELSE 0 END AS done \
             FROM _sqlx_migrations ORDER BY version",
        )
        .fetch_all(&mut conn)
        .await?
    } else {
        Vec::new()
    };
    conn.close().await?;
    let mut applied = Vec::new();
    let mut modified = Vec::new();
    let mut failed = Vec::new();
    for r in &rows {
        let version: i64 = r.try_get("version")?;
        let checksum: Vec<u8> = r.try_get("checksum")?;
        if r.try_get::<i32, _>("done")? == 0 {
            failed.push(version);
            continue;
        }
        if let Some(m) = migrator.iter().find(|m| m.version == version) {
            if m.checksum.as_ref() != checksum.as_slice() {
                modified.push(version);
            }
        }
        applied.push(version);
    }
    let known: Vec<i64> = migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| m.version)
        .collect();
    Ok(MigrationPlan {
        pending: migrator
            .iter()
            .filter(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version))
            .map(|m| (m.version, m.description.to_string()))
            .collect(),
        unknown: applied.into_iter().filter(|v| !known.contains(v)).collect(),
        modified,
        failed,
    })
}

/// A consistent copy of a live SQLite database in `to` (which must not exist):
/// `VACUUM INTO` reads one snapshot while servers go on writing, and writes a
/// compact file with no log beside it.
pub async fn backup_sqlite(path: &Path, to: &Path) -> StoreResult<()> {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", path.display());
    let mut conn = AnyConnection::connect_with(&AnyConnectOptions::from_str(&url)?).await?;
    conn.execute("PRAGMA busy_timeout = 10000").await?;
    sqlx::query("VACUUM INTO $1")
        .bind(to.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the SQLite file at `path` and brings its schema up to date.
    pub async fn open_sqlite(path: &Path) -> StoreResult<Store> {
        Self::open_at(&Database::Sqlite(path.to_path_buf())).await
    }

    pub async fn open_at(db: &Database) -> StoreResult<Store> {
        match db {
            Database::Sqlite(path) => {
                Self::open(&format!("sqlite://{}?mode=rwc", path.display())).await
            }
            Database::Postgres(url) => Self::open(url).await,
        }
    }

    /// Opens a `sqlite:` or `postgres:` URL and brings its schema up to date.
    pub async fn open(url: &str) -> StoreResult<Store> {
        sqlx::any::install_default_drivers();
        let options = AnyConnectOptions::from_str(url)?;
        let is_sqlite = url.starts_with("sqlite:");
        if !is_sqlite {
            // One connection first: a pool would say only that it timed out, not
            // that the server refused or the password was wrong.
            AnyConnection::connect_with(&options).await?.close().await?;
        }
        let pool = pool_options(is_sqlite, if is_sqlite { 8 } else { 16 }, "")
            .connect_with(options.clone())
            .await?;
        if is_sqlite {
            SQLITE_MIGRATIONS.run(&pool).await?;
        } else {
            POSTGRES_MIGRATIONS.run(&pool).await?;
        }
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
            writers_waiting: Default::default(),
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

    /// After a bulk change (the demo's seed, a move): PostgreSQL's planner gets
    /// the tables' statistics now, not when autovacuum next comes by (until then
    /// it plans from those of before, and a list can walk the wrong index).
    /// SQLite here plans from the schema alone.
    pub async fn analyze(&self) -> StoreResult<()> {
        if !self.is_sqlite {
            sqlx::query("ANALYZE").execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Whether this database can serve this binary now (`GET /readyz`): it
    /// answers, and its migrations are exactly the ones this binary runs (not
    /// one missing, none of a newer binary). The reason, when it can't.
    pub async fn readiness(&self) -> Result<(), String> {
        let migrator = if self.is_sqlite {
            &SQLITE_MIGRATIONS
        } else {
            &POSTGRES_MIGRATIONS
        };
        let expected: Vec<i64> = migrator
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| m.version)
            .collect();
        let applied: Vec<i64> = match sqlx::query(
            "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(&self.pool)
        .await
        {
            Ok(rows) => rows
                .iter()
                .filter_map(|r| r.try_get::<i64, _>("version").ok())
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "readiness: the database does not answer");
                return Err("The database does not answer.".into());
            }
        };
        if applied == expected {
            return Ok(());
        }
        let missing = expected.iter().filter(|v| !applied.contains(v)).count();
        let unknown = applied.iter().filter(|v| !expected.contains(v)).count();
        Err(format!(
            "The database's migrations are not this server's: {missing} of this server's \
             are missing and {unknown} are unknown to it (a newer or older server migrated it)."
        ))
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
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use deskmove_rules::{ChannelSettings, Routing, UserId};
    use sqlx::Row;

    use super::*;

    /// A database as a server before R30 left it: its channels' settings in the
    /// old shape.
    #[tokio::test]
    async fn channels_from_before_r30_keep_their_settings_in_the_new_shape() {
        // R6, R30
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let before_r30 = sqlx::migrate::Migrator {
            migrations: Cow::Owned(SQLITE_MIGRATIONS.migrations[..15].to_vec()),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        before_r30.run(&pool).await.unwrap();
        for sql in [
            "INSERT INTO accounts (id, name) VALUES (1, 'Old Co')",
            "INSERT INTO users (id, account_id, name, email, role, help_desk_access, password_hash) \
             VALUES (7, 1, 'Sam', 'sam@old.test', 'agent', 1, '!')",
            "INSERT INTO inboxes (id, account_id, name) VALUES (1, 1, 'Support')",
            r#"INSERT INTO channels (id, account_id, inbox_id, kind, name, address, workspace, settings)
               VALUES (1, 1, 1, 'email', 'Support', 's@old.test', 'inbox',
                 '{"signature":"— Old Co","routing":{"owner_id":"7"},"automation":["Auto-reply"],"ticket_creation":{"status_id":null}}'),
               (2, 1, 1, 'form', 'Contact', 'contact', 'inbox',
                 '{"signature":null,"routing":{"owner_id":null},"automation":[],"ticket_creation":{"status_id":"3"}}')"#,
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;

        let store = Store::open(&url).await.unwrap();
        let channels = store
            .channels(deskmove_rules::AccountId::of(1))
            .await
            .unwrap();
        assert_eq!(
            channels[0].settings,
            ChannelSettings {
                signature: Some("— Old Co".into()),
                routing: Routing::User {
                    user_id: UserId::of(7)
                },
                automation: true,
                ticket_status_id: None,
                thank_you_url: None,
                reply_from_channel_id: None,
            }
        );
        assert_eq!(channels[1].settings.routing, Routing::None);
        assert_eq!(
            channels[1].settings.ticket_status_id.map(|s| s.get()),
            Some(3)
        );
        assert!(channels[1].form_key.is_some(), "a form gets its key");
        assert!(channels[0].form_key.is_none());
        // Every connection of the pool takes a channel without an inbox.
        for _ in 0..3 {
            sqlx::query(
                "INSERT INTO channels (account_id, inbox_id, kind, name, address, workspace, settings) \
                 VALUES (1, NULL, 'chat', 'Direct', 'direct', 'help_desk', '{}')",
            )
            .execute(&store.pool)
            .await
            .unwrap();
        }
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM channels WHERE inbox_id IS NULL")
            .fetch_one(&store.writer)
            .await
            .unwrap()
            .get("n");
        assert_eq!(n, 3);
    }
}
