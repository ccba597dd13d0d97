//! R28: a company's own account. Without `--demo` an empty database waits for its
//! set-up: every other route answers 503, the right token creates exactly one
//! account and its first super admin, and set-up never happens twice.

use deskmove_rules::{ErrorCode, Language, Me, Role};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{client, error_of, spawn_app_with, TestApp, INGEST_TOKEN};

/// The operator's `--setup-token` in these tests.
const TOKEN: &str = "a-set-up-token-of-our-own-choosing";

async fn fresh() -> TestApp {
    spawn_app_with(|s| {
        s.demo = false;
        s.setup_token = Some(TOKEN.into());
        s.ingest_token = Some(INGEST_TOKEN.into());
    })
    .await
}

fn form(email: &str) -> Value {
    json!({
        "token": TOKEN,
        "account_name": "Fjord Bikes",
        "name": "Ingrid Admin",
        "email": email,
        "password": "correct horse battery",
        "locale": "nb",
    })
}

async fn count(app: &TestApp, table: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
        .fetch_one(app.store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

#[tokio::test]
async fn until_set_up_every_route_answers_503_and_set_up_signs_in_its_super_admin() {
    // R28, I5
    let app = fresh().await;
    let browser = client();
    let needed: Value = browser
        .get(app.url("/api/setup"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(needed, json!({"needed": true}));
    for (method, path) in [
        (reqwest::Method::GET, "/api/me"),
        (reqwest::Method::GET, "/api/inboxes"),
        (reqwest::Method::POST, "/api/session"),
        (reqwest::Method::GET, "/api/events"),
        (
            reqwest::Method::POST,
            "/api/ingest/channels/1/conversations",
        ),
        (reqwest::Method::GET, "/api/no/such/route"),
        (reqwest::Method::GET, "/api/me/"),
        (reqwest::Method::GET, "/api//me"),
        (reqwest::Method::PATCH, "/api/me"),
    ] {
        let res = browser
            .request(method.clone(), app.url(path))
            .bearer_auth(INGEST_TOKEN)
            .json(&json!({"email": "x@y.z", "password": "p"}))
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_of(res).await;
        assert_eq!(
            (status, code),
            (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::SetupNeeded),
            "{method} {path}"
        );
        assert!(message.contains("/setup"), "{message}");
    }

    // A form with every field wrong names each of them, and changes nothing.
    let res = browser
        .post(app.url("/api/setup"))
        .json(&json!({"token": "", "account_name": "", "name": "", "email": "ingrid", "password": "short"}))
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_of(res).await;
    assert_eq!(
        (status, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
    );
    for field in ["token", "account_name", "name", "email", "password"] {
        assert!(message.contains(field), "{field}: {message}");
    }
    let mut wrong = form("ingrid@fjordbikes.example");
    wrong["token"] = json!("not-the-token-at-all");
    let (status, code, _) = error_of(
        browser
            .post(app.url("/api/setup"))
            .json(&wrong)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::FORBIDDEN, ErrorCode::Forbidden)
    );
    assert_eq!(count(&app, "accounts").await, 0, "refusals change nothing");

    // The right token: the account, its first super admin, signed in.
    let res = browser
        .post(app.url("/api/setup"))
        .json(&form(" Ingrid@FjordBikes.example "))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("deskmove_session=") && cookie.contains("HttpOnly"));
    let me: Me = res.json().await.unwrap();
    assert_eq!(
        (
            me.name.as_str(),
            me.email.as_str(),
            me.role,
            me.help_desk_access,
            me.locale
        ),
        (
            "Ingrid Admin",
            "ingrid@fjordbikes.example",
            Role::SuperAdmin,
            true,
            Some(Language::NorwegianBokmal)
        )
    );
    let signed_in: Me = browser
        .get(app.url("/api/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(signed_in.id, me.id);
    let inboxes: Value = browser
        .get(app.url("/api/inboxes"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(inboxes, json!([]), "a new account has no inbox yet");
    assert_eq!(
        (count(&app, "accounts").await, count(&app, "users").await),
        (1, 1)
    );

    // Never twice, whatever the token; the state says so; sign-in works.
    let (status, code, _) = error_of(
        client()
            .post(app.url("/api/setup"))
            .json(&form("someone@else.example"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::CONFLICT, ErrorCode::AlreadySetUp)
    );
    // For good: whatever the body, even one that is no set-up at all.
    let (status, code, _) = error_of(
        client()
            .post(app.url("/api/setup"))
            .json(&json!({"nonsense": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::CONFLICT, ErrorCode::AlreadySetUp)
    );
    let state: Value = client()
        .get(app.url("/api/setup"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state, json!({"needed": false}));
    let again = client()
        .post(app.url("/api/session"))
        .json(&json!({"email": "ingrid@fjordbikes.example", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        (count(&app, "accounts").await, count(&app, "users").await),
        (1, 1)
    );
}

#[tokio::test]
async fn set_ups_racing_with_the_right_token_make_exactly_one_account() {
    // R28, on SQLite and (in the PostgreSQL run) PostgreSQL.
    let app = fresh().await;
    let racers = (0..8).map(|i| {
        let url = app.url("/api/setup");
        async move {
            client()
                .post(url)
                .json(&form(&format!("admin{i}@fjordbikes.example")))
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_util::future::join_all(racers).await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    assert_eq!(
        (count(&app, "accounts").await, count(&app, "users").await),
        (1, 1)
    );
}

#[tokio::test]
async fn wrong_set_up_tokens_are_limited_per_address() {
    // R28: limited like sign-ins, per address.
    let app = fresh().await;
    let from = |local: &str| {
        reqwest::Client::builder()
            .local_address(local.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap()
    };
    let guesser = from("127.0.5.9");
    let mut wrong = form("ingrid@fjordbikes.example");
    for i in 0..10 {
        wrong["token"] = json!(format!("guess-number-{i}"));
        let res = guesser
            .post(app.url("/api/setup"))
            .json(&wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    let res = guesser
        .post(app.url("/api/setup"))
        .json(&form("ingrid@fjordbikes.example"))
        .send()
        .await
        .unwrap();
    assert!(res.headers().contains_key("retry-after"));
    let (status, code, _) = error_of(res).await;
    assert_eq!(
        (status, code),
        (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
        "from that address, even the right token waits"
    );
    let res = from("127.0.5.10")
        .post(app.url("/api/setup"))
        .json(&form("ingrid@fjordbikes.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "another address sets up");
}
