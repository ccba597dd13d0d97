//! Three server binaries on one PostgreSQL database, clients spread over them
//! (issue 15). Needs `DESKMOVE_TEST_POSTGRES` (scripts/test sets it for its
//! PostgreSQL step); without it there is no shared database and nothing to test.

use std::time::{Duration, Instant};

use deskmove_rules::{Move, MoveState};
use deskmove_server::store::{Database, Store};
use deskmove_testkit::{fresh_postgres, log_file, Events, Server, Session};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Row;

const BIN: &str = env!("CARGO_BIN_EXE_deskmove-server");

/// A fresh database on the test cluster, or `None` without one.
async fn database() -> Option<(String, tempfile::TempDir)> {
    let server = std::env::var("DESKMOVE_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.is_empty())?;
    let Database::Postgres(url) = fresh_postgres(&server).await else {
        unreachable!("fresh_postgres answers a PostgreSQL database")
    };
    Some((url, tempfile::tempdir().unwrap()))
}

fn replica(url: &str, dir: &tempfile::TempDir, n: usize, extra: &[&str]) -> Server {
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

fn replicas(url: &str, dir: &tempfile::TempDir, extra: &[&str]) -> Vec<Server> {
    (0..3).map(|n| replica(url, dir, n, extra)).collect()
}

#[tokio::test]
async fn a_session_made_on_one_replica_works_and_ends_on_the_others() {
    let Some((url, dir)) = database().await else {
        return;
    };
    let r = replicas(&url, &dir, &["--demo", "--demo-conversations", "100"]);
    let ada = Session::sign_in(&r[0].base, "ada@demo.test").await;
    let me = ada.get_json("/api/me").await;
    let csrf = me["csrf_token"].as_str().unwrap().to_string();
    let conversation = ada.get_json("/api/conversations?limit=1").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for other in [&r[1], &r[2]] {
        let res = ada
            .client
            .patch(format!("{}/api/conversations/{conversation}", other.base))
            .header("x-csrf-token", &csrf)
            .json(&json!({"status": "closed"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "a PATCH on {}", other.base);
        let forged = ada
            .client
            .patch(format!("{}/api/conversations/{conversation}", other.base))
            .header("x-csrf-token", "not-the-token")
            .json(&json!({"status": "open"}))
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    }
    let out = ada
        .client
        .delete(format!("{}/api/session", r[2].base))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(ada.get("/api/me").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn thirty_starts_spread_over_the_replicas_start_exactly_one_move() {
    let Some((url, dir)) = database().await else {
        return;
    };
    let r = replicas(&url, &dir, &["--demo", "--demo-conversations", "200"]);
    let mut admins = Vec::new();
    for s in &r {
        admins.push(Session::sign_in(&s.base, "ada@demo.test").await);
    }
    let mut bodies = Vec::new();
    for channel in ["Support email", "Support line"] {
        bodies.push(admins[0].move_all(channel).await);
    }
    let starts = (0..30).map(|i| {
        let who = &admins[i % 3];
        let body = bodies[i % 2].clone();
        async move { who.post("/api/moves", body).await.status() }
    });
    let statuses = futures_util::future::join_all(starts).await;
    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::ACCEPTED)
        .count();
    assert_eq!(accepted, 1, "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::ACCEPTED || *s == StatusCode::CONFLICT));
}

/// The process that drives move `id` now, by the pid its lease names.
async fn driver_pid(store: &Store, id: deskmove_rules::MoveId) -> Option<u32> {
    let row = sqlx::query("SELECT driver FROM moves WHERE id = $1")
        .bind(id.get())
        .fetch_one(store.pool())
        .await
        .unwrap();
    let driver: Option<String> = row.try_get("driver").unwrap();
    driver?.split(' ').nth(1)?.parse().ok()
}

#[tokio::test]
async fn a_move_is_heard_on_every_replica_and_survives_its_driver_being_killed() {
    let Some((url, dir)) = database().await else {
        return;
    };
    let flags = [
        "--demo",
        "--demo-conversations",
        "70000",
        "--move-batch",
        "200",
        "--move-pause-ms",
        "20",
    ];
    let mut r = replicas(&url, &dir, &flags);
    let store = Store::open(&url).await.unwrap();
    let mut streams: Vec<Events> = Vec::new();
    for s in &r {
        streams.push(
            Session::sign_in(&s.base, "sam@demo.test")
                .await
                .events()
                .await,
        );
    }
    let ada = Session::sign_in(&r[0].base, "ada@demo.test").await;
    let m = ada.start_move(ada.move_all("Support email").await).await;
    assert!(m.total >= 20_000, "a history of {}", m.total);

    // Kill the replica that drives the batches: another takes over within 5 s.
    let mut seen = 0;
    for _ in 0..200 {
        if let Some(pid) = driver_pid(&store, m.id).await {
            if let Some(i) = r.iter().position(|s| s.child.id() == pid) {
                let before: Move = r[(i + 1) % r.len()]
                    .read_as(&ada, &format!("/api/moves/{}", m.id))
                    .await;
                r.remove(i).kill();
                let killed = Instant::now();
                loop {
                    let now: Move = r[0].read_as(&ada, &format!("/api/moves/{}", m.id)).await;
                    if now.moved > before.moved || now.state == MoveState::Completed {
                        break;
                    }
                    assert!(
                        killed.elapsed() < Duration::from_secs(5),
                        "no replica took the move over within 5 s"
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                seen += 1;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(seen, 1, "the driving replica was found and killed");

    // The two left (and the killed one's stream, which ended) hear it complete.
    let mut ends = Vec::new();
    for events in streams.iter_mut() {
        let mut last = 0;
        while let Some((seen, at)) = events.next_within(m.id, Duration::from_secs(120)).await {
            assert!(seen.moved >= last, "progress never goes back");
            last = seen.moved;
            if seen.state == MoveState::Completed {
                ends.push(at);
                break;
            }
        }
    }
    assert!(ends.len() >= 2, "the live replicas heard the end");
    let first = *ends.iter().min().unwrap();
    let last = *ends.iter().max().unwrap();
    assert!(
        last - first < Duration::from_secs(2),
        "heard within 2 s of each other"
    );
    let done: Move = r[0].read_as(&ada, &format!("/api/moves/{}", m.id)).await;
    assert_eq!(done.moved, done.total);
    let created: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM notifications WHERE kind = 'ticket_created' \
         GROUP BY ticket_id HAVING COUNT(*) > 1",
    )
    .fetch_all(store.pool())
    .await
    .unwrap()
    .len() as i64;
    assert_eq!(created, 0, "one ticket_created per ticket");
    assert!(store.check().await.unwrap().is_empty());
}

trait ReadOn {
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

#[tokio::test]
async fn a_guesser_s_budget_is_the_same_whichever_replica_each_attempt_reaches() {
    // Issue 15: per-process limits gave three replicas three budgets.
    let Some((url, dir)) = database().await else {
        return;
    };
    let r = replicas(&url, &dir, &["--demo", "--demo-conversations", "50"]);
    let client = deskmove_testkit::client();
    let attempt = |n: usize| {
        let (client, base) = (client.clone(), r[n % 3].base.clone());
        async move {
            client
                .post(format!("{base}/api/session"))
                .json(&json!({"email": "ada@demo.test", "password": "a wrong guess"}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let budget = deskmove_server::limits::PAIR_BUDGET.burst as usize;
    for n in 0..budget {
        assert_eq!(
            attempt(n).await,
            StatusCode::UNAUTHORIZED,
            "attempt {}",
            n + 1
        );
    }
    for n in budget..budget + 3 {
        assert_eq!(
            attempt(n).await,
            StatusCode::TOO_MANY_REQUESTS,
            "attempt {} on replica {}",
            n + 1,
            n % 3
        );
    }
}
