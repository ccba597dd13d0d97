//! The move benchmark of BENCHMARKS.md:
//!
//! ```sh
//! cargo bench -p deskmove-server --bench move -- --conversations 1000000
//! ```
//!
//! On a fresh SQLite file it seeds N demo conversations, then, each on a
//! byte-for-byte copy of that file:
//! 1. the limit: the same changes a move of Support email makes, in the fewest
//!    plain set-based statements, one transaction;
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

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use chrono::Utc;
use clap::Parser;
use deskmove_rules::{
    demo, AccountId, ChannelId, ChannelKind, ChannelSettings, Move, StatusId, Workspace,
};
use deskmove_server::catalog::Catalog;
use deskmove_server::engine;
use deskmove_server::store::{self, Store};
use deskmove_testkit::{Events, Server, Session};
use tokio::sync::watch;
use tokio::task::JoinSet;

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
    let scratch = match &args.dir {
        Some(d) => tempfile::tempdir_in(d)?,
        None => tempfile::tempdir()?,
    };
    let db = scratch.path().join("bench.db");

    // Seeding, plus one empty channel per `move` event run.
    let store = Store::open_sqlite(&db).await?;
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

    // Three byte-for-byte copies of the same rows: the limit, the quiet move, and
    // the move under load.
    let copy = |name: &str| -> anyhow::Result<PathBuf> {
        let to = scratch.path().join(name);
        remove_db(&to)?;
        std::fs::copy(&db, &to)?;
        Ok(to)
    };
    // The limit and the quiet move take turns, `repeat` times each: the medians.
    let mut limits = Vec::new();
    let mut quiets = Vec::new();
    let mut quiet_move = None;
    for _ in 0..args.repeat.max(1) {
        let limit_db = copy("limit.db")?;
        let limit_store = Store::open_sqlite(&limit_db).await?;
        let t = Instant::now();
        let work = limit_store
            .move_at_once(ACCOUNT, ids.support_email, ids.statuses, Utc::now())
            .await?;
        limits.push(t.elapsed());
        limit_store.close().await;
        remove_db(&limit_db)?;

        let quiet_db = copy("quiet.db")?;
        let mut quiet = Served::start(&args, &quiet_db).await?;
        let (m, took) = quiet.move_support_email(&ids).await?;
        quiets.push(took);
        quiet.stop().await?;
        remove_db(&quiet_db)?;
        ensure!(
            (m.tickets_created as i64, m.moved as i64) == work,
            "the engine and the limit did different work: {m:?}, {work:?}"
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
    let reads = reads.await??;
    ensure!(
        (done.moved, done.tickets_created) == (quiet_move.moved, quiet_move.tickets_created),
        "the move under load did different work: {done:?}, {quiet_move:?}"
    );

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
    served.stop().await?;

    let report = Report {
        args: &args,
        seed,
        done,
        quiet_in,
        moved_in,
        limit,
        arrivals,
        reads,
        event_latency: Latencies::of(event_latency, 0),
        first_load: first_load(&args.dist)?,
        seed_peak,
        move_peak,
    };
    println!("{report}");
    Ok(())
}

/// The server binary (the bench profile's build) on a loopback port, with Ada and
/// Sam signed in and Sam listening.
struct Served {
    server: Server,
    db: PathBuf,
    base: String,
    ada: Session,
    sam: Session,
    heard: Events,
}

impl Served {
    async fn start(args: &Args, db: &Path) -> anyhow::Result<Served> {
        let batch = args.batch.to_string();
        let dist = args.dist.to_string_lossy().into_owned();
        let flags = [
            "--ingest-token",
            INGEST_TOKEN,
            "--static",
            &dist,
            "--move-batch",
            &batch,
        ];
        let server = Server::start(BIN, db, &flags, "warn", Stdio::null());
        let base = server.base.clone();
        let ada = Session::sign_in(&base, "ada@demo.test").await;
        let sam = Session::sign_in(&base, "sam@demo.test").await;
        let heard = sam.events().await;
        Ok(Served {
            server,
            db: db.to_path_buf(),
            base,
            ada,
            sam,
            heard,
        })
    }

    /// The server process's peak resident memory so far.
    fn peak_rss_kib(&self) -> Option<u64> {
        peak_rss_kib(&format!("/proc/{}/status", self.server.child.id()))
    }

    /// Ada moves Support email with all its history; answers the move as it ended
    /// and the time from her request to Sam hearing that it ended.
    async fn move_support_email(&mut self, ids: &Ids) -> anyhow::Result<(Move, Duration)> {
        let t = Instant::now();
        let started = self
            .ada
            .start_move(serde_json::json!({
                "channel_id": ids.support_email,
                "history": {"mode": "all",
                    "open_status_id": ids.statuses.0, "closed_status_id": ids.statuses.1},
            }))
            .await;
        let (done, ended) = self.heard.until_ended(started.id).await;
        Ok((done, ended - t))
    }

    /// Stops the server and checks the invariants on what it left.
    async fn stop(self) -> anyhow::Result<()> {
        self.server.kill();
        let store = Store::open_sqlite(&self.db).await?;
        let violations = store.check().await?;
        store.close().await;
        ensure!(violations.is_empty(), "invariants broken: {violations:?}");
        Ok(())
    }
}

/// The ids the run needs, read from the seeded database.
struct Ids {
    support_email: ChannelId,
    /// Waiting on us, Closed.
    statuses: (StatusId, StatusId),
    arrival_channels: Vec<ChannelId>,
    event_channels: Vec<ChannelId>,
}

impl Ids {
    async fn load(store: &Store) -> anyhow::Result<Ids> {
        let catalog = Catalog::load(store, ACCOUNT).await?;
        let channel = |name: &str| {
            catalog
                .channels
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.id)
                .with_context(|| format!("the demo has no {name}"))
        };
        let pipeline = store.pipeline(ACCOUNT).await?.context("no pipeline")?;
        let status = |label: &str| {
            pipeline
                .statuses
                .iter()
                .find(|s| s.label == label)
                .map(|s| s.id)
                .with_context(|| format!("no status {label}"))
        };
        Ok(Ids {
            support_email: channel("Support email")?,
            statuses: (status("Waiting on us")?, status("Closed")?),
            arrival_channels: ARRIVAL_CHANNELS
                .iter()
                .map(|n| channel(n))
                .collect::<anyhow::Result<_>>()?,
            event_channels: catalog
                .channels
                .iter()
                .filter(|c| c.name.starts_with("Event run "))
                .map(|c| c.id)
                .collect(),
        })
    }
}

fn expect_status(res: reqwest::Response, want: reqwest::StatusCode) -> anyhow::Result<()> {
    ensure!(
        res.status() == want,
        "{} answered {}",
        res.url(),
        res.status()
    );
    Ok(())
}

/// Sends `per_second` requests a second until `stop`, each on its own task, and
/// answers their latencies from when each was due.
async fn paced<F, Fut>(
    per_second: u32,
    mut stop: watch::Receiver<bool>,
    request: F,
) -> anyhow::Result<Latencies>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let mut latencies = Vec::new();
    let mut failed = 0;
    if per_second == 0 {
        return Ok(Latencies::of(latencies, failed));
    }
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(per_second)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut running = JoinSet::new();
    for i in 0.. {
        let due = tokio::select! {
            due = tick.tick() => due.into_std(),
            _ = stop.changed() => break,
        };
        let sent = request(i);
        running.spawn(async move { sent.await.map(|()| due.elapsed()) });
        while let Some(done) = running.try_join_next() {
            match done? {
                Ok(l) => latencies.push(l),
                Err(_) => failed += 1,
            }
        }
    }
    while let Some(done) = running.join_next().await {
        match done? {
            Ok(l) => latencies.push(l),
            Err(_) => failed += 1,
        }
    }
    Ok(Latencies::of(latencies, failed))
}

/// Deletes a database file with its WAL and shared-memory files.
fn remove_db(path: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

fn median(mut all: Vec<Duration>) -> Duration {
    all.sort();
    all.get(all.len() / 2).copied().unwrap_or_default()
}

struct Latencies {
    sorted: Vec<Duration>,
    failed: usize,
}

impl Latencies {
    fn of(mut all: Vec<Duration>, failed: usize) -> Latencies {
        all.sort();
        Latencies {
            sorted: all,
            failed,
        }
    }

    /// The nearest-rank percentile.
    fn percentile(&self, p: usize) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = (p * self.sorted.len()).div_ceil(100).max(1);
        self.sorted[rank - 1]
    }
}

impl std::fmt::Display for Latencies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        write!(
            f,
            "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} requests, {} failed)",
            ms(self.percentile(50)),
            ms(self.percentile(99)),
            ms(self.percentile(100)),
            self.sorted.len() + self.failed,
            self.failed
        )
    }
}

/// Gzipped bytes (level 9) of each wasm, JS and CSS file of the release build.
fn first_load(dist: &Path) -> anyhow::Result<Option<Vec<(String, u64, u64)>>> {
    use std::io::Write;
    let Ok(entries) = std::fs::read_dir(dist) else {
        return Ok(None);
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "wasm" | "js" | "css") {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes)?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        files.push((
            name.into_owned(),
            bytes.len() as u64,
            gz.finish()?.len() as u64,
        ));
    }
    files.sort();
    Ok(Some(files))
}

/// A process's peak resident memory (VmHWM), from Linux's /proc.
fn peak_rss_kib(status: &str) -> Option<u64> {
    let status = std::fs::read_to_string(status).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

struct Report<'a> {
    args: &'a Args,
    seed: Duration,
    done: Move,
    quiet_in: Duration,
    moved_in: Duration,
    limit: Duration,
    arrivals: Latencies,
    reads: Latencies,
    event_latency: Latencies,
    first_load: Option<Vec<(String, u64, u64)>>,
    seed_peak: Option<u64>,
    move_peak: Option<u64>,
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = |d: Duration| d.as_secs_f64();
        let rate = |d: Duration| self.done.moved as f64 / secs(d).max(1e-9);
        writeln!(f, "demo conversations        {}", self.args.conversations)?;
        writeln!(f, "seeding                   {:.2} s", secs(self.seed))?;
        writeln!(
            f,
            "Support email history     {} conversations moved, {} tickets created",
            self.done.moved, self.done.tickets_created
        )?;
        writeln!(
            f,
            "limit, same rows          {:.2} s (median of {})",
            secs(self.limit),
            self.args.repeat.max(1)
        )?;
        writeln!(
            f,
            "move, quiet               {:.2} s ({:.0} conversations/s), {:.2}x the limit (median)",
            secs(self.quiet_in),
            rate(self.quiet_in),
            secs(self.quiet_in) / secs(self.limit).max(1e-9)
        )?;
        writeln!(
            f,
            "move, under load          {:.2} s ({:.0} conversations/s), {:.2}x the limit",
            secs(self.moved_in),
            rate(self.moved_in),
            secs(self.moved_in) / secs(self.limit).max(1e-9)
        )?;
        writeln!(
            f,
            "arrivals during the move  {} ({}/s asked)",
            self.arrivals, self.args.arrivals
        )?;
        writeln!(
            f,
            "reads during the move     {} ({}/s asked)",
            self.reads, self.args.reads
        )?;
        writeln!(f, "move event, second client {}", self.event_latency)?;
        let mib = |k: Option<u64>| match k {
            Some(k) => format!("{:.1} MiB", k as f64 / 1024.0),
            None => "unknown".into(),
        };
        writeln!(
            f,
            "peak memory (VmHWM)       seeding {}; the server, start to the end of the move under load, {}",
            mib(self.seed_peak),
            mib(self.move_peak)
        )?;
        match &self.first_load {
            None => write!(
                f,
                "first load                no build in {} (trunk build --release)",
                self.args.dist.display()
            ),
            Some(files) => {
                let total: u64 = files.iter().map(|(_, _, gz)| gz).sum();
                write!(
                    f,
                    "first load                {:.1} KB gzipped:",
                    total as f64 / 1000.0
                )?;
                for (name, raw, gz) in files {
                    write!(f, "\n  {name}: {raw} bytes, {gz} gzipped")?;
                }
                Ok(())
            }
        }
    }
}
