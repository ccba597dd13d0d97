//! Moves across the replicas: one start, every stream, kills, arrivals.

use std::time::{Duration, Instant};

use chrono::SubsecRound;
use deskmove_rules::{Move, MoveState};
use deskmove_server::store::Store;
use deskmove_testkit::{Events, Server, Session};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Row;

use crate::{database, driver_pid, replica, replicas, ReadOn};

#[tokio::test]
async fn thirty_starts_spread_over_the_replicas_start_exactly_one_move() {
    let Some((url, dir)) = database().await else {
        return;
    };
    // A minute between batches: the move started keeps running while the other
    // starts come in, however slow the machine, so each of them must be refused
    // (a finished move would free the next). The test never waits for it.
    let flags = [
        "--demo",
        "--demo-conversations",
        "200",
        "--move-batch",
        "5",
        "--move-pause-ms",
        "60000",
    ];
    let r = replicas(&url, &dir, &flags);
    let mut admins = Vec::new();
    for s in &r {
        admins.push(Session::sign_in(&s.base, "ada@demo.test").await);
    }
    let mut bodies = Vec::new();
    for channel in ["Support email", "Support line"] {
        bodies.push(admins[0].move_all(channel).await);
    }
    let starts = (0..30).map(|i| {
        let who = &admins[i % 3];
        let body = bodies[i % 2].clone();
        async move { who.post("/api/moves", body).await.status() }
    });
    let statuses = futures_util::future::join_all(starts).await;
    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::ACCEPTED)
        .count();
    assert_eq!(accepted, 1, "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::ACCEPTED || *s == StatusCode::CONFLICT));
}

#[tokio::test]
async fn a_move_is_heard_on_every_replica_and_survives_its_driver_being_killed() {
    let Some((url, dir)) = database().await else {
        return;
    };
    let flags = [
        "--demo",
        "--demo-conversations",
        "70000",
        "--move-batch",
        "200",
        "--move-pause-ms",
        "20",
    ];
    let mut r = replicas(&url, &dir, &flags);
    let store = Store::open(&url).await.unwrap();
    let mut streams: Vec<Events> = Vec::new();
    for s in &r {
        streams.push(
            Session::sign_in(&s.base, "sam@demo.test")
                .await
                .events()
                .await,
        );
    }
    let ada = Session::sign_in(&r[0].base, "ada@demo.test").await;
    let m = ada.start_move(ada.move_all("Support email").await).await;
    assert!(m.total >= 20_000, "a history of {}", m.total);

    // Kill the replica that drives the batches: another takes over within 5 s.
    let mut seen = 0;
    for _ in 0..200 {
        if let Some(pid) = driver_pid(&store, m.id).await {
            if let Some(i) = r.iter().position(|s| s.child.id() == pid) {
                let before: Move = r[(i + 1) % r.len()]
                    .read_as(&ada, &format!("/api/moves/{}", m.id))
                    .await;
                r.remove(i).kill();
                let killed = Instant::now();
                loop {
                    let now: Move = r[0].read_as(&ada, &format!("/api/moves/{}", m.id)).await;
                    if now.moved > before.moved || now.state == MoveState::Completed {
                        break;
                    }
                    // The lease (3 s) lapses and a watch (1 s) takes it over;
                    // the bound is generous so a busy machine passes too.
                    assert!(
                        killed.elapsed() < Duration::from_secs(20),
                        "no replica took the move over within 20 s"
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                seen += 1;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(seen, 1, "the driving replica was found and killed");

    // The two left (and the killed one's stream, which ended) hear it complete.
    let mut ends = Vec::new();
    for events in streams.iter_mut() {
        let mut last = 0;
        while let Some((seen, at)) = events.next_within(m.id, Duration::from_secs(120)).await {
            assert!(seen.moved >= last, "progress never goes back");
            last = seen.moved;
            if seen.state == MoveState::Completed {
                ends.push(at);
                break;
            }
        }
    }
    assert!(ends.len() >= 2, "the live replicas heard the end");
    let first = *ends.iter().min().unwrap();
    let last = *ends.iter().max().unwrap();
    assert!(
        last - first < Duration::from_secs(10),
        "heard within 10 s of each other"
    );
    let done: Move = r[0].read_as(&ada, &format!("/api/moves/{}", m.id)).await;
    assert_eq!(done.moved, done.total);
    let created: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM notifications WHERE kind = 'ticket_created' \
         GROUP BY ticket_id HAVING COUNT(*) > 1",
    )
    .fetch_all(store.pool())
    .await
    .unwrap()
    .len() as i64;
    assert_eq!(created, 0, "one ticket_created per ticket");
    assert!(store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn ten_kills_and_restarts_during_one_move_lose_nothing_and_do_nothing_twice() {
    // Issue 15, I4 across replicas: whichever replica dies, the move goes on.
    let Some((url, dir)) = database().await else {
        return;
    };
    let flags = [
        "--demo",
        "--demo-conversations",
        "40000",
        "--move-batch",
        "50",
        // At least 240 batches × 250 ms = 60 s of move: ten kills and restarts
        // fall inside it even on a machine several times slower.
        "--move-pause-ms",
        "250",
    ];
    let mut r: Vec<Option<Server>> = replicas(&url, &dir, &flags).into_iter().map(Some).collect();
    let store = Store::open(&url).await.unwrap();
    let base = r[0].as_ref().unwrap().base.clone();
    let ada = Session::sign_in(&base, "ada@demo.test").await;
    let m = ada.start_move(ada.move_all("Support email").await).await;
    let read = |base: String| {
        let client = ada.client.clone();
        async move {
            client
                .get(format!("{base}/api/moves/{}", m.id))
                .send()
                .await
                .ok()?
                .json::<Move>()
                .await
                .ok()
        }
    };
    let mut dice = 0x5eed_u64;
    let mut kills = 0;
    let mut last = 0;
    while kills < 10 {
        dice = dice
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let victim = (dice >> 33) as usize % 3;
        tokio::time::sleep(Duration::from_millis(300 + (dice >> 40) % 500)).await;
        if let Some(s) = r[victim].take() {
            s.kill();
            kills += 1;
        }
        // Restart it at once: the others go on meanwhile.
        r[victim] = Some(replica(&url, &dir, victim, &flags));
        for s in r.iter().flatten() {
            if let Some(now) = read(s.base.clone()).await {
                assert!(now.moved >= last, "progress never goes back");
                last = now.moved;
            }
        }
    }
    assert!(last < m.total, "the kills all fell during the move");
    let live = r[0].as_ref().unwrap().base.clone();
    let deadline = Instant::now() + Duration::from_secs(300);
    let done = loop {
        let now = read(live.clone()).await.expect("a live replica answers");
        assert!(now.moved >= last, "progress never goes back");
        last = now.moved;
        if now.state != MoveState::Running {
            break now;
        }
        assert!(Instant::now() < deadline, "the move completes");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(done.state, MoveState::Completed);
    assert_eq!(done.moved, done.total);
    let twice = sqlx::query(
        "SELECT ticket_id FROM notifications WHERE kind = 'ticket_created' \
         GROUP BY ticket_id HAVING COUNT(*) > 1",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(twice.is_empty(), "one ticket_created per ticket");
    assert!(store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn arrivals_spread_over_the_replicas_around_a_start_all_land_in_help_desk() {
    // Issue 15, R18, I2: an arrival and a move's start on different replicas.
    let Some((url, dir)) = database().await else {
        return;
    };
    let flags = [
        "--demo",
        "--demo-conversations",
        "5000",
        "--move-pause-ms",
        "5",
        "--move-batch",
        "100",
    ];
    let r = replicas(&url, &dir, &flags);
    let store = Store::open(&url).await.unwrap();
    let ada = Session::sign_in(&r[0].base, "ada@demo.test").await;
    let email = ada.channel_id("Support email").await;
    let body = ada.move_all("Support email").await;
    let client = deskmove_testkit::client();
    let bases: Vec<String> = r.iter().map(|s| s.base.clone()).collect();
    // 200 a second, round-robin over the replicas, from 1 s before the start
    // until 200 more were sent after it answered: a fixed span could end before
    // a slow machine's start does. After 5 s without an answer the arrivals wait
    // for it (a start that must queue behind an endless stream is another test's),
    // then the 200 follow.
    let (started, mut answered) = tokio::sync::watch::channel(false);
    let sender = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(5));
        let (mut sent, mut after) = (Vec::new(), 0);
        while after < 200 {
            tick.tick().await;
            if *answered.borrow_and_update() {
                after += 1;
            } else if sent.len() >= 1000 {
                let _ = answered.wait_for(|a| *a).await;
                tick.reset();
                continue;
            }
            let n = sent.len();
            let (client, base) = (client.clone(), bases[n % 3].clone());
            sent.push(tokio::spawn(async move {
                client
                    .post(format!("{base}/api/ingest/channels/{email}/conversations"))
                    .bearer_auth("cluster-token")
                    .json(&json!({"contact": format!("Arrival {n}"), "subject": "Around the start", "body": "hi"}))
                    .send()
                    .await
                    .map(|r| r.status())
            }));
        }
        let mut statuses = Vec::new();
        for s in sent {
            statuses.push(s.await.unwrap());
        }
        statuses
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    let m = ada.start_move(body).await;
    started.send(true).unwrap();
    let statuses = sender.await.unwrap();
    let taken = statuses
        .iter()
        .filter(|s| matches!(s, Ok(StatusCode::CREATED)))
        .count();
    assert_eq!(taken, statuses.len(), "every arrival taken: {statuses:?}");
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!(done.state, MoveState::Completed);
    let row = sqlx::query(
        "SELECT \
            (SELECT COUNT(*) FROM conversations c WHERE c.original_channel_id = $1 AND c.workspace = 'inbox') AS left_behind, \
            (SELECT COUNT(*) FROM conversations c WHERE c.original_channel_id = $1 \
                AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id)) AS without_ticket, \
            (SELECT COUNT(*) FROM conversations c JOIN moves m ON m.id = $2 \
                WHERE c.original_channel_id = $1 AND c.id > m.history_max_id) AS after_start, \
            (SELECT COUNT(*) FROM conversations c JOIN moves m ON m.id = $2 \
                WHERE c.original_channel_id = $1 AND c.id > m.history_max_id \
                AND (SELECT COUNT(*) FROM tickets t WHERE t.conversation_id = c.id) <> 1) AS not_one_ticket, \
            (SELECT COUNT(*) FROM move_items i JOIN conversations c ON c.id = i.conversation_id \
                JOIN moves m ON m.id = i.move_id \
                WHERE i.move_id = $2 AND i.arrived = 1 AND c.id > m.history_max_id) AS reported_arrived",
    )
    .bind(email.get())
    .bind(m.id.get())
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(row.try_get::<i64, _>("left_behind").unwrap(), 0, "I2");
    assert_eq!(row.try_get::<i64, _>("without_ticket").unwrap(), 0, "I1");
    let after: i64 = row.try_get("after_start").unwrap();
    assert!(after > 0, "some arrivals came after the start");
    // R18: every arrival after the start, while the move ran or after it ended
    // (on a slow machine the move may end before the last ones are sent), is in
    // help desk with exactly one ticket; `arrived` counts those committed while
    // it ran, which its report lists one by one (written in the arrival's own
    // transaction), and no more than arrived after the start.
    assert_eq!(row.try_get::<i64, _>("not_one_ticket").unwrap(), 0, "I1");
    let reported: i64 = row.try_get("reported_arrived").unwrap();
    assert_eq!(
        done.arrived as i64, reported,
        "arrived counts exactly those"
    );
    assert!(reported <= after, "{reported} of {after}");
    assert!(store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_server_sees_a_writer_of_another_server_wait_for_the_lock() {
    // A move's batches shrink while anyone waits to write; on PostgreSQL that
    // includes the arrivals other servers hold for the lock, which this server's
    // own count of waiters never sees.
    let Some((url, _dir)) = database().await else {
        return;
    };
    let here = Store::open(&url).await.unwrap();
    let elsewhere = Store::open(&url).await.unwrap();
    assert!(!here.writers_waiting_anywhere().await.unwrap());
    let held = here.begin_write().await.unwrap();
    let waiter = tokio::spawn(async move { elsewhere.begin_write().await.map(|_| ()) });
    let seen = Instant::now();
    while !here.writers_waiting_anywhere().await.unwrap() {
        assert!(
            seen.elapsed() < Duration::from_secs(10),
            "never seen waiting"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(here.writers_waiting(), 0, "not a waiter of this server");
    held.rollback().await.unwrap();
    waiter.await.unwrap().unwrap();
    assert!(!here.writers_waiting_anywhere().await.unwrap());
}

#[tokio::test]
async fn a_move_scheduled_on_a_replica_that_died_starts_on_time_on_another_once() {
    // R24, I3: the wait is a row, not a task. The replica that took the schedule
    // dies before its time; the two left both watch the row, and one of them
    // starts the move on time (within a few watch ticks, by the servers' own
    // clock), once.
    let Some((url, dir)) = database().await else {
        return;
    };
    let mut r = replicas(&url, &dir, &["--demo", "--demo-conversations", "3000"]);
    let store = Store::open(&url).await.unwrap();
    let ada = Session::sign_in(&r[0].base, "ada@demo.test").await;
    let mut streams: Vec<Events> = Vec::new();
    for s in &r[1..] {
        streams.push(
            Session::sign_in(&s.base, "sam@demo.test")
                .await
                .events()
                .await,
        );
    }
    // Scheduled an hour ahead, then, once its replica is dead, brought to two
    // seconds ahead: a slow machine's kill can't come after the time.
    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).trunc_subsecs(0);
    let mut body = ada.move_all("Support email").await;
    body["start_at"] = json!(later.to_rfc3339());
    let m = ada.start_move(body).await;
    assert_eq!(m.state, MoveState::Scheduled);
    r.remove(0).kill();
    let when = (chrono::Utc::now() + chrono::Duration::seconds(2)).trunc_subsecs(0);
    sqlx::query("UPDATE moves SET start_at = $1 WHERE id = $2")
        .bind(when.timestamp_millis())
        .bind(m.id.get())
        .execute(store.pool())
        .await
        .unwrap();

    for events in streams.iter_mut() {
        let mut started = None;
        while let Some((seen, _)) = events.next_within(m.id, Duration::from_secs(30)).await {
            if seen.state == MoveState::Running && started.is_none() {
                assert!(seen.started_at >= when, "not before its time");
                // A watch looks every second; a generous bound still tells "on
                // time" from "when someone next restarts a server".
                let late = seen.started_at - when;
                eprintln!("started {} ms after its time", late.num_milliseconds());
                assert!(
                    late < chrono::Duration::seconds(15),
                    "started {late} after its time"
                );
                started = Some(seen.started_at);
            }
            if seen.state == MoveState::Completed {
                assert_eq!(Some(seen.started_at), started, "started once");
                break;
            }
        }
        assert!(started.is_some(), "each replica left heard the start");
    }
    let done: Move = r[0].read_as(&ada, &format!("/api/moves/{}", m.id)).await;
    assert_eq!((done.state, done.moved), (MoveState::Completed, done.total));
    assert!(done.total > 0);
    let twice = sqlx::query(
        "SELECT ticket_id FROM notifications WHERE kind = 'ticket_created' \
         GROUP BY ticket_id HAVING COUNT(*) > 1",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(twice.is_empty(), "one ticket_created per ticket");
    let runs: i64 = sqlx::query("SELECT COUNT(*) AS n FROM moves WHERE channel_id = $1")
        .bind(m.channel_id.get())
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(runs, 1, "one move row, started once");
    assert!(store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn finding_5_garbage_on_the_announcement_channel_leaves_every_listener_hearing() {
    // Issue 30, finding 5: any database role may NOTIFY; `move 0` panicked a
    // server's listener, and its event streams went deaf until a restart.
    let Some((url, dir)) = database().await else {
        return;
    };
    let r = replicas(&url, &dir, &["--demo", "--demo-conversations", "200"]);
    let store = Store::open(&url).await.unwrap();
    let ada = Session::sign_in(&r[0].base, "ada@demo.test").await;
    let mut streams = Vec::new();
    for s in &r {
        streams.push(
            Session::sign_in(&s.base, "sam@demo.test")
                .await
                .events()
                .await,
        );
    }
    for garbage in [
        "move 0",
        "move -1",
        "channel 1 0",
        "channel 0 0",
        "move 99999999999999999999",
        "move 1 and more",
        "nonsense",
        "",
    ] {
        sqlx::query("SELECT pg_notify('deskmove_events', $1)")
            .bind(garbage)
            .execute(store.pool())
            .await
            .unwrap();
    }
    // The garbage comes first; a real move after it is still heard everywhere.
    let m = ada.start_move(ada.move_all("Support email").await).await;
    for (n, events) in streams.iter_mut().enumerate() {
        let mut ended = false;
        while let Some((seen, _)) = events.next_within(m.id, Duration::from_secs(60)).await {
            if seen.state == MoveState::Completed {
                ended = true;
                break;
            }
        }
        assert!(ended, "replica {n} heard the move after the garbage");
    }
}
