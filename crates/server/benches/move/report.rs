//! What a run reports: first load, peak memory and the printed table.

use std::path::Path;
use std::time::Duration;

use deskmove_rules::Move;

use crate::load::Latencies;
use crate::Args;
/// Gzipped bytes (level 9) of each wasm, JS and CSS file of the release build.
pub(crate) fn first_load(dist: &Path) -> anyhow::Result<Option<Vec<(String, u64, u64)>>> {
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
pub(crate) fn peak_rss_kib(status: &str) -> Option<u64> {
    let status = std::fs::read_to_string(status).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

pub(crate) struct Report<'a> {
    pub(crate) args: &'a Args,
    pub(crate) seed: Duration,
    pub(crate) done: Move,
    pub(crate) quiet_in: Duration,
    pub(crate) moved_in: Duration,
    pub(crate) limit: Duration,
    pub(crate) arrivals: Latencies,
    pub(crate) reads: Latencies,
    pub(crate) event_latency: Latencies,
    pub(crate) first_load: Option<Vec<(String, u64, u64)>>,
    pub(crate) seed_peak: Option<u64>,
    pub(crate) move_peak: Option<u64>,
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
