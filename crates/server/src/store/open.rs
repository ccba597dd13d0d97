//! Opening the database, a SQLite file or a PostgreSQL server: the pools,
//! SQLite's pragmas, each backend's migrations and background checkpoints.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, Connection, Executor};

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
