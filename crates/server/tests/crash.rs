//! The real server binary, killed with SIGKILL again and again in the middle of a move (I4).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use deskmove_rules::{demo, AccountId, Move, MoveState, Preview};
use deskmove_server::store::Store;
use deskmove_testkit::{log_file, Server, Session};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_deskmove-server");
const ACCOUNT: AccountId = AccountId::of(1);

/// The server over `db` with `extra` flags; its log beside the database's folder.
fn start(db: &Path, extra: &[&str]) -> Server {
    let log = db.parent().unwrap().with_extension("log");
    Server::start(
        BIN,
        db,
        &[&["--static", "/nonexistent"], extra].concat(),
        "warn",
        log_file(&log),
    )
}

fn kill(s: Server) {
    s.kill();
}

/// Ada signed in, with the preview of Support email's move.
async fn sign_in_ada(base: &str) -> (Session, Preview) {
    let ada = Session::sign_in(base, "ada@demo.test").await;
    let channel = ada.channel_id("Support email").await;
    let preview = ada
        .read(&format!("/api/channels/{channel}/move-preview"))
        .await;
    (ada, preview)
}

/// Starts the demo's walk-through move: Support email, Waiting on us / Closed.
async fn move_support_email(ada: &Session) -> Move {
    ada.start_move(ada.move_all("Support email").await).await
}

/// A small deterministic random source for the kill instants.
struct Dice(u64);
impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[tokio::test]
async fn killing_the_server_mid_move_loses_nothing_and_does_nothing_twice() {
    // I4, I1, I2, R15
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deskmove.db");
    // Small throttled batches make the move last a few seconds: room for many kills.
    // DESKMOVE_CRASH_CONVERSATIONS=340000 makes Support email's history over 100,000.
    let demo: u32 = std::env::var("DESKMOVE_CRASH_CONVERSATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(40_000);
    let (demo, batch) = (demo.to_string(), (demo / 1600).max(25).to_string());
    let flags = [
        "--demo",
        "--demo-conversations",
        demo.as_str(),
        "--move-batch",
        batch.as_str(),
        "--move-pause-ms",
        "4",
    ];
    let mut server = start(&db, &flags);
    let (ada, preview) = sign_in_ada(&server.base).await;
    assert!(
        preview.conversations > 10_000,
        "tens of thousands of conversations: {}",
        preview.conversations
    );
    let store = Store::open_sqlite(&db).await.unwrap();
    let tickets_before = ticket_count(&store).await;

    let m = move_support_email(&ada).await;
    let move_id = m.id;

    let mut dice = Dice(0x5eed);
    let mut kills = 0;
    let mut last_moved = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(50 + dice.below(300))).await;
        let row = store.move_by_id(ACCOUNT, move_id).await.unwrap().unwrap();
        if row.state != MoveState::Running {
            break;
        }
        kill(server);
        kills += 1;
        let after_kill = store.move_by_id(ACCOUNT, move_id).await.unwrap().unwrap();
        assert!(after_kill.moved >= last_moved, "progress never goes back");
        last_moved = after_kill.moved;
        assert!(
            store.check().await.unwrap().is_empty(),
            "I1–I3 hold at the instant of a kill"
        );
        server = start(&db, &flags);
    }
    assert!(kills >= 10, "the move outlived only {kills} kills");

    let done = store
        .move_by_id(ACCOUNT, move_id)
        .await
        .unwrap()
        .unwrap()
        .to_move(chrono::Utc::now())
        .unwrap();
    assert_eq!(done.state, MoveState::Completed);
    assert_eq!(done.total, preview.conversations);
    assert_eq!(done.moved, preview.conversations, "nothing lost");
    assert_eq!(
        done.tickets_created, preview.without_ticket,
        "nothing done twice"
    );
    assert_eq!(
        ticket_count(&store).await,
        tickets_before + preview.without_ticket as i64
    );
    assert!(store.check().await.unwrap().is_empty());
    // The session survived every restart: it lives in the database (and the server
    // listens on a new port now).
    let again: Move = ada
        .client
        .get(format!("{}/api/moves/{}", server.base, m.id))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again.state, MoveState::Completed);
    kill(server);
    let check = Command::new(BIN)
        .args(["check", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    eprintln!(
        "survived {kills} kills moving {} conversations ({} tickets created)",
        done.moved, done.tickets_created
    );
}

#[tokio::test]
async fn a_scheduled_move_outlives_kills_and_starts_once_its_time_passed_while_down() {
    // R24, I4, I3
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deskmove.db");
    let flags = ["--demo", "--demo-conversations", "2000"];
    let server = start(&db, &flags);
    let (ada, preview) = sign_in_ada(&server.base).await;
    // An hour ahead: the kills and restarts below take what they take.
    let start_at = chrono::Utc::now() + chrono::Duration::hours(1);
    let mut body = ada.move_all("Support email").await;
    body["start_at"] = json!(start_at.to_rfc3339());
    let m = ada.start_move(body).await;
    assert_eq!(m.state, MoveState::Scheduled);
    // Killed while it waits, and again after a restart: the wait lives in the
    // database, not in a sleeping task.
    kill(server);
    let server = start(&db, &flags);
    kill(server);
    let store = Store::open_sqlite(&db).await.unwrap();
    let row = store.move_by_id(ACCOUNT, m.id).await.unwrap().unwrap();
    assert_eq!(row.state, MoveState::Scheduled, "still scheduled");
    // Its time passes while no server is up.
    deskmove_testkit::make_due(&store, m.id).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let up = chrono::Utc::now();
    let server = start(&db, &flags);
    let mut started = None;
    for _ in 0..600 {
        let row = store.move_by_id(ACCOUNT, m.id).await.unwrap().unwrap();
        if row.state != MoveState::Scheduled {
            started = Some(row.to_move(chrono::Utc::now()).unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let started = started.expect("the restarted server starts the overdue move");
    assert!(started.started_at >= up, "started by the new server");
    eprintln!(
        "started {} ms after the restart",
        (started.started_at - up).num_milliseconds()
    );
    let again = Session::sign_in(&server.base, "ada@demo.test").await;
    let done = again.wait_for_move(&m.id).await;
    assert_eq!(done.state, MoveState::Completed);
    assert_eq!(
        done.moved, preview.conversations,
        "the history as at its start"
    );
    let moves: Vec<Move> = again.read("/api/moves").await;
    assert_eq!(moves.len(), 1, "started once");
    kill(server);
    assert!(store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_scheduled_move_whose_requester_was_demoted_while_down_fails_at_restart() {
    // R24, R1, I4: the requester is checked at the start, by whichever server
    // starts it, also after a restart.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deskmove.db");
    let flags = ["--demo", "--demo-conversations", "200"];
    let server = start(&db, &flags);
    let lee = Session::sign_in(&server.base, "lee@demo.test").await;
    let start_at = chrono::Utc::now() + chrono::Duration::hours(1);
    let mut body = lee.move_all("Support email").await;
    body["start_at"] = json!(start_at.to_rfc3339());
    let m = lee.start_move(body).await;
    assert_eq!(m.state, MoveState::Scheduled);
    kill(server);
    // While no server is up, Lee is made an agent and the time passes.
    let store = Store::open_sqlite(&db).await.unwrap();
    sqlx::query("UPDATE users SET role = 'agent' WHERE email = 'lee@demo.test'")
        .execute(store.pool())
        .await
        .unwrap();
    deskmove_testkit::make_due(&store, m.id).await;
    let server = start(&db, &flags);
    let ada = Session::sign_in(&server.base, "ada@demo.test").await;
    let failed = ada.wait_for_move(&m.id).await;
    assert_eq!(failed.state, MoveState::Failed);
    assert_eq!(
        failed.failure,
        vec![deskmove_rules::Said::RequesterNotAllowed]
    );
    assert_eq!(failed.moved, 0, "nothing moved");
    kill(server);
    assert!(store.check().await.unwrap().is_empty());
}

async fn ticket_count(store: &Store) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) AS n FROM tickets")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

#[tokio::test]
async fn check_names_each_broken_invariant_and_fails() {
    // I1, I2, I3
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deskmove.db");
    let server = start(&db, &["--demo", "--demo-conversations", "50"]);
    kill(server);
    let ok = Command::new(BIN)
        .args(["check", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).contains("I1, I2 and I3 hold"));

    let store = Store::open_sqlite(&db).await.unwrap();
    // Break I1: a help desk conversation without ticket. Break I3: two running moves
    // (the index forbids it, so drop the index first, as a corrupted copy might).
    for sql in [
        "UPDATE conversations SET workspace = 'help_desk' WHERE id = (SELECT MIN(id) FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id))",
        "DROP INDEX moves_one_active",
        "INSERT INTO moves (account_id, channel_id, requested_by, history_mode, mute_notifications, state, started_at) VALUES (1, 1, 1, 'none', 0, 'running', 0), (1, 2, 1, 'none', 0, 'running', 0)",
    ] {
        sqlx::query(sql).execute(store.pool()).await.unwrap();
    }
    let bad = Command::new(BIN)
        .args(["check", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let out = String::from_utf8_lossy(&bad.stdout);
    assert!(
        out.contains("I1: conversations in help desk without a ticket (1 rows"),
        "{out}"
    );
    assert!(
        out.contains("I3: accounts with more than one running move"),
        "{out}"
    );
    let missing = Command::new(BIN)
        .args(["check", "--db", "/nonexistent/x.db"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
}

#[tokio::test]
async fn passwords_are_never_logged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deskmove.db");
    let log = dir.path().join("server.log");
    let server = Server::start(
        BIN,
        &db,
        &["--demo", "--demo-conversations", "20"],
        "trace",
        log_file(&log),
    );
    let base = server.base.clone();
    let secret = "Tr0ub4dor-and-3-horses";
    for (email, password) in [
        ("ada@demo.test", secret),
        ("ada@demo.test", "deskmove-demo"),
        ("nobody@demo.test", secret),
    ] {
        reqwest::Client::new()
            .post(format!("{base}/api/session"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
    }
    server.kill();
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("signed in"), "the log was captured");
    assert!(!logged.contains(secret), "a password reached the log");
    assert!(
        !logged.contains("deskmove-demo"),
        "a password reached the log"
    );
}

/// A tmpfs of `size` at `dir` (needs root, as CI runs).
fn mount_tmpfs(dir: &Path, size: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let ok = Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            &format!("size={size}"),
            "tmpfs",
            dir.to_str().unwrap(),
        ])
        .status()
        .expect("mount runs");
    assert!(
        ok.success(),
        "mounting a tmpfs needs root (CI runs as root)"
    );
}

fn resize_tmpfs(dir: &Path, size: &str) -> bool {
    Command::new("mount")
        .args(["-o", &format!("remount,size={size}"), dir.to_str().unwrap()])
        .status()
        .unwrap()
        .success()
}

/// Shrinks the tmpfs at `dir` to what it holds plus `room_kib`. The server runs on
/// meanwhile and may write a page between the measure and the remount, and the kernel
/// refuses to shrink a tmpfs below what it holds: so measure again and retry.
fn leave_room(dir: &Path, room_kib: u64) {
    let mut used_kib = 0;
    for _ in 0..20 {
        let df = Command::new("df")
            .args(["-k", "--output=used", dir.to_str().unwrap()])
            .output()
            .unwrap();
        used_kib = String::from_utf8(df.stdout)
            .unwrap()
            .lines()
            .nth(1)
            .and_then(|line| line.trim().parse().ok())
            .expect("df prints the used KiB");
        if resize_tmpfs(dir, &format!("{}k", used_kib + room_kib)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("could not shrink the tmpfs to {used_kib}k + {room_kib}k");
}

struct Unmount(PathBuf);
impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[tokio::test]
async fn a_full_disk_pauses_the_move_with_a_clear_error_and_it_resumes_when_space_returns() {
    // I4, I5, R15
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    mount_tmpfs(&disk, "64m");
    let _unmount = Unmount(disk.clone());
    let db = disk.join("deskmove.db");
    let flags = [
        "--demo",
        "--demo-conversations",
        "20000",
        "--move-batch",
        "200",
    ];
    let server = start(&db, &flags);
    let (ada, preview) = sign_in_ada(&server.base).await;
    // Fold the WAL into the file first, so a background checkpoint can't grow the
    // file after it was measured.
    {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    // Leave the database room for the move to start but not for its tickets.
    leave_room(&disk, 192);
    let m = move_support_email(&ada).await;
    let read = |id: deskmove_rules::MoveId| {
        let (client, base) = (ada.client.clone(), server.base.clone());
        async move {
            client
                .get(format!("{base}/api/moves/{id}"))
                .send()
                .await
                .unwrap()
                .json::<Move>()
                .await
                .unwrap()
        }
    };
    let mut paused = None;
    let mut last = None;
    for _ in 0..200 {
        let now = read(m.id).await;
        last = Some(now.clone());
        assert_eq!(now.state, MoveState::Running, "a fault never ends the move");
        if let Some(why) = now.paused_reason.clone() {
            paused = Some((why, now.moved));
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let log = std::fs::read_to_string(disk.with_extension("log")).unwrap_or_default();
    let (why, moved_then) = paused
        .unwrap_or_else(|| panic!("the full disk is reported on the move: {last:?}\n{log:.2000}"));
    assert!(why.contains("the server's disk is full"), "{why}");
    // Hardening row 9: every agent reads this; SQLite's own words stay in the log.
    assert!(
        !why.contains("code:") && !why.contains("database or disk"),
        "{why}"
    );
    assert!(
        log.contains("database or disk is full"),
        "the log has the cause"
    );
    // Other writes either still fit or are refused with a clear answer: never a 500.
    for i in 0..20 {
        let arrival = reqwest::Client::new()
            .post(format!(
                "{}/api/ingest/channels/{}/conversations",
                server.base,
                demo::CONTACT_FORM
            ))
            .bearer_auth(demo::INGEST_TOKEN)
            .json(&json!({"contact": format!("Maria {i}"), "subject": "Hi", "body": "x".repeat(20_000)}))
            .send()
            .await
            .unwrap();
        let status = arrival.status().as_u16();
        if status != 201 {
            let body: Value = arrival.json().await.unwrap();
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (503, Some("unavailable")),
                "{body}"
            );
            assert!(body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Nothing was changed"));
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(read(m.id).await.moved, moved_then, "no progress while full");

    assert!(resize_tmpfs(&disk, "64m"), "remount to 64m");
    let mut done = read(m.id).await;
    for _ in 0..400 {
        if done.state != MoveState::Running {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        done = read(m.id).await;
    }
    assert_eq!(
        done.state,
        MoveState::Completed,
        "resumed once space returned: {done:?}"
    );
    assert_eq!(done.paused_reason, None);
    assert_eq!(
        (done.moved, done.tickets_created),
        (preview.conversations, preview.without_ticket)
    );
    kill(server);
    let store = Store::open_sqlite(&db).await.unwrap();
    assert!(store.check().await.unwrap().is_empty());
}

/// Message `i` of a burst: its own Message-ID; every third one answers the one
/// before it, so threads are written under the kill too.
fn burst_mail(i: usize) -> String {
    let reply = if i % 3 == 2 {
        format!("In-Reply-To: <burst{}@example.com>\r\n", i - 1)
    } else {
        String::new()
    };
    format!(
        "From: Customer {i} <c{i}@example.com>\r\nTo: support@demo.test\r\n\
         Message-ID: <burst{i}@example.com>\r\n{reply}Subject: Burst {i}\r\n\r\nMessage {i}\r\n"
    )
}

/// `deskmove-server deliver` as Postfix's pipe runs it: the message on stdin.
fn deliver_command(base: &str, message: &str) -> (i32, String) {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(["deliver", "--server", base, "--to", "support@demo.test"])
        .env("DESKMOVE_INGEST_TOKEN", demo::INGEST_TOKEN)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(message.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn mail_waits_while_the_server_is_down_and_a_kill_loses_or_doubles_none() {
    // R32, I4
    use sqlx::Row;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deskmove.db");
    let flags = ["--demo", "--demo-conversations", "50"];
    let server = start(&db, &flags);
    let gone = server.base.clone();
    kill(server);
    let (code, said) = deliver_command(&gone, &burst_mail(0));
    assert_eq!(code, 75, "try later while the server is down: {said}");
    let server = start(&db, &flags);
    let (code, said) = deliver_command(&server.base, &burst_mail(0));
    assert_eq!(code, 0, "taken on the retry: {said}");
    let (code, said) = deliver_command(&server.base, "not a message");
    assert_eq!(code, 65, "{said}");
    let (code, said) = deliver_command(
        &server.base,
        "From: kari@example.com\r\nTo: nobody@demo.test\r\n\r\nHi\r\n",
    );
    // Its To names no channel; the envelope recipient (--to support@) does.
    assert_eq!(code, 0, "the envelope recipient counts: {said}");

    // A burst, 12 at a time, with the server killed once a third has answered.
    const BURST: usize = 300;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(12));
    for i in 1..=BURST {
        let (tx, gate, base) = (tx.clone(), gate.clone(), server.base.clone());
        tokio::spawn(async move {
            let _turn = gate.acquire_owned().await.unwrap();
            // No answer (the server was killed) is no status.
            let status = deskmove_testkit::client()
                .post(format!("{base}/api/ingest/email"))
                .bearer_auth(demo::INGEST_TOKEN)
                .header("content-type", "message/rfc822")
                .body(burst_mail(i))
                .send()
                .await
                .map_or(0, |r| r.status().as_u16());
            let _ = tx.send((i, status));
        });
    }
    drop(tx);
    let mut answered = Vec::new();
    while answered.len() < BURST / 3 {
        answered.push(rx.recv().await.expect("an answer"));
    }
    kill(server);
    // What was in flight gets no answer now.
    while let Some(a) = rx.recv().await {
        answered.push(a);
    }
    let taken: Vec<usize> = answered
        .iter()
        .filter(|(_, s)| (200..300).contains(s))
        .map(|(i, _)| *i)
        .collect();
    assert!(taken.len() >= BURST / 3, "{} taken", taken.len());
    eprintln!("{} of {BURST} taken before the kill", taken.len());

    // The mail server retries everything it still holds; what was taken says 200.
    let server = start(&db, &flags);
    for i in 1..=BURST {
        let res = deskmove_testkit::deliver(&server.base, burst_mail(i), None).await;
        let status = res.status();
        if taken.contains(&i) {
            assert_eq!(
                status,
                reqwest::StatusCode::OK,
                "message {i} was taken already"
            );
        } else {
            assert!(status.is_success(), "message {i}: {status}");
        }
    }
    kill(server);
    let store = Store::open_sqlite(&db).await.unwrap();
    let count = |sql: &'static str| {
        let pool = store.pool().clone();
        async move {
            sqlx::query(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
                .try_get::<i64, _>("n")
                .unwrap()
        }
    };
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM mail_ids WHERE message_id LIKE 'burst%'").await,
        BURST as i64 + 1,
        "each message once"
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM messages WHERE body LIKE 'Message %'").await,
        BURST as i64 + 1,
        "and its message once"
    );
    let (held, said, _) = deskmove_testkit::command(BIN, &["check", "--db", db.to_str().unwrap()]);
    assert!(held, "{said}");
}

#[tokio::test]
async fn a_kill_between_the_relays_yes_and_the_commit_sends_the_answer_once_more() {
    // R33, I4
    use deskmove_testkit::postfix::{skip_unless_available, Postfix};
    if skip_unless_available() {
        return;
    }
    let relay = Postfix::start(None);
    let smtp = relay.smtp_url();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deskmove.db");
    let flags = [
        "--demo",
        "--demo-conversations",
        "20",
        "--smtp-url",
        smtp.as_str(),
    ];
    let log = log_file(&dir.path().join("server.log"));
    // The dying server's claim lasts a second, so the restart takes the answer
    // over at once; the restart's own claim lasts the default two minutes, so
    // however slow this machine, nothing sends it a third time meanwhile.
    let mut armed = Server::start_with_env(
        BIN,
        &db,
        &[
            &["--static", "/nonexistent", "--outbox-lease-secs", "1"],
            &flags[..],
        ]
        .concat(),
        &[(deskmove_server::mail::send::FAULT_ENV, "1")],
        "warn",
        log,
    );
    let ada = Session::sign_in(&armed.base, "ada@demo.test").await;
    let res = deskmove_testkit::deliver(
        &armed.base,
        "From: kari@example.com\r\nTo: support@demo.test\r\nSubject: Saddle\r\n\
         Message-ID: <k1@example.com>\r\n\r\nIt wobbles.\r\n",
        None,
    )
    .await;
    let conversation: Value = res.json().await.unwrap();
    let conversation = conversation["conversation_id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = ada
        .post(
            &format!("/api/conversations/{conversation}/replies"),
            json!({"body": "A new one is on its way."}),
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::ACCEPTED);
    let answer: deskmove_rules::Message = res.json().await.unwrap();
    // The relay says yes, and the server dies before it writes so down.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while armed.child.try_wait().unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the armed fault never fired"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(relay.until_caught(1).await.len(), 1);

    let server = start(&db, &flags);
    let ada = Session::sign_in(&server.base, "ada@demo.test").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let thread: Vec<deskmove_rules::Message> = ada
            .read(&format!("/api/conversations/{conversation}/messages"))
            .await;
        let now = thread.iter().find(|m| m.id == answer.id).unwrap();
        if now.state == Some(deskmove_rules::DeliveryState::Sent) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never sent again: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Sent is recorded and no claim is open: once the relay's queue is empty
    // it has delivered all there will be.
    relay.until_caught(2).await;
    let caught = relay.all_delivered().await;
    assert_eq!(caught.len(), 2, "sent once more, not twice more");
    let id = format!("<{}>", answer.mail_id.unwrap());
    for copy in &caught {
        assert!(copy.contains(&format!("Message-ID: {id}")), "{copy}");
    }
    kill(server);
}
