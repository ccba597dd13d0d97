use std::sync::Arc;
use std::time::{Duration, Instant};

use deskmove_rules::{AccountId, ChannelKind, ChannelSettings, Conversation, Move, Workspace};
use deskmove_server::store;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_never_two_running, channel_id, move_all, spawn_app_with, status_id};

#[tokio::test]
async fn fifty_parallel_starts_for_different_channels_never_run_two_moves_at_once() {
    // I3, R4
    let app = spawn_app_with(|s| s.demo_conversations = 50).await;
    let mut tx = app.store.begin().await.unwrap();
    let mut channels = Vec::new();
    for i in 0..50 {
        channels.push(
            store::insert_channel(
                &mut tx,
                AccountId::of(1),
                &store::NewChannel {
                    inbox: deskmove_rules::demo::SUPPORT,
                    kind: ChannelKind::Email,
                    name: &format!("Team {i}"),
                    address: &format!("team{i}@demo.test"),
                    workspace: Workspace::Inbox,
                    settings: &ChannelSettings::default(),
                },
            )
            .await
            .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    let ada = Arc::new(app.sign_in("ada@demo.test").await);
    let (open, closed) = (
        status_id(&ada, "New").await,
        status_id(&ada, "Closed").await,
    );
    let tasks: Vec<_> = channels
        .into_iter()
        .map(|c| {
            let (ada, open, closed) = (ada.clone(), open, closed);
            tokio::spawn(async move {
                ada.post("/api/moves", json!({"channel_id": c.to_string(), "history": {"mode": "all", "open_status_id": open, "closed_status_id": closed}}))
                    .await
                    .status()
            })
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
    let moves: Vec<Move> = ada.get("/api/moves").await.json().await.unwrap();
    assert_never_two_running(moves);
    assert!(app.store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn hundreds_of_arrivals_a_second_land_where_the_rules_say_during_a_move() {
    // R7, R18, I1, I2
    let app = Arc::new(
        spawn_app_with(|s| {
            // About 240 throttled batches.
            s.demo_conversations = 4000;
            s.move_batch = 5;
            s.move_pause_ms = 20;
        })
        .await,
    );
    let ada = app.sign_in("ada@demo.test").await;
    let moving = channel_id(&ada, "Support email").await;
    let others = [
        channel_id(&ada, "Support line").await,
        channel_id(&ada, "Sales email").await,
    ];
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    let started = Instant::now();
    // The first second's arrivals meet running batches; then the move is held
    // (the batches alone take at least 240 × 20 ms = 4.8 s), so the rest land
    // while it still runs however slow the machine is.
    let holder = {
        let app = app.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            deskmove_testkit::hold(&app.store, m.id).await;
        })
    };
    // Four writers, each a steady ~100 a second for two seconds, on the moving channel and on others.
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let app = app.clone();
            let channel = if w % 2 == 0 { moving } else { others[w / 2] };
            tokio::spawn(async move {
                let mut landed = Vec::new();
                let mut tick = tokio::time::interval(Duration::from_millis(10));
                for i in 0..200 {
                    tick.tick().await;
                    landed.push(app.ingest(&channel, &format!("Writer {w} #{i}")).await);
                }
                landed
            })
        })
        .collect();
    let mut arrivals: Vec<Conversation> = Vec::new();
    for w in writers {
        arrivals.extend(w.await.unwrap());
    }
    let rate = arrivals.len() as f64 / started.elapsed().as_secs_f64();
    holder.await.unwrap();
    let current: Option<Move> = ada.get("/api/moves/current").await.json().await.unwrap();
    assert_eq!(
        current.map(|c| c.id),
        Some(m.id),
        "the move outlasted the arrivals"
    );
    deskmove_testkit::let_go(&app.store, m.id).await;
    let done = ada.wait_for_move(&m.id).await;
    let on_moving = arrivals
        .iter()
        .filter(|c| c.original_channel_id == moving)
        .count();
    assert_eq!(done.arrived as usize, on_moving);
    for c in &arrivals {
        if c.original_channel_id == moving {
            assert_eq!(
                (c.workspace, c.ticket_id.is_some()),
                (Workspace::HelpDesk, true),
                "{c:?}"
            );
        } else {
            assert_eq!(
                (c.workspace, c.ticket_id.is_some()),
                (Workspace::Inbox, false),
                "{c:?}"
            );
        }
    }
    assert!(app.store.check().await.unwrap().is_empty());
    eprintln!(
        "{} arrivals at {rate:.0} a second during the move",
        arrivals.len()
    );
}
