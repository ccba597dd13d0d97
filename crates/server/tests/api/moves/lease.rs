//! Servers sharing one database: a move's lease lets one drive it at a time, and
//! another take it over once the lease lapses.

use chrono::Utc;
use deskmove_rules::{Channel, MoveState, Workspace};
use deskmove_server::config::Settings;
use deskmove_server::startup::Application;
use deskmove_server::store::{BatchOutcome, LEASE};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;

use crate::helpers::{move_all, spawn_app_with, Session};

#[tokio::test]
async fn one_server_drives_a_move_and_another_takes_it_over_when_its_lease_lapses() {
    // Issue 15: with several servers on one database, each would drive every move.
    // Slow enough that the move is still running when the test is done with it:
    // a second between batches (under the 3 s lease, which each batch renews),
    // several batches, and the test's steps take milliseconds.
    let app = spawn_app_with(|s| {
        s.move_batch = 5;
        s.move_pause_ms = 1000;
    })
    .await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    // Once this server's engine has run a batch it holds the lease: another
    // server's batch is refused.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let now = ada
            .read::<deskmove_rules::Move>(&format!("/api/moves/{}", m.id))
            .await;
        if now.moved > 0 {
            assert!(now.moved < now.total, "still running: {now:?}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no batch ran");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(matches!(
        app.store
            .move_batch(m.id, 5, Utc::now(), "another server", false)
            .await
            .unwrap(),
        BatchOutcome::DrivenElsewhere
    ));
    // Once the engine's lease has lapsed, the other server takes the move over...
    let later = Utc::now() + chrono::Duration::from_std(LEASE * 2).unwrap();
    let before = ada
        .read::<deskmove_rules::Move>(&format!("/api/moves/{}", m.id))
        .await;
    match app
        .store
        .move_batch(m.id, 5, later, "another server", false)
        .await
        .unwrap()
    {
        BatchOutcome::Progress(row) => assert!(row.moved > before.moved as i64),
        other => panic!("not taken over: {other:?}"),
    }
    // ...and every other server stands back while that lease holds.
    assert!(matches!(
        app.store
            .move_batch(m.id, 5, Utc::now(), "a third server", false)
            .await
            .unwrap(),
        BatchOutcome::DrivenElsewhere
    ));
    // A server that stops lets go: this server's engine takes the move back at its
    // next look and finishes it.
    app.store
        .release_move(m.id, "another server")
        .await
        .unwrap();
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!(done.state, MoveState::Completed);
    assert_eq!(done.moved, done.total, "every conversation moved once");
    assert!(app.store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn every_server_s_event_streams_hear_the_move_another_server_drives() {
    // Issue 15: events lived in one process; a stream on another server heard nothing.
    let a = spawn_app_with(|s| {
        s.move_batch = 5;
        s.move_pause_ms = 20;
    })
    .await;
    if a.db.path().is_some() {
        // SQLite: one server's own file; its streams hear its own engine (progress.rs).
        return;
    }
    let mut settings = Settings::for_tests(a.db.clone());
    settings.static_dir = a.static_dir.clone();
    let b = Application::build(&settings).await.unwrap();
    let base_b = format!("http://{}", b.address);
    tokio::spawn(b.run());
    let sam_b = Session::sign_in(&base_b, "sam@demo.test").await;
    let mut heard = sam_b.events().await;
    let raw = sam_b.get("/api/events").await;
    let channels = tokio::spawn(async move {
        let mut events = raw.bytes_stream().eventsource();
        while let Some(Ok(e)) = events.next().await {
            if e.event == "channel" {
                return Some(serde_json::from_str::<Channel>(&e.data).unwrap());
            }
        }
        None
    });

    let ada = a.sign_in("ada@demo.test").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    let mut moved = 0;
    let done = loop {
        let (seen, _) = heard
            .next_within(m.id, std::time::Duration::from_secs(30))
            .await
            .expect("the other server's stream hears the move");
        assert!(seen.moved >= moved, "progress never goes back");
        moved = seen.moved;
        if seen.state != MoveState::Running {
            break seen;
        }
    };
    assert_eq!(done.state, MoveState::Completed);
    assert_eq!(done.moved, done.total);
    let channel = tokio::time::timeout(std::time::Duration::from_secs(10), channels)
        .await
        .expect("the channel event within 10 s")
        .unwrap()
        .expect("a channel event");
    assert_eq!(channel.name, "Support email");
    assert_eq!(channel.workspace, Workspace::HelpDesk);
}
