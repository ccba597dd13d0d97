//! A generated run of bad (and some good) requests against every endpoint: never a 5xx,
//! never a dropped connection, and a refused request never commits anything (I5).

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Row;

use crate::helpers::{spawn_app_with, INGEST_TOKEN};

const PATHS: [&str; 20] = [
    "/api/session",
    "/api/me",
    "/api/inboxes",
    "/api/help-desk/channels",
    "/api/channels/{id}",
    "/api/chatflows",
    "/api/pipelines",
    "/api/users",
    "/api/conversations",
    "/api/conversations/{id}",
    "/api/conversations/{id}/transfer",
    "/api/conversations/{id}/ticket",
    "/api/tickets",
    "/api/tickets/{id}",
    "/api/notifications",
    "/api/channels/{id}/move-preview",
    "/api/moves",
    "/api/moves/{id}",
    "/api/ingest/channels/{id}/conversations",
    "/api/ingest/conversations/{id}/messages",
];

#[derive(Clone, Debug)]
enum Who {
    Nobody,
    Forged,
    Admin,
    Agent,
}

#[derive(Clone, Debug)]
struct Request {
    method: Method,
    path: String,
    query: String,
    who: Who,
    csrf: u8,
    bearer: u8,
    body: Vec<u8>,
}

fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        (1i64..12).prop_map(|n| n.to_string()),
        Just("999999999".to_string()),
        Just("9223372036854775807".to_string()),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("%2e%2e%2f%2e%2e".to_string()),
        Just("1%00".to_string()),
        "[a-zA-Z0-9_%-]{1,40}",
        Just("x".repeat(5000)),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,30}".prop_map(Value::String),
        Just(Value::String("<script>alert(1)</script>".into())),
        Just(Value::String("y".repeat(120_000))),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("email".to_string()),
                    Just("password".to_string()),
                    Just("channel_id".to_string()),
                    Just("history".to_string()),
                    Just("mode".to_string()),
                    Just("open_status_id".to_string()),
                    Just("closed_status_id".to_string()),
                    Just("status".to_string()),
                    Just("owner_id".to_string()),
                    Just("status_id".to_string()),
                    Just("contact".to_string()),
                    Just("subject".to_string()),
                    Just("body".to_string()),
                    Just("started_at".to_string()),
                    Just("mute_notifications".to_string()),
                    "[a-z_]{1,12}",
                ],
                inner,
                0..5,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        1 => Just(Vec::new()),
        1 => prop::collection::vec(any::<u8>(), 0..64),
        1 => Just(br#"{"channel_id":"1","history":{"mode":"all","open_status_id":"#.to_vec()),
        1 => prop_oneof![
            Just(json!({"status": "closed"})), Just(json!({"owner_id": null})), Just(json!({"owner_id": "3"})),
            Just(json!({"channel_id": "2"})), Just(json!({"status_id": "1"})),
            Just(json!({"contact": "Fuzz", "subject": "S", "body": "B"})),
            Just(json!({"email": "ada@demo.test", "password": "nope"})),
            Just(json!({"channel_id": "1", "history": {"mode": "none"}})),
        ]
        .prop_map(|v| serde_json::to_vec(&v).unwrap()),
    ]
}

fn request() -> impl Strategy<Value = Request> {
    (
        prop_oneof![
            Just(Method::GET), Just(Method::POST), Just(Method::PATCH), Just(Method::DELETE),
            Just(Method::PUT), Just(Method::HEAD), Just(Method::OPTIONS),
        ],
        0..PATHS.len(),
        id(),
        prop_oneof![
            Just(String::new()),
            "(workspace|channel_id|original_channel_id|cursor|limit|status_id|owner_id|unassigned|state)=[a-z0-9_%=-]{0,20}",
            Just("limit=500&cursor=djE6MTAw".to_string()),
        ],
        prop_oneof![Just(Who::Nobody), Just(Who::Forged), Just(Who::Admin), Just(Who::Agent)],
        0u8..3,
        0u8..3,
        body(),
    )
        .prop_map(|(method, p, id, query, who, csrf, bearer, body)| Request {
            method,
            path: PATHS[p].replace("{id}", &id),
            query,
            who,
            csrf,
            bearer,
            body,
        })
}

#[tokio::test]
async fn ten_thousand_generated_requests_never_fail_the_server_or_change_it_when_refused() {
    // I5
    let count: usize = std::env::var("DESKMOVE_FUZZ_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let app = spawn_app_with(|s| s.demo_conversations = 60).await;
    let mut admin = app.sign_in("ada@demo.test").await;
    let mut agent = app.sign_in("sam@demo.test").await;
    // A connection of our own: its data_version moves whenever anyone else commits.
    let watcher = deskmove_server::store::Store::open_at(&app.db)
        .await
        .unwrap();
    let mut watch = watcher.pool().acquire().await.unwrap();
    let mut baseline = changes(&app, &mut watch).await;

    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let strategy = request();
    let (mut refused, mut accepted) = (0, 0);
    for n in 0..count {
        let r = strategy.new_tree(&mut runner).unwrap().current();
        let (client, csrf) = match r.who {
            Who::Admin => (admin.client.clone(), admin.me.csrf_token.clone()),
            Who::Agent => (agent.client.clone(), agent.me.csrf_token.clone()),
            Who::Nobody | Who::Forged => (crate::helpers::client(), "forged".to_string()),
        };
        let url = if r.query.is_empty() {
            app.url(&r.path)
        } else {
            format!("{}?{}", app.url(&r.path), r.query)
        };
        let mut req = client
            .request(r.method.clone(), url)
            .body(r.body.clone())
            .header("content-type", "application/json");
        if matches!(r.who, Who::Forged) {
            req = req.header("cookie", "deskmove_session=forged; other=1");
        }
        match r.csrf {
            0 => {}
            1 => req = req.header("x-csrf-token", csrf),
            _ => req = req.header("x-csrf-token", "wrong"),
        }
        match r.bearer {
            0 => {}
            1 => req = req.bearer_auth(INGEST_TOKEN),
            _ => req = req.bearer_auth("wrong-token"),
        }
        let res = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("request {n} {r:?} broke the connection: {e}"));
        let status = res.status();
        assert!(
            !status.is_server_error(),
            "request {n} {} {} answered {status}",
            r.method,
            r.path
        );
        if status != StatusCode::NO_CONTENT && r.method != Method::HEAD && !status.is_success() {
            let text = res.text().await.unwrap_or_default();
            let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| {
                panic!("request {n} {r:?}: {status} without the error body: {text:.300}")
            });
            assert!(
                body["error"]["code"].is_string() && body["error"]["message"].is_string(),
                "{body}"
            );
        }
        if status.is_success() {
            accepted += 1;
            if r.path == "/api/session" && r.method == Method::DELETE {
                // A tester signed out for real: sign back in so the run goes on with sessions.
                match r.who {
                    Who::Admin => admin = app.sign_in("ada@demo.test").await,
                    Who::Agent => agent = app.sign_in("sam@demo.test").await,
                    Who::Nobody | Who::Forged => {
                        panic!("request {n} signed out without a session: {r:?}")
                    }
                }
            }
            // Let a started move finish before watching for changes again: a
            // refusal after it must not see the move's own changes as its own.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            loop {
                let current: Value = admin.get("/api/moves/current").await.json().await.unwrap();
                // A scheduled move waits for its time: nothing changes meanwhile.
                if current.is_null() || current["state"] == "scheduled" {
                    break;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "request {n} started a move that never finished: {current}"
                );
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            baseline = changes(&app, &mut watch).await;
        } else {
            refused += 1;
            let now = changes(&app, &mut watch).await;
            assert_eq!(
                now, baseline,
                "request {n} was refused ({status}) but changed the database: {r:?}"
            );
        }
    }
    assert!(
        refused > count / 2,
        "mostly bad input: {refused} refused, {accepted} accepted"
    );
    assert!(app.store.check().await.unwrap().is_empty());
    eprintln!("{count} requests: {refused} refused, {accepted} accepted, 0 server errors");
}

/// What moves whenever anyone commits a change: SQLite's data_version on a
/// connection of our own; on PostgreSQL, whose counters are the whole cluster's,
/// every row of every table.
async fn changes(app: &deskmove_testkit::TestApp, watch: &mut sqlx::AnyConnection) -> String {
    if app.db.path().is_some() {
        let row = sqlx::query("PRAGMA data_version")
            .fetch_one(&mut *watch)
            .await
            .unwrap();
        row.try_get::<i64, _>(0).unwrap().to_string()
    } else {
        app.fingerprint().await
    }
}
