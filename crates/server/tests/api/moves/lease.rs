//! Servers sharing one database: a move's lease lets one drive it at a time, and
//! another take it over once the lease lapses.

use chrono::Utc;
use deskmove_rules::MoveState;
use deskmove_server::store::{BatchOutcome, LEASE};

use crate::helpers::{move_all, spawn_app_with};

#[tokio::test]
async fn one_server_drives_a_move_and_another_takes_it_over_when_its_lease_lapses() {
    // Issue 15: with several servers on one database, each would drive every move.
    let app = spawn_app_with(|s| {
        s.move_batch = 5;
        s.move_pause_ms = 100;
    })
    .await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    // This server's engine holds the lease: another server's batch is refused.
    let mut outcome = None;
    for _ in 0..50 {
        match app
            .store
            .move_batch(m.id, 5, Utc::now(), "another server")
            .await
            .unwrap()
        {
            BatchOutcome::DrivenElsewhere => {
                outcome = Some("refused");
                break;
            }
            // The engine had not claimed it yet.
            BatchOutcome::Progress(_) => tokio::time::sleep(LEASE / 10).await,
            _ => panic!("the move ended before the test looked"),
        }
    }
    assert_eq!(outcome, Some("refused"));
    // Once the engine's lease has lapsed, the other server takes the move over...
    let later = Utc::now() + chrono::Duration::from_std(LEASE * 2).unwrap();
    let before = ada
        .read::<deskmove_rules::Move>(&format!("/api/moves/{}", m.id))
        .await;
    match app
        .store
        .move_batch(m.id, 5, later, "another server")
        .await
        .unwrap()
    {
        BatchOutcome::Progress(row) => assert!(row.moved > before.moved as i64),
        other => panic!("not taken over: {other:?}"),
    }
    // ...and every other server stands back while that lease holds.
    assert!(matches!(
        app.store
            .move_batch(m.id, 5, Utc::now(), "a third server")
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
