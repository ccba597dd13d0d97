//! Issue 31: what Prometheus reads at `GET /metrics`, in its text format, through
//! the `metrics` facade and its Prometheus exporter. Counters and histograms are
//! recorded where things happen; how much waits (moves, the outbox, streams,
//! the pool) is read when scraped. No label names a person, a contact or a
//! subject: routes are templates, the rest are kinds and states.

use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use deskmove_rules::ErrorCode;
use metrics::{describe_counter, describe_gauge, describe_histogram, gauge, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use subtle::ConstantTimeEq;

use crate::error::AppError;
use crate::AppState;

/// Histogram buckets of durations, in seconds: a millisecond to ten seconds.
const SECONDS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Conversations a move carries per batch.
const BATCH_SIZES: &[f64] = &[1.0, 10.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0];

/// Every family this server exports (`deploy/grafana-dashboard.json` draws
/// them all, and only them).
pub const FAMILIES: [&str; 21] = [
    "deskmove_http_requests_total",
    "deskmove_http_request_duration_seconds",
    "deskmove_moves",
    "deskmove_move_conversations_moved_total",
    "deskmove_move_tickets_created_total",
    "deskmove_move_batch_duration_seconds",
    "deskmove_move_batch_conversations",
    "deskmove_move_lease_takeovers_total",
    "deskmove_arrivals_total",
    "deskmove_mail_total",
    "deskmove_form_posts_total",
    "deskmove_outbound_mail_total",
    "deskmove_outbox_queued",
    "deskmove_outbox_oldest_queued_seconds",
    "deskmove_event_streams",
    "deskmove_sign_in_limited_total",
    "deskmove_db_pool_connections",
    "deskmove_db_writers_waiting",
    "deskmove_db_write_lock_wait_seconds",
    "deskmove_build_info",
    "deskmove_uptime_seconds",
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
static STARTED: OnceLock<std::time::Instant> = OnceLock::new();

/// The process's recorder, installed once (tests start many servers in one
/// process: they share it).
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS)
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("deskmove_move_batch_conversations".into()),
                        BATCH_SIZES,
                    )
                })
                .expect("buckets are not empty")
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("another metrics recorder is installed; /metrics stays empty");
            }
            describe();
            STARTED.get_or_init(std::time::Instant::now);
            gauge!("deskmove_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
            // Counted from 0, so a rate over the first events is right.
            for family in [
                "deskmove_move_conversations_moved_total",
                "deskmove_move_tickets_created_total",
                "deskmove_move_lease_takeovers_total",
            ] {
                metrics::counter!(family).absolute(0);
            }
            // Histograms keep their samples until drained: without a scrape they
            // would grow for as long as the server runs.
            let upkeep = handle.clone();
            std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || loop {
                    std::thread::sleep(std::time::Duration::from_secs(5));
                    upkeep.run_upkeep();
                })
                .expect("a thread for the metrics' upkeep");
            handle
        })
        .clone()
}

fn describe() {
    describe_counter!(
        "deskmove_http_requests_total",
        "Requests answered, by route template, method and status."
    );
    describe_histogram!(
        "deskmove_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer a request (to its headers), by route template and method."
    );
    describe_gauge!(
        "deskmove_moves",
        "Moves of the database by state: scheduled or running."
    );
    describe_counter!(
        "deskmove_move_conversations_moved_total",
        "Historical conversations moved to help desk by this server's batches."
    );
    describe_counter!(
        "deskmove_move_tickets_created_total",
        "Tickets created by this server's move batches."
    );
    describe_histogram!(
        "deskmove_move_batch_duration_seconds",
        Unit::Seconds,
        "Time a move batch took, write lock included."
    );
    describe_histogram!(
        "deskmove_move_batch_conversations",
        "Conversations a move batch was set to carry."
    );
    describe_counter!(
        "deskmove_move_lease_takeovers_total",
        "Moves this server took over after another server's lease lapsed."
    );
    describe_counter!(
        "deskmove_arrivals_total",
        "Conversations and messages arrived over the ingest API, by kind."
    );
    describe_counter!(
        "deskmove_mail_total",
        "Raw mail handed in, by outcome: new, threaded, again, auto_reply, bounce, \
         unknown_recipient, not_a_message."
    );
    describe_counter!(
        "deskmove_form_posts_total",
        "Form posts, by outcome: taken, honeypot, refused, limited."
    );
    describe_counter!(
        "deskmove_outbound_mail_total",
        "Answers and link mails by what became of them: queued, sent, deferred, failed."
    );
    describe_gauge!(
        "deskmove_outbox_queued",
        "Answers and link mails waiting to be sent, by kind."
    );
    describe_gauge!(
        "deskmove_outbox_oldest_queued_seconds",
        Unit::Seconds,
        "Age of the oldest answer waiting to be sent (0 when none waits)."
    );
    describe_gauge!(
        "deskmove_event_streams",
        "Event streams open on this server."
    );
    describe_counter!(
        "deskmove_sign_in_limited_total",
        "Sign-in attempts refused or slowed by the limits."
    );
    describe_gauge!(
        "deskmove_db_pool_connections",
        "Database connections of this server's pools, by state: in_use or idle."
    );
    describe_gauge!(
        "deskmove_db_writers_waiting",
        "Writes of this server waiting for the database's write connection now."
    );
    describe_histogram!(
        "deskmove_db_write_lock_wait_seconds",
        Unit::Seconds,
        "Time a write waited for the database's write lock."
    );
    describe_gauge!(
        "deskmove_build_info",
        "1, labelled with the version of the server binary."
    );
    describe_gauge!(
        "deskmove_uptime_seconds",
        Unit::Seconds,
        "Time since this server started."
    );
}

/// `GET /metrics`: to loopback clients that came straight, not through a
/// proxy; with `--metrics-token`, to whoever gives it as a bearer token.
pub async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let allowed = match state.metrics_token.as_deref() {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| bool::from(given.as_bytes().ct_eq(token.as_bytes()))),
        // This machine, asking straight: not a proxy of ours, and nothing
        // that says the request came from elsewhere.
        None => {
            let ip = peer.ip().to_canonical();
            ip.is_loopback()
                && !state.trusted_proxies.contains(&ip)
                && !state.trusted_proxies.contains(&peer.ip())
                && !["x-forwarded-for", "forwarded", "x-real-ip"]
                    .iter()
                    .any(|h| headers.contains_key(*h))
        }
    };
    if !allowed {
        return AppError::new(
            ErrorCode::Forbidden,
            "Metrics are served to this machine only, or with the --metrics-token.",
        )
        .into_response();
    }
    if let Err(e) = refresh(&state).await {
        tracing::warn!(error = %e, "metrics: the database's counts could not be read");
    }
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        state.metrics.render(),
    )
        .into_response()
}

/// The gauges read when scraped.
async fn refresh(state: &AppState) -> crate::store::StoreResult<()> {
    if let Some(started) = STARTED.get() {
        gauge!("deskmove_uptime_seconds").set(started.elapsed().as_secs_f64());
    }
    gauge!("deskmove_event_streams").set(state.streams.count() as f64);
    let (in_use, idle) = state.store.pool_connections();
    gauge!("deskmove_db_pool_connections", "state" => "in_use").set(in_use as f64);
    gauge!("deskmove_db_pool_connections", "state" => "idle").set(idle as f64);
    gauge!("deskmove_db_writers_waiting").set(state.store.writers_waiting() as f64);
    let w = state.store.waiting_work(chrono::Utc::now()).await?;
    gauge!("deskmove_moves", "state" => "scheduled").set(w.moves_scheduled as f64);
    gauge!("deskmove_moves", "state" => "running").set(w.moves_running as f64);
    gauge!("deskmove_outbox_queued", "kind" => "answer").set(w.answers_queued as f64);
    gauge!("deskmove_outbox_queued", "kind" => "link").set(w.links_queued as f64);
    gauge!("deskmove_outbox_oldest_queued_seconds").set(w.oldest_answer_seconds);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::FAMILIES;

    /// The families an expression names, their series suffixes taken off.
    fn named(expr: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = expr;
        while let Some(at) = rest.find("deskmove_") {
            let name: String = rest[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            rest = &rest[at + name.len()..];
            let family = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| name.strip_suffix(s))
                .filter(|f| FAMILIES.contains(f))
                .map_or(name.clone(), str::to_string);
            out.push(family);
        }
        out
    }

    #[test]
    fn the_dashboard_draws_every_family_and_nothing_else() {
        let dashboard: serde_json::Value =
            serde_json::from_str(include_str!("../../../deploy/grafana-dashboard.json"))
                .expect("the dashboard is JSON");
        let exprs: Vec<String> = dashboard["panels"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["targets"].as_array().unwrap().iter())
            .map(|t| t["expr"].as_str().unwrap().to_string())
            .collect();
        let drawn: Vec<String> = exprs.iter().flat_map(|e| named(e)).collect();
        for name in &drawn {
            assert!(FAMILIES.contains(&name.as_str()), "{name} is not exported");
        }
        for family in FAMILIES {
            let meta = matches!(family, "deskmove_build_info" | "deskmove_uptime_seconds");
            assert!(
                meta || drawn.iter().any(|d| d == family),
                "{family} is drawn nowhere"
            );
        }
    }
}
