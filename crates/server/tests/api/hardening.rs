//! The edges against hostile and careless clients: each test names the row of the
//! hardening issue's table it proves.

use deskmove_rules::{Conversation, ErrorCode, Page, Ticket, Workspace};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{client, error_of, move_all, spawn_app, INGEST_TOKEN, PASSWORD};

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
    // Row 13: "start_at" in two hours started the move at once.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let before = app.fingerprint().await;
    let mut body = move_all(&ada, "Support email").await;
    body["start_at"] = json!((chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339());
    let (status, code, message) = error_of(ada.post("/api/moves", body).await).await;
    assert_eq!(
        (status, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
    );
    assert!(message.contains("start_at"), "{message}");
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
