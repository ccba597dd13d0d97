//! A browser-like client: keeps its cookies, sends the CSRF token it was given, and
//! knows the demo's channels and statuses by name.

use std::fmt::Display;
use std::time::{Duration, Instant};

use deskmove_rules::{
    Channel, ChannelId, ErrorBody, ErrorCode, Inbox, Me, Move, MoveId, Page, Pipeline, StatusId,
};
use reqwest::{Client, Method, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::{Events, INGEST_TOKEN, PASSWORD};

pub struct Session {
    pub client: Client,
    pub me: Me,
    pub base: String,
}

/// A client that keeps cookies, as a browser does.
pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .build()
        .expect("an HTTP client")
}

impl Session {
    /// Signs in with the demo password; panics unless the server answers 200.
    pub async fn sign_in(base: &str, email: &str) -> Session {
        Session::sign_in_with(base, email, PASSWORD).await
    }

    /// Signs in with `password`; panics unless the server answers 200.
    pub async fn sign_in_with(base: &str, email: &str, password: &str) -> Session {
        let client = client();
        let res = client
            .post(format!("{base}/api/session"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("the server answers");
        assert_eq!(res.status(), StatusCode::OK, "sign in as {email}");
        let me: Me = res.json().await.expect("a Me");
        Session {
            client,
            me,
            base: base.to_string(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the server answers")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.expect("JSON")
    }

    /// A GET answered 200, as its type.
    pub async fn read<T: DeserializeOwned>(&self, path: &str) -> T {
        serde_json::from_value(self.get_json(path).await).expect("the API's shape")
    }

    /// A state-changing request with the session's CSRF token.
    pub async fn send(&self, method: Method, path: &str, body: Value) -> Response {
        self.client
            .request(method, self.url(path))
            .header("x-csrf-token", &self.me.csrf_token)
            .json(&body)
            .send()
            .await
            .expect("the server answers")
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.send(Method::POST, path, body).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.send(Method::PATCH, path, body).await
    }

    /// Starts a move and answers it; panics unless the server took it (202).
    pub async fn start_move(&self, body: Value) -> Move {
        let res = self.post("/api/moves", body).await;
        let status = res.status();
        if status != StatusCode::ACCEPTED {
            panic!(
                "start move: {status} {}",
                res.text().await.unwrap_or_default()
            );
        }
        res.json().await.expect("a Move")
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .header("x-csrf-token", &self.me.csrf_token)
            .send()
            .await
            .expect("the server answers")
    }

    /// Waits for a move (a scheduled one too) to end and answers it as it ended.
    pub async fn wait_for_move(&self, id: &MoveId) -> Move {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let m: Move = self.read(&format!("/api/moves/{id}")).await;
            if !m.state.is_active() {
                return m;
            }
            assert!(Instant::now() < deadline, "move {id} did not finish: {m:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Opens this session's event stream.
    pub async fn events(&self) -> Events {
        Events::read(self.get("/api/events").await)
    }

    /// Every item of a cursor-paged list.
    pub async fn all_pages<T: DeserializeOwned>(&self, path: &str) -> Vec<T> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let url = match &cursor {
                Some(c) => format!("{path}{sep}limit=500&cursor={c}"),
                None => format!("{path}{sep}limit=500"),
            };
            let page: Page<T> = self.read(&url).await;
            out.extend(page.items);
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => return out,
            }
        }
    }

    /// A channel of the account by name, in the inbox or in help desk.
    pub async fn channel_id(&self, name: &str) -> ChannelId {
        let inboxes: Vec<Inbox> = self.read("/api/inboxes").await;
        let help_desk: Vec<Channel> = self.read("/api/help-desk/channels").await;
        inboxes
            .into_iter()
            .flat_map(|i| i.channels)
            .chain(help_desk)
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("channel {name}"))
            .id
    }

    /// A status of the help desk pipeline by label.
    pub async fn status_id(&self, label: &str) -> StatusId {
        let pipelines: Vec<Pipeline> = self.read("/api/pipelines").await;
        pipelines[0]
            .statuses
            .iter()
            .find(|s| s.label == label)
            .unwrap_or_else(|| panic!("status {label}"))
            .id
    }

    /// "All conversations" with Waiting on us / Closed: the demo's walk-through.
    pub async fn move_all(&self, channel: &str) -> Value {
        json!({
            "channel_id": self.channel_id(channel).await,
            "history": {"mode": "all",
                "open_status_id": self.status_id("Waiting on us").await,
                "closed_status_id": self.status_id("Closed").await},
        })
    }
}

/// A conversation arriving in a channel, as a mail server or chat widget sends it.
pub async fn ingest(base: &str, token: &str, channel: impl Display, contact: &str) -> Response {
    client()
        .post(format!(
            "{base}/api/ingest/channels/{channel}/conversations"
        ))
        .bearer_auth(token)
        .json(&json!({"contact": contact, "subject": "Help", "body": "Hello there"}))
        .send()
        .await
        .expect("the server answers")
}

/// A raw mail message arriving from a mail server (R32); `to` is the envelope
/// recipient.
pub async fn deliver(base: &str, raw: impl Into<Vec<u8>>, to: Option<&str>) -> Response {
    let mut req = client()
        .post(format!("{base}/api/ingest/email"))
        .bearer_auth(INGEST_TOKEN)
        .header("content-type", "message/rfc822")
        .body(raw.into());
    if let Some(to) = to {
        req = req.query(&[("to", to)]);
    }
    req.send().await.expect("the server answers")
}

/// Reads an error answer and checks it has the API's error body.
pub async fn error_of(res: Response) -> (StatusCode, ErrorCode, String) {
    let status = res.status();
    let body: ErrorBody = res.json().await.expect("the error body of API.md");
    (status, body.error.code, body.error.message)
}

/// I3 over time: sorted by start, each move had finished before the next one started.
pub fn assert_never_two_running(mut moves: Vec<Move>) {
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
