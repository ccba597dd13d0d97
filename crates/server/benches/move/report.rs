//! What a run reports: first load, peak memory and the printed table.

use std::path::Path;
use std::time::Duration;

use deskmove_rules::Move;

use crate::load::Latencies;
use crate::report_csv::CsvDownload;
use crate::Args;
/// One file of the page as a browser gets it.
pub(crate) struct Fetched {
    pub(crate) name: String,
    /// The file's own size.
    pub(crate) raw: u64,
    /// The body's bytes over the wire, and how it was encoded.
    pub(crate) wire: u64,
    pub(crate) encoding: String,
}

/// A first and a repeat visit of the page, as a browser that takes brotli and
/// gzip makes them: the page, then every wasm, JS and CSS file of the build but
/// the lazy screens' modules (`split_*`, `chunk_*`: fetched when a screen of
/// theirs opens); on the repeat, the page revalidated and the hashed files from
/// the cache.
pub(crate) struct Visits {
    pub(crate) first: Vec<Fetched>,
    /// The lazy screens' modules: how many, and their bytes over the wire.
    pub(crate) lazy: (usize, u64),
    pub(crate) repeat_status: u16,
    pub(crate) repeat_bytes: u64,
    pub(crate) cached: usize,
}

pub(crate) async fn visits(base: &str, dist: &Path) -> anyhow::Result<Option<Visits>> {
    let Ok(entries) = std::fs::read_dir(dist) else {
        return Ok(None);
    };
    let mut names = vec!["index.html".to_string()];
    for entry in entries {
        let path = entry?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "wasm" | "js" | "css") {
            names.push(
                path.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    names[1..].sort();
    let http = reqwest::Client::new();
    let mut first = Vec::new();
    let mut last_modified = None;
    let mut cached = 0;
    let mut lazy = (0, 0);
    for name in &names {
        let res = http
            .get(format!("{base}/{name}"))
            .header("accept-encoding", "br, gzip")
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "{name}: {}", res.status());
        let header = |h: &str| {
            res.headers()
                .get(h)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let encoding = header("content-encoding");
        let is_lazy = name.starts_with("split_") || name.starts_with("chunk_");
        if name == "index.html" {
            last_modified = Some(header("last-modified"));
        } else if header("cache-control").contains("immutable") && !is_lazy {
            cached += 1;
        }
        let wire = res.bytes().await?.len() as u64;
        if is_lazy {
            lazy = (lazy.0 + 1, lazy.1 + wire);
            continue;
        }
        let raw = std::fs::metadata(dist.join(name))?.len();
        first.push(Fetched {
            name: name.clone(),
            raw,
            wire,
            encoding: if encoding.is_empty() {
                "identity".into()
            } else {
                encoding
            },
        });
    }
    let repeat = http
        .get(format!("{base}/"))
        .header("accept-encoding", "br, gzip")
        .header("if-modified-since", last_modified.unwrap_or_default())
        .send()
        .await?;
    let repeat_status = repeat.status().as_u16();
    let repeat_bytes = repeat.bytes().await?.len() as u64;
    Ok(Some(Visits {
        first,
        lazy,
        repeat_status,
        repeat_bytes,
        cached,
    }))
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
    pub(crate) backend: &'static str,
    pub(crate) seed: Duration,
    pub(crate) done: Move,
    pub(crate) quiet_in: Duration,
    pub(crate) moved_in: Duration,
    pub(crate) limit: Duration,
    pub(crate) arrivals: Latencies,
    pub(crate) mail: Latencies,
    pub(crate) reads: Latencies,
    pub(crate) event_latency: Latencies,
    pub(crate) visits: Option<Visits>,
    pub(crate) list_pages: Vec<(&'static str, Latencies)>,
    pub(crate) seed_peak: Option<u64>,
    pub(crate) move_peak: Option<u64>,
    pub(crate) csv: CsvDownload,
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = |d: Duration| d.as_secs_f64();
        let rate = |d: Duration| self.done.moved as f64 / secs(d).max(1e-9);
        writeln!(f, "backend                   {}", self.backend)?;
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
            "mail during the move      {} ({}/s asked)",
            self.mail, self.args.mail
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
        let c = &self.csv;
        writeln!(
            f,
            "report.csv of that move    {} rows, {:.1} MB in {:.2} s ({:.0} rows/s); server peak {} before, {} after, most held during it {}",
            c.rows,
            c.bytes as f64 / 1e6,
            secs(c.took),
            c.rows as f64 / secs(c.took).max(1e-9),
            mib(c.peak_before),
            mib(c.peak_after),
            mib(c.rss_most)
        )?;
        writeln!(
            f,
            "list pages (50 rows and the total, 30 each, one at a time)"
        )?;
        for (name, l) in &self.list_pages {
            writeln!(f, "  {name:<26}{l}")?;
        }
        match &self.visits {
            None => write!(
                f,
                "first load                no build in {} (scripts/build-app)",
                self.args.dist.display()
            ),
            Some(v) => {
                let total: u64 = v.first.iter().map(|x| x.wire).sum();
                write!(
                    f,
                    "first visit               {:.1} KB over the wire ({} requests):",
                    total as f64 / 1000.0,
                    v.first.len()
                )?;
                for x in &v.first {
                    write!(
                        f,
                        "\n  {}: {} bytes, {} {}",
                        x.name, x.raw, x.wire, x.encoding
                    )?;
                }
                write!(
                    f,
                    "\nlazy screens              {} modules, {:.1} KB over the wire in all, each fetched when a screen of its opens",
                    v.lazy.0,
                    v.lazy.1 as f64 / 1000.0
                )?;
                write!(
                    f,
                    "\nrepeat visit              1 request ({}, {} body bytes); {} of {} files cached as immutable",
                    v.repeat_status,
                    v.repeat_bytes,
                    v.cached,
                    v.first.len() - 1
                )
            }
        }
    }
}
