use std::path::PathBuf;

use deskmove_rules::{ErrorBody, ErrorCode, Me};
use deskmove_server::config::Settings;
use deskmove_server::startup::Application;
use deskmove_server::store::Store;
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub db: PathBuf,
    pub static_dir: PathBuf,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = dir.path().join("deskmove.db");
    let static_dir = dir.path().join("dist");
    std::fs::create_dir(&static_dir).unwrap();
    std::fs::write(
        static_dir.join("index.html"),
        "<!doctype html><title>Deskmove</title>",
    )
    .unwrap();
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

/// A browser-like client: keeps its cookies, sends the CSRF token it was given.
pub struct Session {
    pub client: Client,
    pub me: Me,
    base: String,
}

pub fn client() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn sign_in(&self, email: &str) -> Session {
        let client = client();
        let res = client
            .post(self.url("/api/session"))
            .json(&serde_json::json!({"email": email, "password": "deskmove-demo"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "sign in as {email}");
        let me: Me = res.json().await.unwrap();
        Session {
            client,
            me,
            base: self.base.clone(),
        }
    }
}

impl Session {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.unwrap()
    }
}

/// Reads an error answer and checks it has the API's error body.
pub async fn error_of(res: Response) -> (StatusCode, ErrorCode, String) {
    let status = res.status();
    let body: ErrorBody = res.json().await.expect("the error body of API.md");
    (status, body.error.code, body.error.message)
}

pub const INGEST_TOKEN: &str = "demo-ingest-token";

impl Session {
    /// A state-changing request with the session's CSRF token.
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> Response {
        self.client
            .request(method, format!("{}{}", self.base, path))
            .header("x-csrf-token", &self.me.csrf_token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.send(reqwest::Method::POST, path, body).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.send(reqwest::Method::PATCH, path, body).await
    }

    /// Starts a move and answers it; panics unless the server took it (202).
    pub async fn start_move(&self, body: Value) -> deskmove_rules::Move {
        let res = self.post("/api/moves", body).await;
        assert_eq!(res.status(), StatusCode::ACCEPTED, "start move");
        res.json().await.unwrap()
    }

    /// Waits for a move to finish and answers it as it ended.
    pub async fn wait_for_move(&self, id: &str) -> deskmove_rules::Move {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let m: deskmove_rules::Move = self
                .get(&format!("/api/moves/{id}"))
                .await
                .json()
                .await
                .unwrap();
            if m.state != deskmove_rules::MoveState::Running {
                return m;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "move {id} did not finish: {m:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Every item of a cursor-paged list.
    pub async fn all_pages<T: serde::de::DeserializeOwned>(&self, path: &str) -> Vec<T> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let url = match &cursor {
                Some(c) => format!("{path}{sep}limit=500&cursor={c}"),
                None => format!("{path}{sep}limit=500"),
            };
            let page: deskmove_rules::Page<T> =
                serde_json::from_value(self.get_json(&url).await).unwrap();
            out.extend(page.items);
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => return out,
            }
        }
    }
}

impl TestApp {
    /// A conversation arriving in a channel, as a mail server or chat widget sends it.
    pub async fn ingest(&self, channel_id: &str, contact: &str) -> deskmove_rules::Conversation {
        let res = client()
            .post(self.url(&format!("/api/ingest/channels/{channel_id}/conversations")))
            .bearer_auth(INGEST_TOKEN)
            .json(
                &serde_json::json!({"contact": contact, "subject": "Help", "body": "Hello there"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "ingest into {channel_id}"
        );
        res.json().await.unwrap()
    }

    /// Every row of every table but sessions, in a stable text form: equal
    /// fingerprints mean an unchanged database (I5).
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
        ];
        let mut out = String::new();
        for t in tables {
            let rows = sqlx::query(&format!("SELECT * FROM {t} ORDER BY 1"))
                .fetch_all(self.store.pool())
                .await
                .unwrap();
            out.push_str(&format!("{t}:{}\n", rows.len()));
            for r in rows {
                for (i, c) in r.columns().iter().enumerate() {
                    let raw = r.try_get_raw(i).unwrap();
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

/// The demo's channel ids by name.
pub async fn channel_id(s: &Session, name: &str) -> String {
    let inboxes: Vec<deskmove_rules::Inbox> =
        serde_json::from_value(s.get_json("/api/inboxes").await).unwrap();
    let help_desk: Vec<deskmove_rules::Channel> =
        serde_json::from_value(s.get_json("/api/help-desk/channels").await).unwrap();
    inboxes
        .into_iter()
        .flat_map(|i| i.channels)
        .chain(help_desk)
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("channel {name}"))
        .id
}

/// The demo pipeline's status ids by label.
pub async fn status_id(s: &Session, label: &str) -> String {
    let pipelines: Vec<deskmove_rules::Pipeline> =
        serde_json::from_value(s.get_json("/api/pipelines").await).unwrap();
    pipelines[0]
        .statuses
        .iter()
        .find(|st| st.label == label)
        .unwrap_or_else(|| panic!("status {label}"))
        .id
        .clone()
}

/// "All conversations" with Waiting on us / Closed: the demo's walk-through.
pub async fn move_all(s: &Session, channel: &str) -> Value {
    serde_json::json!({
        "channel_id": channel_id(s, channel).await,
        "history": {"mode": "all",
            "open_status_id": status_id(s, "Waiting on us").await,
            "closed_status_id": status_id(s, "Closed").await},
    })
}

/// I3 over time: sorted by start, each move had finished before the next one started.
pub fn assert_never_two_running(mut moves: Vec<deskmove_rules::Move>) {
    moves.sort_by_key(|m| m.started_at);
    for w in moves.windows(2) {
        assert!(
            w[0].finished_at.is_some_and(|f| f <= w[1].started_at),
            "{:?} overlaps {:?}",
            w[0],
            w[1]
        );
    }
}
