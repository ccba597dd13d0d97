//! The answers benchmark of BENCHMARKS.md (R33):
//!
//! ```sh
//! cargo bench -p deskmove-server --bench answers -- --rate 50 --seconds 60
//! ```
//!
//! A real Postfix on a loopback port is the relay (the test kit's, delivering
//! example.com to a folder). The server binary runs on a fresh SQLite file with
//! the demo account and `--smtp-url` pointing at it. First arrivals alone, for a
//! baseline; then agents answer `--rate` conversations a second for `--seconds`
//! (`POST /api/conversations/{id}/replies`, each a conversation of its own that
//! came in as raw mail), while the same arrivals flow. It waits until every
//! answer left the outbox and reports, from the database, how long each took
//! from its commit to the relay's 250, and checks that the relay delivered every
//! one of them, each once.
//!
//! Latencies of requests are taken from when each was due (no coordinated
//! omission).

// Only its pacing and percentiles are used here.
#[allow(dead_code)]
#[path = "move/load.rs"]
mod load;

use std::collections::HashSet;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use chrono::Utc;
use clap::Parser;
use deskmove_server::store::{Database, Store};
use deskmove_testkit::postfix::Postfix;
use deskmove_testkit::{Server, Session};
use sqlx::Row;
use tokio::sync::watch;

use crate::load::{paced, Latencies};

#[derive(Parser)]
struct Args {
    /// Answers per second.
    #[arg(long, default_value_t = 50)]
    rate: u32,
    /// How long the answers go on.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// JSON arrivals per second on other channels, throughout.
    #[arg(long, default_value_t = 100)]
    arrivals: u32,
    /// Seconds of arrivals alone first (the baseline).
    #[arg(long, default_value_t = 20)]
    baseline: u64,
    /// Passed by `cargo bench`.
    #[arg(long, hide = true)]
    bench: bool,
}

const BIN: &str = env!("CARGO_BIN_EXE_deskmove-server");
const INGEST_TOKEN: &str = "bench-ingest-token";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    deskmove_testkit::postfix::unavailable()
        .map_or(Ok(()), |why| Err(anyhow::anyhow!("no Postfix: {why}")))?;
    let relay = Postfix::start(None);
    let dir = tempfile::tempdir()?;
    let db = Database::Sqlite(dir.path().join("answers.db"));
    let store = Store::open_at(&db).await?;
    deskmove_server::demo::seed(&store, 1_000, Utc::now()).await?;
    store.close().await;

    let smtp = relay.smtp_url();
    let server = Server::start_on(
        BIN,
        &db.to_flag(),
        &[
            "--ingest-token",
            INGEST_TOKEN,
            "--smtp-url",
            &smtp,
            "--mail-from-domain",
            "deskmove.test",
        ],
        &[],
        "warn",
        Stdio::inherit(),
    );
    let base = server.base.clone();
    let ada = Session::sign_in(&base, "ada@demo.test").await;
    let sam = Session::sign_in(&base, "sam@demo.test").await;
    let arrival_channel = ada.channel_id("Support line").await;

    // One conversation per answer, each from a customer's raw mail (and a
    // second's worth more: the pacing's last tick may fall on the stop).
    let total = args.rate as usize * (args.seconds as usize + 1);
    let http = reqwest::Client::new();
    let mut conversations = Vec::with_capacity(total);
    for i in 0..total {
        let message = format!(
            "From: Customer {i} <customer{i}@example.com>\r\nTo: support@demo.test\r\n\
             Subject: Question {i}\r\nMessage-ID: <bench-question-{i}@example.com>\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\nHow do I fix puncture {i}?\r\n"
        );
        let res = http
            .post(format!("{base}/api/ingest/email"))
            .bearer_auth(INGEST_TOKEN)
            .header("content-type", "message/rfc822")
            .body(message)
            .send()
            .await?;
        ensure!(res.status().is_success(), "mail {i}: {}", res.status());
        let body: serde_json::Value = res.json().await?;
        conversations.push(
            body["conversation_id"]
                .as_str()
                .context("a conversation id")?
                .to_string(),
        );
    }

    let arrivals = |stopped: watch::Receiver<bool>| {
        let (base, http) = (base.clone(), http.clone());
        tokio::spawn(paced(args.arrivals, stopped, move |i| {
            let req = http
                .post(format!(
                    "{base}/api/ingest/channels/{arrival_channel}/conversations"
                ))
                .bearer_auth(INGEST_TOKEN)
                .json(&serde_json::json!({
                    "contact": format!("Bench caller {i}"),
                    "subject": "Arrived while agents answer",
                    "body": "Hello",
                }));
            async move {
                let res = req.send().await?;
                ensure!(
                    res.status() == reqwest::StatusCode::CREATED,
                    "{}",
                    res.status()
                );
                Ok(())
            }
        }))
    };

    // The baseline: arrivals alone.
    let (stop, stopped) = watch::channel(false);
    let alone = arrivals(stopped);
    tokio::time::sleep(Duration::from_secs(args.baseline)).await;
    stop.send_replace(true);
    let alone = alone.await??;

    // Answers, with the same arrivals.
    let (stop, stopped) = watch::channel(false);
    let beside = arrivals(stopped.clone());
    let answering = {
        let (client, csrf) = (sam.client.clone(), sam.me.csrf_token.clone());
        let (base, conversations) = (base.clone(), conversations.clone());
        tokio::spawn(paced(args.rate, stopped, move |i| {
            let req = conversations.get(i).map(|c| {
                client
                    .post(format!("{base}/api/conversations/{c}/replies"))
                    .header("x-csrf-token", &csrf)
                    .json(&serde_json::json!({
                        "body": format!("Hello, here is how to fix puncture {i}.")
                    }))
            });
            async move {
                let res = req.context("no conversation left")?.send().await?;
                ensure!(
                    res.status() == reqwest::StatusCode::ACCEPTED,
                    "{}",
                    res.status()
                );
                Ok(())
            }
        }))
    };
    let t = Instant::now();
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    stop.send_replace(true);
    let answered = answering.await??;
    let beside = beside.await??;

    // Until the outbox is empty.
    let store = Store::open_at(&db).await?;
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let queued: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM messages WHERE direction = 'out' AND state = 'queued'",
        )
        .fetch_one(store.pool())
        .await?
        .try_get("n")?;
        if queued == 0 {
            break;
        }
        ensure!(Instant::now() < deadline, "{queued} answers still queued");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let drained = t.elapsed();
    let rows = sqlx::query(
        "SELECT state, created_at, sent_at FROM messages WHERE direction = 'out' ORDER BY id",
    )
    .fetch_all(store.pool())
    .await?;
    let mut to_sent = Vec::new();
    let mut failed = 0;
    for r in &rows {
        match r.try_get::<Option<i64>, _>("sent_at")? {
            Some(sent) if r.try_get::<String, _>("state")? == "sent" => {
                let took = sent - r.try_get::<i64, _>("created_at")?;
                to_sent.push(Duration::from_millis(took.max(0) as u64));
            }
            _ => failed += 1,
        }
    }
    let to_sent = Latencies::of(to_sent, failed);
    store.close().await;
    let peak = std::fs::read_to_string(format!("/proc/{}/status", server.child.id()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default();

    // Every answer reached the relay's mailbox, each once.
    relay.until_caught(rows.len()).await;
    let caught = relay.all_delivered().await;
    let ids: HashSet<&str> = caught
        .iter()
        .filter_map(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("Message-ID: "))
                .map(str::trim)
        })
        .collect();
    server.kill();

    println!("Answers through a real Postfix relay (R33)");
    println!(
        "- answers: {} queued in {} s at {}/s; outbox empty {:.1} s after the first",
        rows.len(),
        args.seconds,
        args.rate,
        drained.as_secs_f64()
    );
    println!("- commit to the relay's 250: {to_sent}");
    println!("- POST .../replies: {answered}");
    println!("- arrivals alone ({} s): {alone}", args.baseline);
    println!("- arrivals beside the answers: {beside}");
    println!(
        "- the relay delivered {} messages, {} distinct Message-IDs",
        caught.len(),
        ids.len()
    );
    println!("- server peak memory: {peak}");
    ensure!(failed == 0, "{failed} answers not sent");
    ensure!(
        caught.len() == rows.len() && ids.len() == rows.len(),
        "every answer delivered once"
    );
    Ok(())
}
