//! Issue 30, finding 6: sign-in capacity is not one shared line that strangers can
//! fill, an account guessed at from everywhere delays rather than locks out, and
//! wrong ingest tokens are limited. Loopback addresses only (all of 127/8 is).

use std::sync::atomic::{AtomicUsize, Ordering};
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

/// Sends `attempts` sign-ins (email and password by their number), `at_once` at a
/// time, from the hosts of 127.0.`net`.0/24; counts those answered in `answered`.
fn attack(
    app: &Arc<TestApp>,
    net: u8,
    attempts: usize,
    at_once: usize,
    answered: Arc<AtomicUsize>,
    attempt: fn(usize) -> (String, String),
) -> tokio::task::JoinHandle<Vec<StatusCode>> {
    let app = app.clone();
    let hosts: Vec<reqwest::Client> = (1..=254u8)
        .map(|h| client_from(&format!("127.0.{net}.{h}")))
        .collect();
    tokio::spawn(async move {
        futures_util::stream::iter(0..attempts)
            .map(|i| {
                let (c, app, answered) = (hosts[i % hosts.len()].clone(), app.clone(), answered.clone());
                let (email, password) = attempt(i);
                async move {
                    let status = sign_in(&app, &c, &email, &password).await;
                    answered.fetch_add(1, Ordering::Relaxed);
                    status
                }
            })
            .buffer_unordered(at_once)
            .collect()
            .await
    })
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
    let answered = Arc::new(AtomicUsize::new(0));
    let guesses = attack(&app, 0, 500, 100, answered.clone(), |i| {
        (format!("nobody-{i}@example.com"), format!("guess-{i}"))
    });
    in_full_swing(&answered, 50).await;
    let ada = client_from("127.0.1.1");
    let t = Instant::now();
    let status = sign_in(&app, &ada, "ada@demo.test", "deskmove-demo").await;
    let took = t.elapsed();
    let in_flight = 500 - answered.load(Ordering::Relaxed);
    assert_eq!(status, StatusCode::OK, "Ada is not refused, first time");
    let statuses = guesses.await.unwrap();
    eprintln!(
        "Ada signed in in {} ms with up to {in_flight} of 500 unknown-email attempts still to answer",
        took.as_millis()
    );
    for s in [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS] {
        eprintln!("  {s}: {}", statuses.iter().filter(|x| **x == s).count());
    }
    assert!(
        statuses
            .iter()
            .all(|s| [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS, StatusCode::SERVICE_UNAVAILABLE].contains(s)),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn finding_6_guessing_passwords_from_one_network_leaves_room_for_everyone_else() {
    let app = Arc::new(spawn_app().await);
    let answered = Arc::new(AtomicUsize::new(0));
    let guesses = attack(&app, 2, 300, 64, answered.clone(), |i| {
        let who = ["sam@demo.test", "noor@demo.test", "lee@demo.test"][i % 3];
        (who.to_string(), format!("guess-{i}"))
    });
    in_full_swing(&answered, 30).await;
    let ada = client_from("127.0.3.1");
    assert_eq!(
        sign_in(&app, &ada, "ada@demo.test", "deskmove-demo").await,
        StatusCode::OK,
        "another network signs in, first time"
    );
    let statuses = guesses.await.unwrap();
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
    assert!(message.contains("Too many wrong ingest tokens"), "{message}");
    assert_eq!(
        ingest(guesser, INGEST_TOKEN).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "from that address, even the right token waits"
    );
    assert_eq!(app.fingerprint().await, before, "nothing changed");
    assert_eq!(
        ingest(client_from("127.0.4.8"), INGEST_TOKEN)
            .await
            .status(),
        StatusCode::CREATED,
        "the mail server elsewhere goes on"
    );
}
