//! The edges against hostile and careless clients: each test names the row of the
//! hardening issue's table it proves.

use std::time::Duration;

use deskmove_rules::{Conversation, ErrorCode, Page, Ticket, Workspace};
use deskmove_server::store::NewMove;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    client, ends_within, error_of, move_all, spawn_app, spawn_app_with, TestApp, INGEST_TOKEN,
    PASSWORD,
};

#[tokio::test]
async fn a_body_over_the_endpoint_s_limit_is_413_with_the_error_body() {
    // Row 7: a 3 MB body; and sign-in, which needs a few KB, reads no more.
    let app = spawn_app().await;
    let before = app.fingerprint().await;
    let huge = "x".repeat(3 * 1024 * 1024);
    let cases = [
        (
            "/api/session",
            None,
            json!({"email": huge, "password": "p"}),
        ),
        (
            "/api/session",
            None,
            json!({"email": "ada@demo.test", "password": "x".repeat(16 * 1024)}),
        ),
        (
            "/api/ingest/channels/1/conversations",
            Some(INGEST_TOKEN),
            json!({"contact": "Maria", "subject": "Hi", "body": huge}),
        ),
    ];
    for (path, token, body) in cases {
        let mut req = client().post(app.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let (status, code, message) = error_of(req.send().await.unwrap()).await;
        assert_eq!(
            (status, code),
            (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge),
            "{path}"
        );
        assert!(message.contains("at most"), "{message}");
    }
    // Without a Content-Length (chunked), the limit holds while reading.
    let chunks =
        futures_util::stream::iter((0..64).map(|_| Ok::<_, std::io::Error>(vec![b' '; 64 * 1024])));
    let res = client()
        .post(app.url("/api/session"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(res).await;
    assert_eq!(
        (status, code),
        (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
    );
    assert_eq!(app.fingerprint().await, before);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415_so_a_cross_site_form_can_t_sign_in() {
    // Row 8: login CSRF with <form enctype=text/plain> posting JSON-looking text.
    let app = spawn_app().await;
    let forged = format!(r#"{{"email":"ada@demo.test","password":"{PASSWORD}","x":"="}}"#);
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let res = client()
            .post(app.url("/api/session"))
            .header("content-type", content_type)
            .body(forged.clone())
            .send()
            .await
            .unwrap();
        assert!(res.headers().get("set-cookie").is_none(), "{content_type}");
        let (status, code, message) = error_of(res).await;
        assert_eq!(
            (status, code),
            (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType
            ),
            "{content_type}"
        );
        assert!(message.contains("application/json"));
    }
    let res = client()
        .post(app.url("/api/session"))
        .body(forged.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "no type");
    // JSON with its charset is JSON.
    let res = client()
        .post(app.url("/api/session"))
        .header("content-type", "application/json; charset=utf-8")
        .body(json!({"email": "ada@demo.test", "password": PASSWORD}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_arrival_from_before_1970_or_from_the_future_is_422() {
    // Row 12: started_at "0000-01-01T00:00:00Z" made a ticket dated year 0.
    let app = spawn_app().await;
    let before = app.fingerprint().await;
    let send = |started_at: String| {
        let url = app.url("/api/ingest/channels/1/conversations");
        async move {
            client()
                .post(url)
                .bearer_auth(INGEST_TOKEN)
                .json(
                    &json!({"contact": "Maria", "subject": "Hi", "body": "Hello",
                    "started_at": started_at}),
                )
                .send()
                .await
                .unwrap()
        }
    };
    let ahead = (chrono::Utc::now() + chrono::Duration::minutes(10)).to_rfc3339();
    for when in [
        "0000-01-01T00:00:00Z".to_string(),
        "1969-12-31T23:59:59Z".to_string(),
        ahead,
    ] {
        let (status, code, message) = error_of(send(when.clone()).await).await;
        assert_eq!(
            (status, code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest),
            "{when}"
        );
        assert!(message.contains("started_at"), "{when}: {message}");
    }
    assert_eq!(app.fingerprint().await, before);
    let res = send("1970-01-01T00:00:00Z".into()).await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "the epoch itself is fine"
    );
}

#[tokio::test]
async fn a_move_request_with_a_field_the_server_does_not_know_is_422() {
    // Row 13: "start_at" in two hours started the move at once. Now that R24 reads
    // it, a near miss ("starts_at") must not start the move at once either.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let before = app.fingerprint().await;
    let mut body = move_all(&ada, "Support email").await;
    body["starts_at"] = json!((chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339());
    let (status, code, message) = error_of(ada.post("/api/moves", body).await).await;
    assert_eq!(
        (status, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
    );
    assert!(message.contains("starts_at"), "{message}");
    let mut body = move_all(&ada, "Support email").await;
    body["history"]["closed_status"] = json!("4");
    let (status, _, message) = error_of(ada.post("/api/moves", body).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message.contains("closed_status"), "{message}");
    assert_eq!(app.fingerprint().await, before);
    assert_eq!(ada.get_json("/api/moves/current").await, json!(null));
}

#[tokio::test]
async fn without_help_desk_access_noor_neither_reads_nor_changes_help_desk() {
    // Row 3, R23, R10: Noor listed help desk tickets, PATCHed one's owner, and a
    // move left her owning help desk tickets.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let noor = app.sign_in("noor@demo.test").await;
    assert!(!noor.me.help_desk_access);
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&m.id).await;

    let in_help_desk: Vec<Conversation> = ada
        .all_pages("/api/conversations?workspace=help_desk")
        .await;
    assert!(!in_help_desk.is_empty());
    let owned_by_noor: Vec<Ticket> = ada
        .all_pages(&format!(
            "/api/tickets?workspace=help_desk&owner_id={}",
            noor.me.id
        ))
        .await;
    assert!(owned_by_noor.is_empty(), "R10: {owned_by_noor:?}");

    // Lists leave help desk out.
    for path in [
        "/api/tickets?workspace=help_desk",
        "/api/conversations?workspace=help_desk",
    ] {
        let page: Page<serde_json::Value> = noor.read(path).await;
        assert!(page.items.is_empty(), "{path}");
    }
    let tickets: Vec<Ticket> = noor.all_pages("/api/tickets").await;
    let conversations: Vec<Conversation> = noor.all_pages("/api/conversations").await;
    assert!(conversations
        .iter()
        .all(|c| c.workspace == Workspace::Inbox));
    let hd_ids: std::collections::HashSet<_> = in_help_desk.iter().map(|c| c.id).collect();
    assert!(tickets.iter().all(|t| !hd_ids.contains(&t.conversation_id)));

    // A direct read or write is 403, and nothing changes.
    let c = &in_help_desk[0];
    let ticket = c.ticket_id.expect("I1");
    let before = app.fingerprint().await;
    let refusals = [
        noor.get(&format!("/api/conversations/{}", c.id)).await,
        noor.get(&format!("/api/tickets/{ticket}")).await,
        noor.patch(
            &format!("/api/conversations/{}", c.id),
            json!({"owner_id": noor.me.id.to_string(), "status": "closed"}),
        )
        .await,
        noor.post(
            &format!("/api/conversations/{}/transfer", c.id),
            json!({"channel_id": c.current_channel_id.to_string()}),
        )
        .await,
        noor.post(
            &format!("/api/conversations/{}/ticket", c.id),
            json!({"status_id": "1"}),
        )
        .await,
    ];
    for res in refusals {
        let url = res.url().to_string();
        let (status, code, message) = error_of(res).await;
        assert_eq!(
            (status, code),
            (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            "{url}"
        );
        assert!(message.contains("help desk access"), "{message}");
    }
    assert_eq!(app.fingerprint().await, before);

    // Sam has access and reads the same records.
    let sam = app.sign_in("sam@demo.test").await;
    assert_eq!(
        sam.get(&format!("/api/tickets/{ticket}")).await.status(),
        StatusCode::OK
    );
}

/// Signs in with a client of its own; answers it with the session's token.
async fn sign_in_keeping_the_token(app: &TestApp, client: &reqwest::Client, email: &str) -> String {
    let res = client
        .post(app.url("/api/session"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    cookie
        .split(';')
        .next()
        .and_then(|c| c.strip_prefix("deskmove_session="))
        .expect("the session cookie")
        .to_string()
}

/// `/api/me` with nothing but this session token.
async fn me_with(app: &TestApp, token: &str) -> StatusCode {
    reqwest::Client::new()
        .get(app.url("/api/me"))
        .header("cookie", format!("deskmove_session={token}"))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn signing_in_again_ends_the_browser_s_old_session_and_expired_ones_are_deleted() {
    // Row 10: sessions were never pruned; signing in again left the old one valid.
    let app = spawn_app_with(|s| s.session_sweep_secs = 1).await;
    let browser = client();
    let first = sign_in_keeping_the_token(&app, &browser, "ada@demo.test").await;
    let elsewhere = sign_in_keeping_the_token(&app, &client(), "ada@demo.test").await;
    let second = sign_in_keeping_the_token(&app, &browser, "sam@demo.test").await;
    assert_eq!(me_with(&app, &first).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_with(&app, &second).await, StatusCode::OK);
    assert_eq!(
        me_with(&app, &elsewhere).await,
        StatusCode::OK,
        "another browser's session stays"
    );

    let now = chrono::Utc::now().timestamp_millis();
    let day = 86_400_000;
    app.store
        .create_session(
            "expired-hash",
            None,
            deskmove_rules::demo::SAM,
            "c",
            now - 2 * day,
            now - day,
        )
        .await
        .unwrap();
    let count = |hash: &'static str| {
        let store = app.store.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sessions WHERE token_hash = $1")
                .bind(hash)
                .fetch_one(store.pool())
                .await
                .unwrap()
        }
    };
    assert_eq!(count("expired-hash").await, 1);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while count("expired-hash").await == 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "the expired session is never deleted"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        me_with(&app, &second).await,
        StatusCode::OK,
        "a live one stays"
    );
}

#[tokio::test]
async fn an_event_stream_ends_with_its_session() {
    // Row 6: after sign-out the stream kept delivering events to the signed-out tab.
    let app = spawn_app().await;
    let sam = app.sign_in("sam@demo.test").await;
    let stream = sam.get("/api/events").await;
    assert_eq!(stream.status(), StatusCode::OK);
    let res = sam
        .send(reqwest::Method::DELETE, "/api/session", json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(
        ends_within(stream, Duration::from_secs(15)).await,
        "sign-out"
    );

    // A session that ends in the store (expiry, another server) ends it too.
    let browser = client();
    let token = sign_in_keeping_the_token(&app, &browser, "sam@demo.test").await;
    let stream = browser.get(app.url("/api/events")).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    app.store
        .delete_session(&deskmove_server::auth::token_hash(&token))
        .await
        .unwrap();
    assert!(ends_within(stream, Duration::from_secs(20)).await, "expiry");
}

#[tokio::test]
async fn one_sign_in_holds_a_bounded_number_of_event_streams() {
    // Hardening: a cap on open event streams per session, refused with the error body.
    let app = spawn_app().await;
    let sam = app.sign_in("sam@demo.test").await;
    let mut open = Vec::new();
    for _ in 0..deskmove_server::streams::STREAMS_PER_SESSION {
        let res = sam.get("/api/events").await;
        assert_eq!(res.status(), StatusCode::OK);
        open.push(res);
    }
    let (status, code, _) = error_of(sam.get("/api/events").await).await;
    assert_eq!(
        (status, code),
        (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited)
    );
    let noor = app.sign_in("noor@demo.test").await;
    assert_eq!(noor.get("/api/events").await.status(), StatusCode::OK);
    drop(open.pop());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let res = sam.get("/api/events").await;
        if res.status() == StatusCode::OK {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "a closed stream frees its place"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_move_whose_driver_never_began_is_picked_up_without_a_restart() {
    // Hardening: the start committed but the request went away before its driver began.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let channel = ada.channel_id("Support email").await;
    let statuses = (
        ada.status_id("Waiting on us").await,
        ada.status_id("Closed").await,
    );
    let row = app
        .store
        .start_move(&NewMove {
            account_id: deskmove_rules::AccountId::of(1),
            channel_id: channel,
            requested_by: ada.me.id,
            history: Some(statuses),
            mute_notifications: false,
            start_at: None,
        })
        .await
        .unwrap();
    let done = tokio::time::timeout(Duration::from_secs(10), ada.wait_for_move(&row.id))
        .await
        .expect("picked up within seconds");
    assert_eq!(done.state, deskmove_rules::MoveState::Completed);
    assert!(app.store.check().await.unwrap().is_empty());
}

/// A raw connection to the app's listener, for what no well-behaved client sends.
async fn raw(app: &TestApp) -> tokio::net::TcpStream {
    let addr = app.base.trim_start_matches("http://");
    tokio::net::TcpStream::connect(addr).await.unwrap()
}

/// Whether the server closes `conn` within `within` (reading whatever it sends).
async fn closed_within(conn: &mut tokio::net::TcpStream, within: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 4096];
    tokio::time::timeout(within, async {
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn half_sent_requests_and_idle_connections_are_closed_at_the_header_deadline() {
    // Row 5: 200 connections that sent half a request line were all held after 90 s.
    use tokio::io::AsyncWriteExt;
    let app = spawn_app_with(|s| s.header_timeout_secs = 2).await;
    let mut held = Vec::new();
    for _ in 0..200 {
        let mut c = raw(&app).await;
        c.write_all(b"GET /api/me HT").await.unwrap();
        held.push(c);
    }
    // Meanwhile the server serves others.
    assert_eq!(
        client()
            .get(app.url("/api/me"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let mut idle = raw(&app).await;
    idle.write_all(b"GET /api/me HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    for c in &mut held {
        assert!(closed_within(c, Duration::from_secs(20)).await, "held open");
    }
    assert!(
        closed_within(&mut idle, Duration::from_secs(20)).await,
        "an idle keep-alive connection stays open"
    );
}

#[tokio::test]
async fn connections_over_the_cap_wait_until_one_closes() {
    // Row 5: a cap on concurrent connections.
    use tokio::io::AsyncWriteExt;
    let app = spawn_app_with(|s| {
        s.max_connections = 20;
        // Long enough that the 20 held connections outlast the test's look.
        s.header_timeout_secs = 60;
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..20 {
        let mut c = raw(&app).await;
        c.write_all(b"GET /api/me HT").await.unwrap();
        held.push(c);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_millis(800))
        .build()
        .unwrap();
    assert!(
        quick.get(app.url("/api/me")).send().await.is_err(),
        "the 21st connection is not served while 20 are open"
    );
    drop(held);
    let res = client().get(app.url("/api/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_body_sent_too_slowly_is_cut_by_the_request_timeout() {
    // Row 5: a request timeout on every route but the event stream.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(|s| s.request_timeout_secs = 2).await;
    let mut c = raw(&app).await;
    c.write_all(
        b"POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    )
    .await
    .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), async {
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&answer).contains("\"error\"") {
            let n = c.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
        }
    })
    .await;
    assert!(read.is_ok(), "no answer to a stalled body");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("\"unavailable\""), "{answer}");
    // The event stream is not cut.
    let sam = app.sign_in("sam@demo.test").await;
    let stream = sam.get("/api/events").await;
    assert!(!ends_within(stream, Duration::from_secs(3)).await);
}

#[tokio::test]
async fn an_ingest_without_the_token_is_refused_before_its_body_is_read() {
    // Row 5: an unauthenticated 2 MB ingest body was buffered before the token was checked.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let mut c = raw(&app).await;
    c.write_all(
        b"POST /api/ingest/channels/1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n",
    )
    .await
    .unwrap();
    let mut buf = [0u8; 4096];
    // Well under the request timeout (30 s), which would answer 503 instead.
    let n = tokio::time::timeout(Duration::from_secs(15), c.read(&mut buf))
        .await
        .expect("answered before any body byte")
        .unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
}

/// A client whose connections come from `local` (any 127.x address is loopback).
fn client_from(local: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(local.parse::<std::net::IpAddr>().unwrap())
        .cookie_store(true)
        .build()
        .unwrap()
}

async fn sign_in_from(app: &TestApp, c: &reqwest::Client, password: &str) -> StatusCode {
    c.post(app.url("/api/session"))
        .json(&json!({"email": "ada@demo.test", "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn someone_failing_from_another_address_does_not_lock_ada_out() {
    // Row 2: a wrong password for Ada every 0.5 s from one address made Ada, with
    // the right password, get 429 most of the time.
    let app = spawn_app().await;
    let attacker = client_from("127.0.0.2");
    let ada = client_from("127.0.0.1");
    let mut refused = 0;
    for _ in 0..40 {
        match sign_in_from(&app, &attacker, "guess").await {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("{other}"),
        }
    }
    assert!(
        refused >= 25,
        "the guesser is slowed: {refused} of 40 refused"
    );
    for _ in 0..25 {
        assert_eq!(
            sign_in_from(&app, &ada, PASSWORD).await,
            StatusCode::OK,
            "a success never spends the budget"
        );
    }
}

#[tokio::test]
async fn forwarded_for_names_the_client_only_behind_a_trusted_proxy() {
    // Hardening: --trusted-proxy makes X-Forwarded-For count, and only then.
    let attempt = |app: &TestApp, forwarded: &'static str| {
        let url = app.url("/api/session");
        async move {
            client()
                .post(url)
                .header("x-forwarded-for", forwarded)
                .json(&json!({"email": "ada@demo.test", "password": "guess"}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Not trusted: a client can't dodge its limit by claiming other addresses.
    let app = spawn_app().await;
    let mut last = StatusCode::OK;
    for i in 0..11 {
        last = attempt(&app, ["203.0.113.1", "203.0.113.2"][i % 2]).await;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // Trusted: each forwarded client has its own budget.
    let app = spawn_app_with(|s| s.trusted_proxy = vec!["127.0.0.1".parse().unwrap()]).await;
    for _ in 0..10 {
        assert_eq!(attempt(&app, "203.0.113.1").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        attempt(&app, "203.0.113.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(attempt(&app, "203.0.113.2").await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_app_s_files_are_sent_compressed_cached_and_never_guessed() {
    // Row 11: the wasm went uncompressed even to br/gzip, nothing had Cache-Control,
    // a missing /x.wasm answered index.html as 200 text/html, and the CSP hash was
    // read once at start.
    let app = spawn_app().await;
    let dir = &app.static_dir;
    let wasm = "deskmove-e6fdc310521d4e25_bg.wasm";
    std::fs::write(dir.join(wasm), b"\0asm plain").unwrap();
    std::fs::write(dir.join(format!("{wasm}.br")), b"brotli bytes").unwrap();
    std::fs::write(dir.join(format!("{wasm}.gz")), b"gzip bytes").unwrap();
    let plain = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .no_deflate()
        .build()
        .unwrap();
    let get = |path: String, accept: &'static str| {
        let (c, url) = (plain.clone(), app.url(&path));
        async move {
            c.get(url)
                .header("accept-encoding", accept)
                .send()
                .await
                .unwrap()
        }
    };
    for (accept, encoding, body) in [
        ("br, gzip", Some("br"), "brotli bytes"),
        ("gzip", Some("gzip"), "gzip bytes"),
        ("identity", None, "\0asm plain"),
    ] {
        let res = get(format!("/{wasm}"), accept).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(res.headers()["content-type"], "application/wasm");
        assert_eq!(res.headers()["vary"], "accept-encoding");
        assert_eq!(res.text().await.unwrap(), body);
    }
    // The page is revalidated on every visit, whichever route it answers.
    for path in ["/", "/index.html", "/settings/inboxes"] {
        let res = get(path.into(), "br, gzip").await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-cache", "{path}");
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }
    // A file that isn't there is a 404, never the page.
    for path in ["/x.wasm", "/deskmove-0000000000000000.js", "/favicon.ico"] {
        let res = get(path.into(), "br, gzip").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // A new build's page brings its own loader's hash, without a restart.
    let csp = |res: &reqwest::Response| {
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string()
    };
    let before = csp(&get("/".into(), "identity").await);
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>Deskmove</title><script type=\"module\">import init from '/new.js';</script>",
    )
    .unwrap();
    let after = csp(&get("/inbox".into(), "identity").await);
    assert_ne!(before, after);
    assert!(after.contains("'sha256-"), "{after}");
}
