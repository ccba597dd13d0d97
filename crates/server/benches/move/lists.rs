//! The lists' numbered pages at scale: each query shape the app sends, a page of
//! 50 with its total, timed one after another on the served server.

use std::time::Instant;

use deskmove_testkit::Session;

use crate::load::Latencies;

/// The query shapes of the Inbox and Help Desk screens, by name.
pub(crate) const SHAPES: [(&str, &str); 8] = [
    (
        "inbox, newest, page 1",
        "/api/conversations?workspace=inbox&sort=newest&page=1",
    ),
    (
        "inbox, newest, page 200",
        "/api/conversations?workspace=inbox&sort=newest&page=200",
    ),
    (
        "inbox, closed",
        "/api/conversations?workspace=inbox&sort=newest&status=closed&page=1",
    ),
    (
        "inbox, unassigned",
        "/api/conversations?workspace=inbox&sort=newest&unassigned=true&page=1",
    ),
    (
        "inbox, search",
        "/api/conversations?workspace=inbox&sort=newest&q=invoice&page=1",
    ),
    (
        "help desk, open, newest",
        "/api/tickets?workspace=help_desk&state=open&sort=newest&page=1",
    ),
    (
        "help desk, open, due",
        "/api/tickets?workspace=help_desk&state=open&sort=due&page=1",
    ),
    (
        "help desk, search",
        "/api/tickets?workspace=help_desk&q=invoice&sort=newest&page=1",
    ),
];

/// Each shape `runs` times: its latencies, or the status it failed with.
pub(crate) async fn pages(who: &Session, runs: usize) -> Vec<(&'static str, Latencies)> {
    let mut out = Vec::new();
    for (name, path) in SHAPES {
        let mut took = Vec::new();
        let mut failed = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let res = who.get(&format!("{path}&limit=50")).await;
            let ok = res.status().is_success() && res.bytes().await.is_ok();
            if ok {
                took.push(t.elapsed());
            } else {
                failed += 1;
            }
        }
        out.push((name, Latencies::of(took, failed)));
    }
    out
}
