//! R24: a move scheduled for later: it holds the account's one move, starts at its
//! time through the checks of a start now, and until then can be rescheduled or
//! canceled; once started, neither (R17).

use chrono::{DateTime, SubsecRound, Utc};
use deskmove_rules::{BlockerCode, ErrorCode, Inbox, Move, MoveState, Said, Workspace};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::history;
use crate::helpers::{channel_id, error_of, move_all, spawn_app, Session};
use deskmove_testkit::{hold, let_go, make_due};

fn at(from_now: chrono::Duration) -> DateTime<Utc> {
    (Utc::now() + from_now).trunc_subsecs(0)
}

async fn schedule(s: &Session, channel: &str, when: DateTime<Utc>) -> Move {
    let mut body: Value = move_all(s, channel).await;
    body["start_at"] = json!(when.to_rfc3339());
    s.start_move(body).await
}

async fn blockers(s: &Session, channel: &str) -> Vec<Said> {
    let inboxes: Vec<Inbox> = serde_json::from_value(s.get_json("/api/inboxes").await).unwrap();
    let c = inboxes
        .iter()
        .flat_map(|i| &i.channels)
        .find(|c| c.name == channel)
        .unwrap();
    assert!(c
        .movable
        .reasons
        .iter()
        .all(|r| r.code == BlockerCode::MoveInProgress));
    c.movable.reasons.iter().map(|r| r.said.clone()).collect()
}

#[tokio::test]
async fn a_scheduled_move_holds_the_one_move_and_starts_at_its_time() {
    // R24, R4, R19, I3
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let mut events = ada.events().await;
    // An hour ahead, made due once the checks below are done: on a slow machine
    // they could outlast a start seconds ahead.
    let when = at(chrono::Duration::hours(1));
    let m = schedule(&ada, "Support email", when).await;
    assert_eq!((m.state, m.start_at), (MoveState::Scheduled, Some(when)));
    assert_eq!(
        (m.total, m.moved),
        (0, 0),
        "the history is fixed at the start"
    );
    let heard = events.next_of(m.id).await.0;
    assert_eq!(heard.state, MoveState::Scheduled, "the move event fires");
    let current: Option<Move> = ada.read("/api/moves/current").await;
    assert_eq!(current.map(|c| c.id), Some(m.id));
    // It holds the account's one move: another start, now or later, is refused.
    for start_at in [None, Some(at(chrono::Duration::hours(2)))] {
        let mut body = move_all(&ada, "Sales email").await;
        if let Some(t) = start_at {
            body["start_at"] = json!(t.to_rfc3339());
        }
        let (status, code, message) = error_of(ada.post("/api/moves", body).await).await;
        assert_eq!(
            (status, code),
            (StatusCode::CONFLICT, ErrorCode::MoveInProgress)
        );
        assert!(
            message.starts_with("Support email is scheduled to move to help desk at"),
            "{message}"
        );
    }
    assert_eq!(
        blockers(&ada, "Support email").await,
        vec![Said::ScheduledToMove { at: when }]
    );
    assert_eq!(
        blockers(&ada, "Sales email").await,
        vec![Said::AnotherScheduled {
            channel: "Support email".into(),
            at: when
        }]
    );
    // Until it starts, the channel is an inbox channel: an arrival stays there and
    // belongs to the history the move will take.
    let id = channel_id(&ada, "Support email").await;
    let early = app.ingest(id, "Early Bird").await;
    assert_eq!(early.workspace, Workspace::Inbox);
    let before = history(&ada, "Support email").await.len() as u64;

    let due = Utc::now();
    make_due(&app.store, m.id).await;
    let (started, _) = loop {
        let (e, at) = events.next_of(m.id).await;
        if e.state != MoveState::Scheduled {
            break (e, at);
        }
    };
    assert_eq!(started.state, MoveState::Running, "the start is announced");
    assert!(started.started_at >= due, "not before its time");
    assert_eq!(started.total, before, "the history counted at the start");
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!(done.state, MoveState::Completed);
    assert_eq!(done.moved, before);
    let moved = history(&ada, "Support email").await;
    assert!(moved.iter().all(|c| c.workspace == Workspace::HelpDesk));
    assert!(moved.iter().any(|c| c.id == early.id));
}

#[tokio::test]
async fn a_start_time_must_be_rfc_3339_in_the_future_and_within_30_days() {
    // R24, I5
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let before = app.fingerprint().await;
    for (start_at, says) in [
        (json!("tomorrow"), "RFC 3339"),
        (json!("2026-12-02T02:00"), "RFC 3339"),
        (
            json!(at(chrono::Duration::seconds(-5)).to_rfc3339()),
            "passed",
        ),
        (
            json!(at(chrono::Duration::days(31)).to_rfc3339()),
            "30 days",
        ),
        (json!(7), ""),
    ] {
        let mut body = move_all(&ada, "Support email").await;
        body["start_at"] = start_at.clone();
        let (status, code, message) = error_of(ada.post("/api/moves", body).await).await;
        assert_eq!(
            (status, code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest),
            "{start_at}"
        );
        assert!(message.contains(says), "{start_at}: {message}");
    }
    // A bad status and a bad time are both named.
    let id = channel_id(&ada, "Support email").await;
    let (_, _, message) = error_of(
        ada.post(
            "/api/moves",
            json!({"channel_id": id, "history": {"mode": "all", "open_status_id": "999"},
                   "start_at": "soon"}),
        )
        .await,
    )
    .await;
    assert!(
        message.contains("history.open_status_id") && message.contains("start_at:"),
        "{message}"
    );
    assert_eq!(app.fingerprint().await, before);
}

#[tokio::test]
async fn a_scheduled_move_is_rescheduled_and_canceled_by_a_super_admin_only() {
    // R24, R1, I5
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let sam = app.sign_in("sam@demo.test").await;
    let m = schedule(&ada, "Support email", at(chrono::Duration::hours(1))).await;
    let path = format!("/api/moves/{}", m.id);
    let later = at(chrono::Duration::hours(5));

    let before = app.fingerprint().await;
    let (status, code, _) = error_of(
        sam.patch(&path, json!({"start_at": later.to_rfc3339()}))
            .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::FORBIDDEN, ErrorCode::Forbidden)
    );
    assert_eq!(
        error_of(sam.delete(&path).await).await.1,
        ErrorCode::Forbidden
    );
    for bad in [
        json!({}),
        json!({"start_at": null}),
        json!({"start_at": "later"}),
        json!({"start_at": at(chrono::Duration::days(40)).to_rfc3339()}),
        json!({"start_at": later.to_rfc3339(), "channel_id": "2"}),
    ] {
        let (status, code, _) = error_of(ada.patch(&path, bad.clone()).await).await;
        assert_eq!(
            (status, code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest),
            "{bad}"
        );
    }
    let no_csrf = ada.client.delete(app.url(&path)).send().await.unwrap();
    assert_eq!(error_of(no_csrf).await.1, ErrorCode::Csrf);
    let (status, _, _) = error_of(ada.delete("/api/moves/424242").await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.fingerprint().await, before, "refusals change nothing");

    let mut events = ada.events().await;
    let res = ada
        .patch(&path, json!({"start_at": later.to_rfc3339()}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let moved: Move = res.json().await.unwrap();
    assert_eq!(
        (moved.state, moved.start_at),
        (MoveState::Scheduled, Some(later))
    );
    assert_eq!(events.next_of(m.id).await.0.start_at, Some(later));

    assert_eq!(ada.delete(&path).await.status(), StatusCode::NO_CONTENT);
    let canceled: Move = ada.read(&path).await;
    assert_eq!(canceled.state, MoveState::Canceled);
    assert!(canceled.finished_at.is_some());
    assert_eq!(events.next_of(m.id).await.0.state, MoveState::Canceled);
    let current: Option<Move> = ada.read("/api/moves/current").await;
    assert_eq!(current, None);
    // Canceled, it can be neither canceled again nor rescheduled.
    let (status, code, _) = error_of(ada.delete(&path).await).await;
    assert_eq!(
        (status, code),
        (StatusCode::CONFLICT, ErrorCode::MoveStarted)
    );
    let (_, code, _) = error_of(
        ada.patch(&path, json!({"start_at": later.to_rfc3339()}))
            .await,
    )
    .await;
    assert_eq!(code, ErrorCode::MoveStarted);
    // The channel may move again, and nothing of it moved.
    assert!(history(&ada, "Support email")
        .await
        .iter()
        .all(|c| c.workspace == Workspace::Inbox));
    let now = ada.start_move(move_all(&ada, "Support email").await).await;
    assert_eq!(now.state, MoveState::Running);
}

#[tokio::test]
async fn a_started_move_can_be_neither_rescheduled_nor_canceled() {
    // R24, R17
    let app = crate::helpers::spawn_app_with(|s| {
        s.demo_conversations = 3000;
        s.move_batch = 20;
        s.move_pause_ms = 40;
    })
    .await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    // Held running for as long as the refusals take, on any machine.
    hold(&app.store, m.id).await;
    let path = format!("/api/moves/{}", m.id);
    let later = at(chrono::Duration::hours(1)).to_rfc3339();
    for res in [
        ada.delete(&path).await,
        ada.patch(&path, json!({"start_at": later})).await,
    ] {
        let (status, code, message) = error_of(res).await;
        assert_eq!(
            (status, code),
            (StatusCode::CONFLICT, ErrorCode::MoveStarted)
        );
        assert!(message.contains("has started"), "{message}");
    }
    let running: Move = ada.read(&path).await;
    assert_eq!(running.state, MoveState::Running, "R17: no cancel");
    let_go(&app.store, m.id).await;
    assert_eq!(ada.wait_for_move(&m.id).await.state, MoveState::Completed);
    let (_, code, _) = error_of(ada.delete(&path).await).await;
    assert_eq!(code, ErrorCode::MoveStarted);
}

#[tokio::test]
async fn a_scheduled_move_whose_channel_can_no_longer_move_ends_failed_with_why() {
    // R24, R21, I5
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = schedule(&ada, "Welcome bot", at(chrono::Duration::hours(1))).await;
    // Meanwhile someone gives the Welcome bot a "create ticket" action.
    sqlx::query(
        "UPDATE chatflows SET bot = (SELECT bot FROM chatflows WHERE name = 'Pricing bot') \
         WHERE name = 'Welcome bot'",
    )
    .execute(app.store.pool())
    .await
    .unwrap();
    make_due(&app.store, m.id).await;
    let failed = ada.wait_for_move(&m.id).await;
    assert_eq!(failed.state, MoveState::Failed);
    assert!(failed.finished_at.is_some());
    let why = failed.failed_reason.expect("the reason");
    assert!(why.contains("create"), "{why}");
    assert!(
        matches!(failed.failure.as_slice(), [Said::BotCreatesTickets { .. }]),
        "{:?}",
        failed.failure
    );
    // Nothing moved; the account may move again.
    assert!(history(&ada, "Welcome bot")
        .await
        .iter()
        .all(|c| c.workspace == Workspace::Inbox));
    let current: Option<Move> = ada.read("/api/moves/current").await;
    assert_eq!(current, None);
    let listed: Vec<Move> = ada.read("/api/moves").await;
    assert_eq!(listed[0].failed_reason.as_deref(), Some(why.as_str()));
}

#[tokio::test]
async fn a_scheduled_move_whose_requester_may_no_longer_move_ends_failed_with_why() {
    // R24, R1, R29, I5: the start runs under its requester, checked again at its
    // time: made an agent, or deactivated, meanwhile.
    for change in [json!({"role": "agent"}), json!({"state": "deactivated"})] {
        let app = spawn_app().await;
        let ada = app.sign_in("ada@demo.test").await;
        let lee = app.sign_in("lee@demo.test").await;
        let m = schedule(&lee, "Support email", at(chrono::Duration::hours(1))).await;
        let res = ada
            .patch(&format!("/api/users/{}", lee.me.id), change.clone())
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{change}");
        make_due(&app.store, m.id).await;
        let failed = ada.wait_for_move(&m.id).await;
        assert_eq!(failed.state, MoveState::Failed, "{change}");
        assert!(failed.finished_at.is_some());
        assert_eq!(failed.failure, vec![Said::RequesterNotAllowed]);
        assert_eq!(
            failed.failed_reason.as_deref(),
            Some(Said::RequesterNotAllowed.english().as_str())
        );
        // Nothing moved; Move history says the same.
        assert!(history(&ada, "Support email")
            .await
            .iter()
            .all(|c| c.workspace == Workspace::Inbox));
        let listed: Vec<Move> = ada.read("/api/moves").await;
        assert_eq!(listed[0].failure, vec![Said::RequesterNotAllowed]);
        let current: Option<Move> = ada.read("/api/moves/current").await;
        assert_eq!(current, None, "the account may move again");
    }
}
