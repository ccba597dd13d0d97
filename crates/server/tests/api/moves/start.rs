//! Who may start a move, what it refuses and in which order, and that one runs at a time.

use deskmove_rules::{BlockerCode, ErrorCode, Inbox, Move, MoveState};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    assert_never_two_running, channel_id, error_of, move_all, spawn_app, spawn_app_with,
};

#[tokio::test]
async fn an_agent_can_neither_preview_nor_start_a_move_and_nothing_changes() {
    // R1, I5
    let app = spawn_app().await;
    let sam = app.sign_in("sam@demo.test").await;
    let body = move_all(&sam, "Support email").await;
    let before = app.fingerprint().await;
    let (status, code, message) = error_of(sam.post("/api/moves", body).await).await;
    assert_eq!(
        (status, code),
        (StatusCode::FORBIDDEN, ErrorCode::Forbidden)
    );
    assert!(message.contains("super admin"));
    let id = channel_id(&sam, "Support email").await;
    let (status, _, _) = error_of(sam.get(&format!("/api/channels/{id}/move-preview")).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.fingerprint().await, before);
}

#[tokio::test]
async fn a_move_refuses_in_the_order_of_the_api() {
    // R1, R2, R9, R21, I5: csrf, role, body, channel, kind and bot, statuses.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let before = app.fingerprint().await;
    let no_csrf = ada
        .client
        .post(app.url("/api/moves"))
        .json(&json!({"channel_id": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(no_csrf).await.1, ErrorCode::Csrf);
    for bad in [
        json!([]),
        json!({"channel_id": 5}),
        json!({"channel_id": "1"}),
        json!({"channel_id": "1", "history": {"mode": "some"}}),
    ] {
        let (status, code, _) = error_of(ada.post("/api/moves", bad.clone()).await).await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}"
        );
        assert_eq!(code, ErrorCode::InvalidRequest, "{bad}");
    }
    let (status, code, _) = error_of(
        ada.post(
            "/api/moves",
            json!({"channel_id": "424242", "history": {"mode": "none"}}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code), (StatusCode::NOT_FOUND, ErrorCode::NotFound));
    for (name, reason) in [
        ("WhatsApp", "Delete the channel"),
        ("Facebook Messenger", "Delete the channel"),
        ("Fallback address", "fallback"),
        ("Pricing bot", "Create ticket"),
    ] {
        let id = channel_id(&ada, name).await;
        // Kind is checked before the statuses: even a bad mapping answers not_movable.
        let (status, code, message) = error_of(
            ada.post(
                "/api/moves",
                json!({"channel_id": id, "history": {"mode": "all", "open_status_id": "nope"}}),
            )
            .await,
        )
        .await;
        assert_eq!(
            (status, code),
            (StatusCode::CONFLICT, ErrorCode::NotMovable),
            "{name}"
        );
        assert!(message.contains(reason), "{name}: {message}");
    }
    let email = channel_id(&ada, "Support email").await;
    let (status, code, message) = error_of(
        ada.post(
            "/api/moves",
            json!({"channel_id": email, "history": {"mode": "all", "open_status_id": "999"}}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
    );
    assert!(
        message.contains("history.open_status_id") && message.contains("history.closed_status_id")
    );
    assert_eq!(app.fingerprint().await, before);
}

#[tokio::test]
async fn a_second_move_is_refused_while_one_runs() {
    // R4, I3, I5
    let app = spawn_app_with(|s| {
        s.demo_conversations = 3000;
        s.move_batch = 20;
        s.move_pause_ms = 40;
    })
    .await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    assert_eq!(m.state, MoveState::Running);
    // Held running while the second start is refused, however slow the machine.
    deskmove_testkit::hold(&app.store, m.id).await;
    let before_second = {
        let current: Option<Move> = ada.get("/api/moves/current").await.json().await.unwrap();
        current.expect("a running move").id
    };
    assert_eq!(before_second, m.id);
    let (status, code, message) = error_of(
        ada.post("/api/moves", move_all(&ada, "Sales email").await)
            .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::CONFLICT, ErrorCode::MoveInProgress)
    );
    assert!(message.contains("Support email is moving"), "{message}");
    // Every channel says why it can't move now.
    let inboxes: Vec<Inbox> = serde_json::from_value(ada.get_json("/api/inboxes").await).unwrap();
    let sales = inboxes
        .iter()
        .flat_map(|i| &i.channels)
        .find(|c| c.name == "Sales email")
        .unwrap();
    assert_eq!(sales.movable.reasons[0].code, BlockerCode::MoveInProgress);
    deskmove_testkit::let_go(&app.store, m.id).await;
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!(done.state, MoveState::Completed);
    let moves: Vec<Move> = ada.get("/api/moves").await.json().await.unwrap();
    assert_eq!(moves.len(), 1, "the refused move left no trace");
    // Once it is done, the next one may start.
    ada.start_move(move_all(&ada, "Sales email").await).await;
}

#[tokio::test]
async fn many_concurrent_starts_make_exactly_one_running_move() {
    // I3, R4
    let app = spawn_app().await;
    let ada = std::sync::Arc::new(app.sign_in("ada@demo.test").await);
    let mut bodies = Vec::new();
    for name in [
        "Support email",
        "Contact us form",
        "Support line",
        "Website chat",
        "Welcome bot",
        "Sales email",
    ] {
        for mode in ["all", "none"] {
            let mut b = move_all(&ada, name).await;
            if mode == "none" {
                b["history"] = json!({"mode": "none"});
            }
            bodies.push(b);
        }
    }
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|b| {
            let ada = ada.clone();
            tokio::spawn(async move { ada.post("/api/moves", b).await.status() })
        })
        .collect();
    let mut accepted = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::ACCEPTED => accepted += 1,
            s => assert_eq!(s, StatusCode::CONFLICT),
        }
    }
    assert!(accepted >= 1);
    // "Don't move any conversations" finishes at once, so later starts may succeed;
    // what must never happen is two moves running at the same time.
    let moves: Vec<Move> = ada.get("/api/moves").await.json().await.unwrap();
    assert_eq!(moves.len(), accepted);
    assert_never_two_running(moves);
    assert!(app.store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn there_is_no_way_to_cancel_a_move_or_move_a_channel_back() {
    // R3, R17, R24: a scheduled move's cancel and reschedule refuse a started one.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = ada.start_move(move_all(&ada, "Support line").await).await;
    for (method, path, body, refused) in [
        (
            reqwest::Method::DELETE,
            format!("/api/moves/{}", m.id),
            json!({}),
            StatusCode::CONFLICT,
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/moves/{}", m.id),
            json!({"state": "failed"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            reqwest::Method::POST,
            format!("/api/moves/{}/cancel", m.id),
            json!({}),
            StatusCode::NOT_FOUND,
        ),
        (
            reqwest::Method::DELETE,
            "/api/moves/current".to_string(),
            json!({}),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let status = ada.send(method.clone(), &path, body).await.status();
        assert!(
            status == refused || status == StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {status}"
        );
    }
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!(done.state, MoveState::Completed);
    let line = channel_id(&ada, "Support line").await;
    let (status, code, _) = error_of(
        ada.post(
            "/api/moves",
            json!({"channel_id": line, "history": {"mode": "none"}}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::CONFLICT, ErrorCode::AlreadyInHelpDesk)
    );
}
