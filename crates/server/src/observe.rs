//! Issue 31: every request gets an id, kept from a trusted proxy's
//! `x-request-id` or made here. It is answered in `x-request-id` and in every
//! error body, and logged with the request's route template (never its path,
//! which may hold a token), method, status and duration, so an operator finds
//! the line behind a person's "something went wrong".

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;
use tracing::Instrument;

use crate::AppState;

tokio::task_local! {
    /// The id of the request being answered.
    pub static REQUEST_ID: Arc<str>;
}

/// The id of the request being answered here, if any.
pub fn request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.to_string()).ok()
}

/// An id a proxy may hand on: short, and nothing a log line could be fooled by.
fn usable(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A method as a label: the standard ones, every other "other" (a client
/// makes up methods at will; labels must stay few).
fn method_label(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn new_id() -> String {
    let mut bytes = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The outermost layer: the id, then the request, then its log line.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let given = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| usable(v))
        .filter(|_| peer.is_some_and(|ip| state.trusted_proxies.contains(&ip)));
    let id: Arc<str> = given.map_or_else(new_id, str::to_string).into();
    let method = method_label(req.method());
    let api = req.uri().path().starts_with("/api/");
    // What is logged while the request is answered carries its id too.
    let span = tracing::info_span!("request", request_id = %id);
    let mut res = REQUEST_ID
        .scope(id.clone(), next.run(req).instrument(span))
        .await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", value);
    }
    let unmatched = if api {
        "(no such API endpoint)"
    } else {
        "(app files)"
    };
    let route = res
        .extensions()
        .get::<MatchedPath>()
        .map_or(unmatched, |p| p.as_str());
    let status = res.status().as_u16();
    let took = started.elapsed().as_secs_f64();
    metrics::counter!("deskmove_http_requests_total",
        "route" => route.to_string(), "method" => method, "status" => status.to_string())
    .increment(1);
    metrics::histogram!("deskmove_http_request_duration_seconds",
        "route" => route.to_string(), "method" => method)
    .record(took);
    let ms = (took * 10_000.0).round() / 10.0;
    // A load balancer's and Prometheus's own questions are many and dull.
    let probe = matches!(route, "/healthz" | "/readyz" | "/metrics");
    if status >= 500 && !(probe && status == 503) {
        tracing::warn!(request_id = %id, method, route, status, ms, "request");
    } else if probe {
        tracing::debug!(request_id = %id, method, route, status, ms, "request");
    } else {
        tracing::info!(request_id = %id, method, route, status, ms, "request");
    }
    res
}

/// Inside a router: hands the matched route template out to [`observe`].
pub async fn remember_route(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().cloned();
    let mut res = next.run(req).await;
    if let Some(route) = route {
        res.extensions_mut().insert(route);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxys_id_is_kept_only_when_it_is_plain_and_short() {
        assert!(usable("3f2a-9c.1_x"));
        assert!(!usable(""));
        assert!(!usable(&"a".repeat(65)));
        assert!(!usable("abc\ndef"));
        assert!(!usable("a b"));
        assert!(!usable("\"quoted\""));
        assert_eq!(new_id().len(), 24);
        let made_up = axum::http::Method::from_bytes(b"FOOA").unwrap();
        assert_eq!(method_label(&made_up), "other");
        assert_eq!(method_label(&axum::http::Method::PATCH), "PATCH");
    }
}
