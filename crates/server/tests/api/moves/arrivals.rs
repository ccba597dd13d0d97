//! Conversations and replies that arrive while a move runs.

use deskmove_rules::{Conversation, Move, SlaPolicy, SlaPolicyId, Ticket, Workspace};
use reqwest::StatusCode;
use serde_json::json;

use super::history;
use crate::helpers::{channel_id, move_all, spawn_app, spawn_app_with, status_id};

#[tokio::test]
async fn conversations_arriving_during_the_move_land_in_help_desk_with_one_ticket() {
    // R7, R8, R18, I1, I2
    let app = std::sync::Arc::new(
        spawn_app_with(|s| {
            s.demo_conversations = 4000;
            s.move_batch = 5;
            s.move_pause_ms = 5;
        })
        .await,
    );
    let ada = app.sign_in("ada@demo.test").await;
    let email = channel_id(&ada, "Support email").await;
    let other = channel_id(&ada, "Support line").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    // Held running while every arrival comes in, however slow the machine.
    deskmove_testkit::hold(&app.store, m.id).await;
    let writer = {
        let app = app.clone();
        let (email, other) = (email, other);
        tokio::spawn(async move {
            let mut mine = Vec::new();
            for i in 0..60 {
                mine.push(app.ingest(&email, &format!("Arrival {i}")).await);
                let elsewhere = app.ingest(&other, &format!("Elsewhere {i}")).await;
                assert_eq!(
                    elsewhere.workspace,
                    Workspace::Inbox,
                    "R7 only for the moving channel"
                );
                assert_eq!(elsewhere.ticket_id, None);
            }
            mine
        })
    };
    let arrivals = writer.await.unwrap();
    let current: Option<Move> = ada.get("/api/moves/current").await.json().await.unwrap();
    assert_eq!(
        current.map(|c| c.id),
        Some(m.id),
        "the move outlasted the arrivals"
    );
    deskmove_testkit::let_go(&app.store, m.id).await;
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!(done.arrived, 60);
    let sla = SlaPolicy {
        id: SlaPolicyId::of(1),
        name: "Standard".into(),
        first_reply_seconds: 4 * 3600,
        close_seconds: 48 * 3600,
        hours: deskmove_rules::sla::SlaHours::Always,
    };
    for c in &arrivals {
        assert_eq!(c.workspace, Workspace::HelpDesk, "R18");
        let ticket: Ticket = serde_json::from_value(
            ada.get_json(&format!("/api/tickets/{}", c.ticket_id.expect("R7")))
                .await,
        )
        .unwrap();
        assert_eq!(
            ticket.status_id,
            status_id(&ada, "New").await,
            "the pipeline's first open status"
        );
        assert_eq!(
            ticket.sla,
            Some(deskmove_rules::plan::sla_due(&sla, ticket.created_at)),
            "R8"
        );
    }
    // After the move, new conversations still land in help desk.
    let later = app.ingest(&email, "After").await;
    assert_eq!(later.workspace, Workspace::HelpDesk);
    assert!(later.ticket_id.is_some());
    assert!(app.store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_arrival_s_routing_owner_without_access_is_not_kept() {
    // R8, R6
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    // Welcome bot routes to Sam (help desk access): kept.
    let m = ada.start_move(move_all(&ada, "Welcome bot").await).await;
    ada.wait_for_move(&m.id).await;
    let bot = channel_id(&ada, "Welcome bot").await;
    let c = app.ingest(&bot, "Visitor").await;
    let sam = app.sign_in("sam@demo.test").await.me.id;
    assert_eq!(c.owner_id, Some(sam));
    let t: Ticket = serde_json::from_value(
        ada.get_json(&format!("/api/tickets/{}", c.ticket_id.unwrap()))
            .await,
    )
    .unwrap();
    assert_eq!(t.owner_id, Some(sam));
}

#[tokio::test]
async fn replies_stay_where_the_conversation_is() {
    // R12
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let moved = history(&ada, "Support email").await[0].clone();
    let left = history(&ada, "Support line").await[0].clone();
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&m.id).await;
    let m = ada.start_move(json!({"channel_id": channel_id(&ada, "Support line").await, "history": {"mode": "none"}})).await;
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!((done.total, done.moved), (0, 0));
    for (c, workspace) in [(&moved, Workspace::HelpDesk), (&left, Workspace::Inbox)] {
        let res = crate::helpers::client()
            .post(app.url(&format!("/api/ingest/conversations/{}/messages", c.id)))
            .bearer_auth(crate::helpers::INGEST_TOKEN)
            .json(&json!({"body": "Any news?"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let after: Conversation = res.json().await.unwrap();
        assert_eq!(after.workspace, workspace);
        assert_eq!(
            after.ticket_id.is_some(),
            workspace == Workspace::HelpDesk || c.ticket_id.is_some()
        );
    }
}
