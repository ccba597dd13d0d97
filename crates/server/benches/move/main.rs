//! The move benchmark of BENCHMARKS.md:
//!
//! ```sh
//! cargo bench -p deskmove-server --bench move -- --conversations 1000000
//! ```
//!
//! On a fresh SQLite file (or, with `--db postgres://…`, a fresh PostgreSQL
//! database) it seeds N demo conversations, then, each on a byte-for-byte copy of
//! that file (a `CREATE DATABASE … TEMPLATE` copy on PostgreSQL):
//! 1. the limit: the same changes a move of Support email makes, in the fewest
//!    plain set-based statements, one transaction (on PostgreSQL
//!    `limit.pg.sql`, run with psql);
//! 2. the move, quiet: the real server on a loopback port; Ada starts the move over
//!    HTTP and Sam's event stream tells when it ended;
//! 3. the move under load: the same, while arrivals on other channels and reads of
//!    `GET /api/moves/current` run at a steady rate;
//!
//! then how long after `POST /api/moves` Sam's stream has the `move` event, and
//! the first load: the release build's wasm, JS and CSS, gzipped.
//!
//! Latencies are taken from when each request was due, so a stalled server can't
//! hide its queue (no coordinated omission).

mod lists;
mod load;
mod report;
mod report_csv;
mod scratch;
mod served;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{ensure, Context};
use chrono::Utc;
use clap::Parser;
use deskmove_rules::{demo, AccountId, ChannelKind, ChannelSettings, Workspace};
use deskmove_server::engine;
use deskmove_server::store::{self, Store};
use tokio::sync::watch;

use crate::load::{median, paced, Latencies};
use crate::report::{peak_rss_kib, visits, Report};
use crate::scratch::Scratch;
use crate::served::{expect_status, Ids, Served};

#[derive(Parser)]
struct Args {
    /// Demo conversations to seed.
    #[arg(long, default_value_t = 100_000)]
    conversations: u32,
    /// Conversations per move batch (the server's --move-batch).
    #[arg(long, default_value_t = engine::DEFAULT_BATCH)]
    batch: i64,
    /// Conversations arriving per second on other channels during the move.
    #[arg(long, default_value_t = 200)]
    arrivals: u32,
    /// Raw mail messages per second delivered to Sales email during the move
    /// (`POST /api/ingest/email`; every third answers the one before it).
    #[arg(long, default_value_t = 100)]
    mail: u32,
    /// Reads of GET /api/moves/current per second during the move.
    #[arg(long, default_value_t = 200)]
    reads: u32,
    /// Runs of the limit and of the quiet move (the report gives their medians).
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Moves timed for the `move` event at a second client.
    #[arg(long, default_value_t = 20)]
    event_runs: usize,
    /// The app's release build (`trunk build --release`).
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../dist"))]
    dist: PathBuf,
    /// Where the scratch databases go (default: the system's temp folder).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Run on PostgreSQL instead: a `postgres://` URL to any database of the
    /// server, as a user who may create databases (the run's are `deskmove_bench_*`).
    #[arg(long)]
    db: Option<String>,
    /// Passed by `cargo bench`.
    #[arg(long, hide = true)]
    bench: bool,
}

const ACCOUNT: AccountId = AccountId::of(1);
const BIN: &str = env!("CARGO_BIN_EXE_deskmove-server");
const INGEST_TOKEN: &str = "bench-ingest-token";
const ARRIVAL_CHANNELS: [&str; 4] = [
    "Contact us form",
    "Support line",
    "Website chat",
    "Sales email",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let scratch = Scratch::new(&args)?;
    let db = scratch.fresh("seed").await?;

    // Seeding, plus one empty channel per `move` event run.
    let store = Store::open_at(&db).await?;
    let t = Instant::now();
    deskmove_server::demo::seed(&store, args.conversations, Utc::now()).await?;
    let seed = t.elapsed();
    let seed_peak = peak_rss_kib("/proc/self/status");
    let mut tx = store.begin().await?;
    for i in 0..args.event_runs {
        store::insert_channel(
            &mut tx,
            ACCOUNT,
            &store::NewChannel {
                inbox: demo::SUPPORT,
                kind: ChannelKind::Email,
                name: &format!("Event run {i}"),
                address: &format!("event-run-{i}@demo.test"),
                workspace: Workspace::Inbox,
                settings: &ChannelSettings::default(),
            },
        )
        .await?;
    }
    tx.commit().await?;
    let ids = Ids::load(&store).await?;
    store.checkpoint().await?;
    store.close().await;
    scratch.settle(&db).await?;

    // Copies of the same rows: the limit, the quiet move, and the move under load.
    // The limit and the quiet move take turns, `repeat` times each: the medians.
    let mut limits = Vec::new();
    let mut quiets = Vec::new();
    let mut quiet_move = None;
    for _ in 0..args.repeat.max(1) {
        let limit_db = scratch.copy(&db, "limit").await?;
        let limit = scratch.limit(&limit_db, &ids).await?;
        limits.push(limit.took);
        scratch.remove(&limit_db).await?;

        let quiet_db = scratch.copy(&db, "quiet").await?;
        let mut quiet = Served::start(&args, &quiet_db).await?;
        let (m, took) = quiet.move_support_email(&ids).await?;
        quiets.push(took);
        quiet.stop().await?;
        scratch.remove(&quiet_db).await?;
        ensure!(
            (m.tickets_created as i64, m.moved as i64) == limit.work,
            "the engine and the limit did different work: {m:?}, {:?}",
            limit.work
        );
        quiet_move = Some(m);
    }
    let quiet_move = quiet_move.context("no quiet move")?;
    let (limit, quiet_in) = (median(limits), median(quiets));

    let mut served = Served::start(&args, &db).await?;
    let (stop, stopped) = watch::channel(false);
    let arrivals = {
        let (base, channels) = (served.base.clone(), ids.arrival_channels.clone());
        let http = reqwest::Client::new();
        tokio::spawn(paced(args.arrivals, stopped.clone(), move |i| {
            let url = format!(
                "{base}/api/ingest/channels/{}/conversations",
                channels[i % channels.len()]
            );
            let req = http
                .post(url)
                .bearer_auth(INGEST_TOKEN)
                .json(&serde_json::json!({
                    "contact": format!("Bench arrival {i}"),
                    "subject": "Arrived during the move",
                    "body": "Hello",
                }));
            async move { expect_status(req.send().await?, reqwest::StatusCode::CREATED) }
        }))
    };
    let mail = {
        let url = format!("{}/api/ingest/email", served.base);
        let http = reqwest::Client::new();
        tokio::spawn(paced(args.mail, stopped.clone(), move |i| {
            let reply = if i % 3 == 2 {
                format!("In-Reply-To: <bench-mail-{}@example.com>\r\n", i - 1)
            } else {
                String::new()
            };
            let message = format!(
                "From: Customer {i} <customer{i}@example.com>\r\nTo: Sales <sales@demo.test>\r\n\
                 Subject: Mail during the move {i}\r\nMessage-ID: <bench-mail-{i}@example.com>\r\n\
                 {reply}Content-Type: text/plain; charset=utf-8\r\n\r\nHello, this is message {i}.\r\n"
            );
            let req = http
                .post(&url)
                .bearer_auth(INGEST_TOKEN)
                .header("content-type", "message/rfc822")
                .body(message);
            async move { expect_status(req.send().await?, reqwest::StatusCode::CREATED) }
        }))
    };
    let reads = {
        let (http, url) = (
            served.sam.client.clone(),
            format!("{}/api/moves/current", served.base),
        );
        tokio::spawn(paced(args.reads, stopped, move |_| {
            let req = http.get(&url);
            async move { expect_status(req.send().await?, reqwest::StatusCode::OK) }
        }))
    };
    let (done, moved_in) = served.move_support_email(&ids).await?;
    let move_peak = served.peak_rss_kib();
    stop.send_replace(true);
    let arrivals = arrivals.await??;
    let mail = mail.await??;
    let reads = reads.await??;
    ensure!(
        (done.moved, done.tickets_created) == (quiet_move.moved, quiet_move.tickets_created),
        "the move under load did different work: {done:?}, {quiet_move:?}"
    );
    let csv = report_csv::download(&served, &done).await?;

    // The `move` event at a second client.
    let mut event_latency = Vec::new();
    for channel in &ids.event_channels {
        let t = Instant::now();
        let m = served
            .ada
            .start_move(serde_json::json!({"channel_id": channel, "history": {"mode": "none"}}))
            .await;
        event_latency.push(served.heard.next_of(m.id).await.1 - t);
        served.heard.until_ended(m.id).await;
    }
    let visits = visits(&served.base, &args.dist).await?;
    let list_pages = lists::pages(&served.sam, 30).await;
    served.stop().await?;
    scratch.remove(&db).await?;

    let report = Report {
        args: &args,
        backend: scratch.backend(),
        seed,
        done,
        quiet_in,
        moved_in,
        limit,
        arrivals,
        mail,
        reads,
        event_latency: Latencies::of(event_latency, 0),
        visits,
        list_pages,
        seed_peak,
        move_peak,
        csv,
    };
    println!("{report}");
    Ok(())
}
