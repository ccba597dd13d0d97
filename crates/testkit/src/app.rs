//! The server in this process: a real listener on port 0 over a fresh SQLite file,
//! or, when `DESKMOVE_TEST_POSTGRES` names a PostgreSQL server (`scripts/test`
//! starts one), over a fresh database of its own there.

use std::fmt::Display;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use deskmove_rules::Conversation;
use deskmove_server::config::Settings;
use deskmove_server::startup::Application;
use deskmove_server::store::{Database, Store};
use reqwest::StatusCode;

use crate::{Session, INGEST_TOKEN};

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub db: Database,
    pub static_dir: PathBuf,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The demo account with 120 conversations, settings adjusted by `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = match std::env::var("DESKMOVE_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => fresh_postgres(&server).await,
        _ => Database::Sqlite(dir.path().join("deskmove.db")),
    };
    let static_dir = dir.path().join("dist");
    std::fs::create_dir(&static_dir).expect("a dist folder");
    std::fs::write(
        static_dir.join("index.html"),
        "<!doctype html><title>Deskmove</title>",
    )
    .expect("an index.html");
    let mut settings = Settings::for_tests(db.clone());
    settings.demo_conversations = 120;
    settings.static_dir = static_dir.clone();
    adjust(&mut settings);
    let app = Application::build(&settings).await.expect("the app builds");
    let base = format!("http://{}", app.address);
    let store = app.store.clone();
    tokio::spawn(app.run());
    TestApp {
        base,
        store,
        db,
        static_dir,
        _dir: dir,
    }
}

/// A new, empty database on the PostgreSQL server at `server` (a URL to any of
/// its databases, as a user who may create them).
pub async fn fresh_postgres(server: &str) -> Database {
    static MADE: AtomicUsize = AtomicUsize::new(0);
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let name = format!(
        "deskmove_test_{}_{}",
        std::process::id(),
        MADE.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = sqlx::AnyConnection::connect(server)
        .await
        .unwrap_or_else(|e| panic!("DESKMOVE_TEST_POSTGRES={server}: {e}"));
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut admin)
        .await
        .expect("drop an old test database");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create a test database");
    admin.close().await.ok();
    let mut url = url::Url::parse(server).expect("a postgres:// URL");
    url.set_path(&format!("/{name}"));
    Database::Postgres(url.to_string())
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn sign_in(&self, email: &str) -> Session {
        Session::sign_in(&self.base, email).await
    }

    /// A conversation arriving in a channel; panics unless it is taken (201).
    pub async fn ingest(&self, channel: impl Display, contact: &str) -> Conversation {
        let res = crate::ingest(&self.base, INGEST_TOKEN, &channel, contact).await;
        assert_eq!(res.status(), StatusCode::CREATED, "ingest into {channel}");
        res.json().await.expect("a Conversation")
    }

    /// Every row of every table but sessions (and when each user last signed in),
    /// in a stable text form: equal fingerprints mean an unchanged database (I5).
    pub async fn fingerprint(&self) -> String {
        use sqlx::{Column, Row, ValueRef};
        let tables = [
            "accounts",
            "users",
            "inboxes",
            "channels",
            "chatflows",
            "pipelines",
            "pipeline_statuses",
            "sla_policies",
            "conversations",
            "messages",
            "tickets",
            "moves",
            "notifications",
            "links",
            "mail_ids",
            "mail_originals",
        ];
        let mut out = String::new();
        for t in tables {
            let rows = sqlx::query(&format!("SELECT * FROM {t} ORDER BY 1"))
                .fetch_all(self.store.pool())
                .await
                .expect("a table");
            out.push_str(&format!("{t}:{}\n", rows.len()));
            for r in rows {
                for (i, c) in r.columns().iter().enumerate() {
                    if c.name() == "last_sign_in_at" {
                        continue;
                    }
                    let raw = r.try_get_raw(i).expect("a column");
                    let v = if raw.is_null() {
                        "NULL".to_string()
                    } else if let Ok(n) = r.try_get::<i64, _>(i) {
                        n.to_string()
                    } else {
                        r.try_get::<String, _>(i).unwrap_or_default()
                    };
                    out.push_str(&format!("{}={v};", c.name()));
                }
                out.push('\n');
            }
        }
        out
    }
}
