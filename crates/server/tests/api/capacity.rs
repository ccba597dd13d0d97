//! Issue 30, finding 6: sign-in capacity is not one shared line that strangers can
//! fill, an account guessed at from everywhere delays rather than locks out, and
//! wrong ingest tokens are limited. Loopback addresses only (all of 127/8 is).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use deskmove_rules::ErrorCode;
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_of, spawn_app, TestApp, INGEST_TOKEN};

/// A client whose connections come from `local`.
fn client_from(local: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(local.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

/// `who` signs in as `email` with `password`, from `c`.
async fn sign_in(app: &TestApp, c: &reqwest::Client, email: &str, password: &str) -> StatusCode {
    c.post(app.url("/api/session"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

/// An attack in progress: how many of its attempts were answered, and the flag
/// that ends it.
struct Attack {
    answered: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    statuses: tokio::task::JoinHandle<Vec<StatusCode>>,
}

/// Sends sign-ins (email and password by their number), `at_once` at a time, from
/// the hosts of 127.0.`net`.0/24: at least `attempts`, and on until stopped.
fn attack(
    app: &Arc<TestApp>,
    net: u8,
    attempts: usize,
    at_once: usize,
    attempt: fn(usize) -> (String, String),
) -> Attack {
    let (answered, stop) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let app = app.clone();
    let hosts: Vec<reqwest::Client> = (1..=254u8)
        .map(|h| client_from(&format!("127.0.{net}.{h}")))
        .collect();
    let (counted, stopped) = (answered.clone(), stop.clone());
    let statuses = tokio::spawn(async move {
        futures_util::stream::iter(0..)
            .take_while(move |i| {
                std::future::ready(*i < attempts || !stopped.load(Ordering::Relaxed))
            })
            .map(|i| {
                let (c, app, counted) =
                    (hosts[i % hosts.len()].clone(), app.clone(), counted.clone());
                let (email, password) = attempt(i);
                async move {
                    let status = sign_in(&app, &c, &email, &password).await;
                    counted.fetch_add(1, Ordering::Relaxed);
                    status
                }
            })
            .buffer_unordered(at_once)
            .collect()
            .await
    });
    Attack {
        answered,
        stop,
        statuses,
    }
}

impl Attack {
    /// Ends it and hands back every answer.
    async fn end(self) -> Vec<StatusCode> {
        self.stop.store(true, Ordering::Relaxed);
        self.statuses.await.unwrap()
    }
}

/// Waits until `n` of an attack's attempts were answered: it is in full swing.
async fn in_full_swing(answered: &AtomicUsize, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while answered.load(Ordering::Relaxed) < n {
        assert!(Instant::now() < deadline, "the attack never got going");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn finding_6_ada_signs_in_while_500_unknown_emails_are_tried_from_one_network() {
    let app = Arc::new(spawn_app().await);
    // 100 at a time from 127.0.0.0/24, each a new unknown email, and on until
    // Ada has her answer.
    let guesses = attack(&app, 0, 500, 100, |i| {
        (format!("nobody-{i}@example.com"), format!("guess-{i}"))
    });
    in_full_swing(&guesses.answered, 50).await;
    let ada = client_from("127.0.1.1");
    let t = Instant::now();
    let status = sign_in(&app, &ada, "ada@demo.test", "deskmove-demo").await;
    let took = t.elapsed();
    let answered = guesses.answered.load(Ordering::Relaxed);
    let statuses = guesses.end().await;
    assert_eq!(status, StatusCode::OK, "Ada is not refused, first time");
    assert!(
        statuses.len() >= 500 && answered < statuses.len(),
        "during the attack"
    );
    // Measured, not asserted (BENCHMARKS.md, "Sign-in under a guessing load").
    eprintln!(
        "Ada signed in in {} ms, after {answered} of {} unknown-email attempts were answered",
        took.as_millis(),
        statuses.len()
    );
    for s in [
        StatusCode::UNAUTHORIZED,
        StatusCode::TOO_MANY_REQUESTS,
        StatusCode::SERVICE_UNAVAILABLE,
    ] {
        eprintln!("  {s}: {}", statuses.iter().filter(|x| **x == s).count());
    }
    assert!(
        statuses.iter().all(|s| [
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::SERVICE_UNAVAILABLE
        ]
        .contains(s)),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn finding_6_guessing_passwords_from_one_network_leaves_room_for_everyone_else() {
    let app = Arc::new(spawn_app().await);
    let guesses = attack(&app, 2, 300, 64, |i| {
        let who = ["sam@demo.test", "noor@demo.test", "lee@demo.test"][i % 3];
        (who.to_string(), format!("guess-{i}"))
    });
    in_full_swing(&guesses.answered, 30).await;
    let ada = client_from("127.0.3.1");
    let status = sign_in(&app, &ada, "ada@demo.test", "deskmove-demo").await;
    let statuses = guesses.end().await;
    assert_eq!(
        status,
        StatusCode::OK,
        "another network signs in, first time"
    );
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "the guessing network was held to its share"
    );
}

#[tokio::test]
async fn finding_6_an_account_guessed_from_many_networks_delays_its_owner_but_lets_him_in() {
    let app = spawn_app().await;
    for net in 10..32u8 {
        let c = client_from(&format!("127.0.{net}.1"));
        assert_eq!(
            sign_in(&app, &c, "lee@demo.test", "guess").await,
            StatusCode::UNAUTHORIZED
        );
    }
    let lee = client_from("127.0.99.1");
    let t = Instant::now();
    assert_eq!(
        sign_in(&app, &lee, "lee@demo.test", "deskmove-demo").await,
        StatusCode::OK,
        "a delay, not a lock-out"
    );
    let took = t.elapsed();
    // A lower bound only: a slower machine can only make it longer.
    assert!(took >= Duration::from_secs(2), "delayed: {took:?}");
    let ada = client_from("127.0.99.2");
    let t = Instant::now();
    assert_eq!(
        sign_in(&app, &ada, "ada@demo.test", "deskmove-demo").await,
        StatusCode::OK
    );
    eprintln!(
        "Lee waited {} ms; Ada, whose account nobody guessed, {} ms",
        took.as_millis(),
        t.elapsed().as_millis()
    );
}

#[tokio::test]
async fn finding_6_wrong_ingest_tokens_are_limited_per_address() {
    let app = spawn_app().await;
    let ingest = |c: reqwest::Client, token: &'static str| {
        let url = app.url("/api/ingest/channels/1/conversations");
        async move {
            c.post(url)
                .bearer_auth(token)
                .json(&json!({"contact": "Ines", "subject": "Hello", "body": "Hi"}))
                .send()
                .await
                .unwrap()
        }
    };
    let guesser = client_from("127.0.4.7");
    for _ in 0..20 {
        assert_eq!(
            ingest(guesser.clone(), "guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let before = app.fingerprint().await;
    let (status, code, message) = error_of(ingest(guesser.clone(), "guess").await).await;
    assert_eq!(
        (status, code),
        (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited)
    );
    assert!(
        message.contains("Too many wrong ingest tokens"),
        "{message}"
    );
    assert_eq!(app.fingerprint().await, before, "nothing changed");
    // The right token is never limited: a mail server sharing the address goes on.
    assert_eq!(
        ingest(guesser, INGEST_TOKEN).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        ingest(client_from("127.0.4.8"), INGEST_TOKEN)
            .await
            .status(),
        StatusCode::CREATED,
        "the mail server elsewhere goes on"
    );
}
