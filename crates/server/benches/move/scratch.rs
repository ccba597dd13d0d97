//! Where a run's databases live: SQLite files in a temp folder, or databases on a
//! PostgreSQL server (`--db postgres://…`), copied byte for byte or by template,
//! and each backend's own limit for the move's changes.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use chrono::Utc;
use deskmove_rules::MoveId;
use deskmove_server::store::{Database, Store};
use sqlx::{Connection, Row};
use tempfile::TempDir;

use crate::served::Ids;
use crate::{Args, ACCOUNT};

/// PostgreSQL's limit, run with psql.
/// The move the limit records its report (R26) as: no move of the copy has it.
const LIMIT_MOVE: MoveId = MoveId::of(1_000_000);
const LIMIT_SQL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/move/limit.pg.sql");

pub(crate) enum Scratch {
    Sqlite(TempDir),
    /// A URL to any database of the server, as a user who may create databases.
    Postgres(String),
}

impl Scratch {
    pub(crate) fn new(args: &Args) -> anyhow::Result<Scratch> {
        Ok(match (&args.db, &args.dir) {
            (Some(url), _) => Scratch::Postgres(url.clone()),
            (None, Some(d)) => Scratch::Sqlite(tempfile::tempdir_in(d)?),
            (None, None) => Scratch::Sqlite(tempfile::tempdir()?),
        })
    }

    pub(crate) fn backend(&self) -> &'static str {
        match self {
            Scratch::Sqlite(_) => "SQLite",
            Scratch::Postgres(_) => "PostgreSQL",
        }
    }

    /// The database called `name` (not made yet).
    pub(crate) fn named(&self, name: &str) -> anyhow::Result<Database> {
        Ok(match self {
            Scratch::Sqlite(dir) => Database::Sqlite(dir.path().join(format!("{name}.db"))),
            Scratch::Postgres(server) => {
                let mut url = url::Url::parse(server).context("--db: a postgres:// URL")?;
                url.set_path(&format!("/deskmove_bench_{name}"));
                Database::Postgres(url.to_string())
            }
        })
    }

    /// A new, empty database called `name`.
    pub(crate) async fn fresh(&self, name: &str) -> anyhow::Result<Database> {
        let db = self.named(name)?;
        self.remove(&db).await?;
        if let Scratch::Postgres(_) = self {
            self.admin(&format!("CREATE DATABASE {}", pg_name(&db)?))
                .await?;
        }
        Ok(db)
    }

    /// After seeding: on PostgreSQL, vacuumed and analyzed, as a database in use
    /// for a while is (autovacuum would otherwise start on it during the runs).
    pub(crate) async fn settle(&self, db: &Database) -> anyhow::Result<()> {
        if let Database::Postgres(url) = db {
            let mut conn = sqlx::AnyConnection::connect(url).await?;
            sqlx::query("VACUUM (ANALYZE)").execute(&mut conn).await?;
            conn.close().await?;
        }
        Ok(())
    }

    /// `name`, a copy of `from` (closed): the same rows, the same pages.
    pub(crate) async fn copy(&self, from: &Database, name: &str) -> anyhow::Result<Database> {
        let to = self.named(name)?;
        self.remove(&to).await?;
        match (from, &to) {
            (Database::Sqlite(from), Database::Sqlite(path)) => {
                std::fs::copy(from, path)?;
            }
            _ => {
                // A template must have no other session: autovacuum may start one.
                let (to, from) = (pg_name(&to)?, pg_name(from)?);
                let mut attempt = 0;
                loop {
                    attempt += 1;
                    self.admin(&format!(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = '{from}' AND pid <> pg_backend_pid()"
                    ))
                    .await?;
                    match self
                        .admin(&format!("CREATE DATABASE {to} TEMPLATE {from}"))
                        .await
                    {
                        Err(e)
                            if attempt < 10
                                && e.to_string().contains("accessed by other users") =>
                        {
                            tokio::time::sleep(Duration::from_millis(200)).await
                        }
                        done => break done?,
                    }
                }
            }
        }
        Ok(to)
    }

    pub(crate) async fn remove(&self, db: &Database) -> anyhow::Result<()> {
        match db {
            Database::Sqlite(path) => remove_sqlite(path)?,
            Database::Postgres(_) => {
                self.admin(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    pg_name(db)?
                ))
                .await?
            }
        }
        Ok(())
    }

    async fn admin(&self, sql: &str) -> anyhow::Result<()> {
        let Scratch::Postgres(server) = self else {
            return Ok(());
        };
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(server)
            .await
            .with_context(|| format!("--db {server}"))?;
        sqlx::query(sql).execute(&mut conn).await?;
        conn.close().await?;
        Ok(())
    }

    /// The backend's limit on `db` (a copy): how long the same changes as the
    /// move of Support email take, and (tickets created, conversations moved).
    pub(crate) async fn limit(&self, db: &Database, ids: &Ids) -> anyhow::Result<Limit> {
        match db {
            Database::Sqlite(_) => {
                let store = Store::open_at(db).await?;
                let t = Instant::now();
                let work = store
                    .move_at_once(
                        ACCOUNT,
                        ids.support_email,
                        ids.statuses,
                        Utc::now(),
                        LIMIT_MOVE,
                    )
                    .await?;
                let took = t.elapsed();
                store.close().await;
                Ok(Limit { took, work })
            }
            Database::Postgres(url) => {
                let store = Store::open_at(db).await?;
                let before = work_done(&store, ids).await?;
                store.close().await;
                let out = Command::new("psql")
                    .args(["-X", "-q", "-At", "-d", url, "-f", LIMIT_SQL])
                    .args(["-v", &format!("channel={}", ids.support_email.get())])
                    .args(["-v", &format!("open_status={}", ids.statuses.0.get())])
                    .args(["-v", &format!("closed_status={}", ids.statuses.1.get())])
                    .args(["-v", &format!("now={}", Utc::now().timestamp_millis())])
                    .args(["-v", &format!("move={}", LIMIT_MOVE.get())])
                    .output()
                    .context("psql (Debian's postgresql-client)")?;
                ensure!(
                    out.status.success(),
                    "psql -f limit.pg.sql: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let clock: Vec<f64> = String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .filter_map(|l| l.trim().parse().ok())
                    .collect();
                let [start, end] = clock[..] else {
                    anyhow::bail!("psql printed no clock: {clock:?}");
                };
                let store = Store::open_at(db).await?;
                let after = work_done(&store, ids).await?;
                // The limit must leave a sound database too: totals included.
                let violations = store.check().await?;
                store.close().await;
                ensure!(violations.is_empty(), "the limit broke: {violations:?}");
                Ok(Limit {
                    took: Duration::from_secs_f64(end - start),
                    work: (after.0 - before.0, after.1 - before.1),
                })
            }
        }
    }
}

pub(crate) struct Limit {
    pub(crate) took: Duration,
    /// (tickets created, conversations moved)
    pub(crate) work: (i64, i64),
}

/// (tickets, Support email's conversations in help desk)
async fn work_done(store: &Store, ids: &Ids) -> anyhow::Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM tickets) AS tickets, \
            (SELECT COUNT(*) FROM conversations WHERE original_channel_id = $1 \
                AND workspace = 'help_desk') AS moved",
    )
    .bind(ids.support_email.get())
    .fetch_one(store.pool())
    .await?;
    Ok((row.try_get("tickets")?, row.try_get("moved")?))
}

fn pg_name(db: &Database) -> anyhow::Result<String> {
    let Database::Postgres(url) = db else {
        anyhow::bail!("not a PostgreSQL database: {db}");
    };
    let url = url::Url::parse(url)?;
    Ok(url.path().trim_start_matches('/').to_string())
}

/// Deletes a database file with its WAL and shared-memory files.
fn remove_sqlite(path: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}
