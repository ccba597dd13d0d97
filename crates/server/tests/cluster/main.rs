//! Three server binaries on one PostgreSQL database, clients spread over them
//! (issue 15). Needs `DESKMOVE_TEST_POSTGRES` (scripts/test sets it for its
//! PostgreSQL step); without it there is no shared database and nothing to test.

mod answers;
mod health;
mod moves;
mod people;
mod sessions;
mod setup;

use deskmove_server::store::{Database, Store};
use deskmove_testkit::{fresh_postgres, log_file, Server, Session};
use sqlx::Row;

const BIN: &str = env!("CARGO_BIN_EXE_deskmove-server");

/// A fresh database on the test cluster, or `None` without one.
pub(crate) async fn database() -> Option<(String, tempfile::TempDir)> {
    let server = std::env::var("DESKMOVE_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.is_empty())?;
    let Database::Postgres(url) = fresh_postgres(&server).await else {
        unreachable!("fresh_postgres answers a PostgreSQL database")
    };
    Some((url, tempfile::tempdir().unwrap()))
}

pub(crate) fn replica(url: &str, dir: &tempfile::TempDir, n: usize, extra: &[&str]) -> Server {
    let log = dir.path().join(format!("replica-{n}.log"));
    Server::start_on(
        BIN,
        url,
        &[
            &[
                "--static",
                "/nonexistent",
                "--ingest-token",
                "cluster-token",
            ],
            extra,
        ]
        .concat(),
        &[],
        "warn",
        log_file(&log),
    )
}

pub(crate) fn replicas(url: &str, dir: &tempfile::TempDir, extra: &[&str]) -> Vec<Server> {
    (0..3).map(|n| replica(url, dir, n, extra)).collect()
}

/// The process that drives move `id` now, by the pid its lease names.
pub(crate) async fn driver_pid(store: &Store, id: deskmove_rules::MoveId) -> Option<u32> {
    let row = sqlx::query("SELECT driver FROM moves WHERE id = $1")
        .bind(id.get())
        .fetch_one(store.pool())
        .await
        .unwrap();
    let driver: Option<String> = row.try_get("driver").unwrap();
    driver?.split(' ').nth(1)?.parse().ok()
}

pub(crate) trait ReadOn {
    async fn read_as<T: serde::de::DeserializeOwned>(&self, who: &Session, path: &str) -> T;
}

impl ReadOn for Server {
    /// `who`'s GET of `path` on this replica.
    async fn read_as<T: serde::de::DeserializeOwned>(&self, who: &Session, path: &str) -> T {
        who.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}
