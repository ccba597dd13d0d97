//! The move benchmark of BENCHMARKS.md:
//!
//! ```sh
//! cargo bench -p deskmove-server --bench move -- --conversations 1000000
//! ```
//!
//! On a fresh SQLite file it seeds N demo conversations, then:
//! 1. the limit: on a byte-for-byte copy of that file, the same changes a move of
//!    Support email makes, in the fewest plain set-based statements;
//! 2. the move: the real server on a loopback port; Ada starts the move over HTTP
//!    while arrivals on other channels and reads of `GET /api/moves/current` run at
//!    a steady rate, and Sam's event stream tells when it ended;
//! 3. the `move` event: how long after `POST /api/moves` Sam's stream has it;
//! 4. the first load: the release build's wasm, JS and CSS, gzipped.
//!
//! Latencies are taken from when each request was due, so a stalled server can't
//! hide its queue (no coordinated omission).

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context};
use chrono::Utc;
use clap::Parser;
use deskmove_rules::{
    ChannelKind, ChannelSettings, HistoryChoice, Me, Move, MoveRequest, MoveState, Workspace,
};
use deskmove_server::catalog::Catalog;
use deskmove_server::config::Settings;
use deskmove_server::startup::Application;
use deskmove_server::store::{self, Store};
use deskmove_server::{demo, engine};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use tokio::sync::{mpsc, watch};
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

const ACCOUNT: i64 = 1;
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
    demo::seed(&store, args.conversations, Utc::now()).await?;
    let seed = t.elapsed();
    let mut tx = store.begin().await?;
    for i in 0..args.event_runs {
        store::insert_channel(
            &mut tx,
            ACCOUNT,
            1,
            ChannelKind::Email,
            &format!("Event run {i}"),
            &format!("event-run-{i}@demo.test"),
            Workspace::Inbox,
            &ChannelSettings::default(),
        )
        .await?;
    }
    tx.commit().await?;
    let ids = Ids::load(&store).await?;
    store.checkpoint().await?;
    store.pool().close().await;

    // The limit, on a copy of the same rows.
    let limit_db = scratch.path().join("limit.db");
    std::fs::copy(&db, &limit_db)?;
    let limit_store = Store::open_sqlite(&limit_db).await?;
    let t = Instant::now();
    let (limit_created, limit_moved) = limit_store
        .move_at_once(ACCOUNT, ids.support_email, ids.statuses, Utc::now())
        .await?;
    let limit = t.elapsed();
    limit_store.pool().close().await;
    std::fs::remove_file(&limit_db)?;

    // The real server.
    let mut settings = Settings::for_tests(db.clone());
    settings.demo = false;
    settings.ingest_token = Some(INGEST_TOKEN.into());
    settings.static_dir = args.dist.clone();
    settings.move_batch = args.batch;
    let app = Application::build(&settings).await?;
    let base = format!("http://{}", app.address);
    let store = app.store.clone();
    tokio::spawn(app.run());
    let ada = Session::sign_in(&base, "ada@demo.test").await?;
    let sam = Session::sign_in(&base, "sam@demo.test").await?;
    let mut heard = sam.listen().await?;

    // The move, under arrivals and reads.
    let (stop, stopped) = watch::channel(false);
    let arrivals = {
        let (base, channels) = (base.clone(), ids.arrival_channels.clone());
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
        let (http, url) = (sam.http.clone(), format!("{base}/api/moves/current"));
        tokio::spawn(paced(args.reads, stopped, move |_| {
            let req = http.get(&url);
            async move { expect_status(req.send().await?, reqwest::StatusCode::OK) }
        }))
    };
    let t = Instant::now();
    let started = ada
        .start_move(&MoveRequest {
            channel_id: ids.support_email.to_string(),
            history: HistoryChoice::All {
                open_status_id: Some(ids.statuses.0.to_string()),
                closed_status_id: Some(ids.statuses.1.to_string()),
            },
            mute_notifications: false,
        })
        .await?;
    let (done, ended) = heard.until_ended(&started.id).await?;
    let moved_in = ended - t;
    stop.send_replace(true);
    let arrivals = arrivals.await??;
    let reads = reads.await??;
    ensure!(
        done.moved as i64 == limit_moved && done.tickets_created as i64 == limit_created,
        "the engine and the limit did different work: moved {} / {limit_moved}, created {} / {limit_created}",
        done.moved,
        done.tickets_created
    );

    // The `move` event at a second client.
    let mut event_latency = Vec::new();
    for channel in &ids.event_channels {
        let t = Instant::now();
        let m = ada
            .start_move(&MoveRequest {
                channel_id: channel.to_string(),
                history: HistoryChoice::None,
                mute_notifications: false,
            })
            .await?;
        event_latency.push(heard.first_of(&m.id).await? - t);
        heard.until_ended(&m.id).await?;
    }

    let violations = store.check().await?;
    ensure!(violations.is_empty(), "invariants broken: {violations:?}");
    let report = Report {
        args: &args,
        seed,
        done,
        moved_in,
        limit,
        arrivals,
        reads,
        event_latency: Latencies::of(event_latency, 0),
        first_load: first_load(&args.dist)?,
        peak_rss_kib: peak_rss_kib(),
    };
    println!("{report}");
    Ok(())
}

/// The ids the run needs, read from the seeded database.
struct Ids {
    support_email: i64,
    /// Waiting on us, Closed.
    statuses: (i64, i64),
    arrival_channels: Vec<i64>,
    event_channels: Vec<i64>,
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
                .and_then(|s| store::parse_id(&s.id))
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

/// A signed-in browser-like client.
struct Session {
    http: reqwest::Client,
    csrf: String,
    base: String,
}

impl Session {
    async fn sign_in(base: &str, email: &str) -> anyhow::Result<Session> {
        let http = reqwest::Client::builder().cookie_store(true).build()?;
        let res = http
            .post(format!("{base}/api/session"))
            .json(&serde_json::json!({"email": email, "password": demo::PASSWORD}))
            .send()
            .await?;
        let me: Me = expect_json(res, reqwest::StatusCode::OK).await?;
        Ok(Session {
            http,
            csrf: me.csrf_token,
            base: base.to_string(),
        })
    }

    async fn start_move(&self, req: &MoveRequest) -> anyhow::Result<Move> {
        let res = self
            .http
            .post(format!("{}/api/moves", self.base))
            .header("x-csrf-token", &self.csrf)
            .json(req)
            .send()
            .await?;
        expect_json(res, reqwest::StatusCode::ACCEPTED).await
    }

    /// Opens the event stream; each `move` event comes with when it was read.
    async fn listen(&self) -> anyhow::Result<Heard> {
        let res = self
            .http
            .get(format!("{}/api/events", self.base))
            .send()
            .await?;
        ensure!(res.status().is_success(), "events: {}", res.status());
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut events = res.bytes_stream().eventsource();
            while let Some(Ok(event)) = events.next().await {
                if event.event == "move" {
                    if let Ok(m) = serde_json::from_str::<Move>(&event.data) {
                        if tx.send((m, Instant::now())).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Ok(Heard(rx))
    }
}

/// The `move` events one client has read.
struct Heard(mpsc::UnboundedReceiver<(Move, Instant)>);

impl Heard {
    async fn next_of(&mut self, id: &str) -> anyhow::Result<(Move, Instant)> {
        loop {
            let next = tokio::time::timeout(Duration::from_secs(600), self.0.recv()).await;
            match next {
                Ok(Some((m, at))) if m.id == id => return Ok((m, at)),
                Ok(Some(_)) => continue,
                Ok(None) => bail!("the event stream closed"),
                Err(_) => bail!("no event of move {id} in 10 minutes"),
            }
        }
    }

    async fn first_of(&mut self, id: &str) -> anyhow::Result<Instant> {
        Ok(self.next_of(id).await?.1)
    }

    async fn until_ended(&mut self, id: &str) -> anyhow::Result<(Move, Instant)> {
        loop {
            let (m, at) = self.next_of(id).await?;
            match m.state {
                MoveState::Running => continue,
                MoveState::Completed => return Ok((m, at)),
                MoveState::Failed => bail!("move {id} failed: {m:?}"),
            }
        }
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

async fn expect_json<T: serde::de::DeserializeOwned>(
    res: reqwest::Response,
    want: reqwest::StatusCode,
) -> anyhow::Result<T> {
    let (url, status) = (res.url().clone(), res.status());
    if status != want {
        bail!("{url} answered {status}: {}", res.text().await?);
    }
    Ok(res.json().await?)
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
        running.spawn(async move {
            let r = sent.await.map(|()| due.elapsed());
            if let Ok(l) = &r {
                if l.as_millis() > 40 {
                    eprintln!("slow {i} {:?}", l);
                }
            }
            r
        });
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

/// The process's peak resident memory, from Linux's /proc.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

struct Report<'a> {
    args: &'a Args,
    seed: Duration,
    done: Move,
    moved_in: Duration,
    limit: Duration,
    arrivals: Latencies,
    reads: Latencies,
    event_latency: Latencies,
    first_load: Option<Vec<(String, u64, u64)>>,
    peak_rss_kib: Option<u64>,
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = |d: Duration| d.as_secs_f64();
        let rate = self.done.moved as f64 / secs(self.moved_in).max(1e-9);
        writeln!(f, "demo conversations        {}", self.args.conversations)?;
        writeln!(f, "seeding                   {:.2} s", secs(self.seed))?;
        writeln!(
            f,
            "Support email history     {} conversations moved, {} tickets created",
            self.done.moved, self.done.tickets_created
        )?;
        writeln!(
            f,
            "move, end to end          {:.2} s ({rate:.0} conversations/s; POST to the last event at a second client)",
            secs(self.moved_in)
        )?;
        writeln!(f, "limit, same rows          {:.2} s", secs(self.limit))?;
        writeln!(
            f,
            "engine / limit            {:.2}",
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
        match self.peak_rss_kib {
            Some(k) => writeln!(f, "peak memory (VmHWM)       {:.1} MiB", k as f64 / 1024.0)?,
            None => writeln!(f, "peak memory               unknown on this system")?,
        }
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
