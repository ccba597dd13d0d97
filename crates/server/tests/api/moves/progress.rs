//! What the admin sees before and during a move: preview, notifications, live progress.

use deskmove_rules::{
    BlockerCode, ConversationStatus, Move, MoveState, Notification, NotificationKind, Ticket,
    WarningCode,
};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::json;

use super::{history, preview};
use crate::helpers::{channel_id, move_all, spawn_app, spawn_app_with};

async fn notifications(app: &crate::helpers::TestApp, email: &str) -> Vec<Notification> {
    app.sign_in(email)
        .await
        .get("/api/notifications")
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn created_tickets_notify_their_owners_unless_the_move_is_muted() {
    // R22
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    assert!(notifications(&app, "sam@demo.test").await.is_empty());
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    let done = ada.wait_for_move(&m.id).await;
    let sam_notes = notifications(&app, "sam@demo.test").await;
    assert!(!sam_notes.is_empty() && done.tickets_created > 0);
    assert!(sam_notes
        .iter()
        .all(|n| n.kind == NotificationKind::TicketCreated));
    assert!(
        notifications(&app, "noor@demo.test").await.is_empty(),
        "Noor gets no tickets (R11)"
    );

    // Muted: nothing for the move's duration...
    let mut body = move_all(&ada, "Contact us form").await;
    body["mute_notifications"] = json!(true);
    let before = notifications(&app, "sam@demo.test").await.len();
    let m = ada.start_move(body).await;
    let form = channel_id(&ada, "Contact us form").await;
    let during = app.ingest(&form, "While muted").await;
    assert!(during.ticket_id.is_some());
    let done = ada.wait_for_move(&m.id).await;
    assert!(done.mute_notifications && done.tickets_created > 0);
    assert_eq!(notifications(&app, "sam@demo.test").await.len(), before);
    // ...and back on when it ends.
    let conversation = app.ingest(&form, "After").await;
    let sam = app.sign_in("sam@demo.test").await;
    let res = ada
        .patch(
            &format!("/api/conversations/{}", conversation.id),
            json!({"owner_id": sam.me.id}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let notes = notifications(&app, "sam@demo.test").await;
    assert_eq!(notes.len(), before + 1);
    assert_eq!(notes[0].kind, NotificationKind::TicketAssigned);
    assert_eq!(Some(notes[0].ticket_id), conversation.ticket_id);
}

#[tokio::test]
async fn the_preview_counts_the_history_and_warns() {
    // R5, R10, R11, R19, R20
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let history = history(&ada, "Support email").await;
    let p = preview(&ada, "Support email").await;
    assert_eq!(p.conversations as usize, history.len());
    assert_eq!(
        p.with_ticket as usize,
        history.iter().filter(|c| c.ticket_id.is_some()).count()
    );
    assert_eq!(p.with_ticket + p.without_ticket, p.conversations);
    assert_eq!(
        p.open as usize,
        history
            .iter()
            .filter(|c| c.status == ConversationStatus::Open)
            .count()
    );
    assert_eq!(p.open + p.closed, p.conversations);
    let noor = app.sign_in("noor@demo.test").await.me.id;
    // R11: her conversations without ticket; R10 decision: her kept tickets.
    let mut noor_owned = 0;
    for c in &history {
        let owner = match c.ticket_id {
            None => c.owner_id,
            Some(t) => {
                ada.read::<Ticket>(&format!("/api/tickets/{t}"))
                    .await
                    .owner_id
            }
        };
        noor_owned += usize::from(owner == Some(noor));
    }
    assert!(noor_owned > 0, "the demo gives Noor some of it");
    assert_eq!(p.owners_without_access as usize, noor_owned);
    assert!(p.blockers.is_empty());
    let codes: Vec<_> = p.warnings.iter().map(|w| w.code).collect();
    assert_eq!(
        codes,
        [WarningCode::AgentsWithoutAccess, WarningCode::Notifications]
    );
    assert!(p.warnings[0].message.contains("Noor Sales"));

    let form = preview(&ada, "Contact us form").await;
    let form_warning = form
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::FormLinkedEmail)
        .expect("R20");
    assert!(form_warning.message.contains("Support email"));

    // A burst of new conversations makes the channel busy.
    let line = channel_id(&ada, "Support line").await;
    for i in 0..21 {
        app.ingest(&line, &format!("Caller {i}")).await;
    }
    let busy = preview(&ada, "Support line").await;
    assert!(
        busy.warnings
            .iter()
            .any(|w| w.code == WarningCode::BusyChannel),
        "{:?}",
        busy.warnings
    );
    let whatsapp = preview(&ada, "WhatsApp").await;
    assert_eq!(whatsapp.blockers[0].code, BlockerCode::NotMovableKind);
}

#[tokio::test]
async fn progress_is_reported_live_with_an_estimate() {
    // R15, R17: a second client of the account hears start, progress and end.
    let app = spawn_app_with(|s| {
        s.demo_conversations = 6000;
        s.move_batch = 10;
        s.move_pause_ms = 8;
    })
    .await;
    let ada = app.sign_in("ada@demo.test").await;
    let sam = app.sign_in("sam@demo.test").await;
    let events = sam.client.get(app.url("/api/events")).send().await.unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    assert!(events.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut events = events.bytes_stream().eventsource();
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    let mut seen: Vec<Move> = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while seen.last().is_none_or(|m| m.state == MoveState::Running) {
        let event = tokio::time::timeout_at(deadline, events.next())
            .await
            .expect("events in time")
            .expect("the stream stays open")
            .unwrap();
        if event.event == "move" {
            seen.push(serde_json::from_str(&event.data).unwrap());
        }
    }
    assert!(seen.len() >= 3, "start, progress and end: {}", seen.len());
    assert_eq!(seen[0].id, m.id);
    assert!(
        seen.windows(2).all(|w| w[0].moved <= w[1].moved),
        "progress only grows"
    );
    assert!(
        seen.iter()
            .any(|e| e.state == MoveState::Running && e.moved > 0 && e.eta_seconds.is_some()),
        "an estimate while running"
    );
    let last = seen.last().unwrap();
    assert_eq!((last.state, last.moved), (MoveState::Completed, last.total));
    assert!(last.finished_at.is_some());
}
