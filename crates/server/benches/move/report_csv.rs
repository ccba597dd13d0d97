//! R26: the whole report of the move under load, downloaded as CSV, with what
//! the server's memory did meanwhile.

use std::time::{Duration, Instant};

use anyhow::ensure;
use deskmove_rules::Move;

use crate::served::Served;

pub(crate) struct CsvDownload {
    pub(crate) rows: u64,
    pub(crate) bytes: u64,
    pub(crate) took: Duration,
    /// The server's peak resident memory before the download, and after it.
    pub(crate) peak_before: Option<u64>,
    pub(crate) peak_after: Option<u64>,
    /// The most the server held while the download ran (VmRSS, sampled per chunk).
    pub(crate) rss_most: Option<u64>,
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Ada downloads `m`'s report; every row must be there: one per conversation
/// moved and per arrival, after the header.
pub(crate) async fn download(served: &Served, m: &Move) -> anyhow::Result<CsvDownload> {
    let pid = served.pid();
    let peak_before = served.peak_rss_kib();
    let t = Instant::now();
    let mut res = served
        .ada
        .get(&format!("/api/moves/{}/report.csv", m.id))
        .await;
    ensure!(res.status().is_success(), "report.csv: {}", res.status());
    let (mut bytes, mut lines, mut rss_most) = (0_u64, 0_u64, None::<u64>);
    let mut last = 0_u8;
    while let Some(chunk) = res.chunk().await? {
        bytes += chunk.len() as u64;
        lines += chunk.windows(2).filter(|w| w == b"\r\n").count() as u64;
        // A CRLF split across two chunks.
        if last == b'\r' && chunk.first() == Some(&b'\n') {
            lines += 1;
        }
        last = chunk.last().copied().unwrap_or(last);
        rss_most = rss_most.max(rss_kib(pid));
    }
    let took = t.elapsed();
    let rows = lines.saturating_sub(1);
    ensure!(
        rows == m.moved + m.arrived,
        "the CSV has {rows} rows for {} moved and {} arrived",
        m.moved,
        m.arrived
    );
    Ok(CsvDownload {
        rows,
        bytes,
        took,
        peak_before,
        peak_after: served.peak_rss_kib(),
        rss_most,
    })
}
