//! `deskmove-server bench`: seeds a fresh database with N demo conversations and moves
//! Support email through the real engine, reporting the time, the rate and peak memory.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::Utc;
use deskmove_rules::MoveState;

use crate::catalog::Catalog;
use crate::engine::Engine;
use crate::events::EventHub;
use crate::store::{NewMove, Store};
use crate::{demo, store};

pub struct BenchReport {
    pub conversations: u32,
    pub seed: Duration,
    pub history: i64,
    pub tickets_created: i64,
    pub moved_in: Duration,
    pub peak_rss_kib: Option<u64>,
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.moved_in.as_secs_f64();
        writeln!(f, "demo conversations      {}", self.conversations)?;
        writeln!(
            f,
            "seeding                 {:.2} s",
            self.seed.as_secs_f64()
        )?;
        writeln!(
            f,
            "Support email history   {} conversations ({} tickets created)",
            self.history, self.tickets_created
        )?;
        writeln!(f, "move, end to end        {secs:.2} s")?;
        writeln!(
            f,
            "rate                    {:.0} conversations/s",
            self.history as f64 / secs.max(1e-9)
        )?;
        match self.peak_rss_kib {
            Some(k) => write!(f, "peak memory (VmHWM)     {:.1} MiB", k as f64 / 1024.0),
            None => write!(f, "peak memory             unknown on this system"),
        }
    }
}

/// The process's peak resident memory, from Linux's /proc.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

pub async fn run(
    conversations: u32,
    batch: i64,
    dir: Option<PathBuf>,
) -> anyhow::Result<BenchReport> {
    let dir = dir.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("deskmove-bench-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let store = Store::open_sqlite(&db).await?;
    let t = Instant::now();
    demo::seed(&store, conversations, Utc::now()).await?;
    let seed = t.elapsed();

    let account = 1;
    let catalog = Catalog::load(&store, account).await?;
    let channel = catalog
        .channels
        .iter()
        .find(|c| c.name == "Support email")
        .ok_or_else(|| anyhow::anyhow!("the demo has no Support email"))?;
    let pipeline = store
        .pipeline(account)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no pipeline"))?;
    let status = |label: &str| {
        pipeline
            .statuses
            .iter()
            .find(|s| s.label == label)
            .and_then(|s| store::parse_id(&s.id))
            .ok_or_else(|| anyhow::anyhow!("no status {label}"))
    };
    let history = (status("Waiting on us")?, status("Closed")?);

    let engine = Engine::new(store.clone(), EventHub::new(), batch, Duration::ZERO);
    let t = Instant::now();
    let row = store
        .start_move(&NewMove {
            account_id: account,
            channel_id: channel.id,
            requested_by: 1,
            history: Some(history),
            mute_notifications: false,
        })
        .await
        .map_err(|e| anyhow::anyhow!("the move did not start: {e:?}"))?;
    engine.drive(row.id).await;
    let moved_in = t.elapsed();
    let done = store
        .move_by_id(account, row.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("move vanished"))?;
    anyhow::ensure!(
        done.state == MoveState::Completed,
        "the move ended {:?}",
        done.state
    );
    let violations = store.check().await?;
    anyhow::ensure!(violations.is_empty(), "invariants broken: {violations:?}");
    let report = BenchReport {
        conversations,
        seed,
        history: done.moved,
        tickets_created: done.tickets_created,
        moved_in,
        peak_rss_kib: peak_rss_kib(),
    };
    store.pool().close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(report)
}
