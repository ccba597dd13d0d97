//! Paced load, with latencies taken from when each request was due.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

/// Sends `per_second` requests a second until `stop`, each on its own task, and
/// answers their latencies from when each was due.
pub(crate) async fn paced<F, Fut>(
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

pub(crate) fn median(mut all: Vec<Duration>) -> Duration {
    all.sort();
    all.get(all.len() / 2).copied().unwrap_or_default()
}

pub(crate) struct Latencies {
    pub(crate) sorted: Vec<Duration>,
    pub(crate) failed: usize,
}

impl Latencies {
    pub(crate) fn of(mut all: Vec<Duration>, failed: usize) -> Latencies {
        all.sort();
        Latencies {
            sorted: all,
            failed,
        }
    }

    /// The nearest-rank percentile.
    pub(crate) fn percentile(&self, p: usize) -> Duration {
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
