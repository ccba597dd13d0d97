//! Deskmove's server: the JSON API over an embedded SQLite store.

pub mod auth;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod demo;
pub mod engine;
pub mod error;
pub mod events;
pub mod limits;
pub mod mail;
pub mod observe;
pub mod password_checks;
pub mod routes;
pub mod security;
pub mod serve;
pub mod starts;
pub mod startup;
pub mod static_files;
pub mod store;
pub mod streams;
pub mod telemetry;

use std::sync::Arc;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: store::Store,
    pub secure_cookies: bool,
    /// Where people reach this server (`--public-url`, else its address): the
    /// start of every link it hands out (R29).
    pub base_url: Arc<str>,
    pub ingest_token: Arc<str>,
    pub hub: events::EventHub,
    pub engine: engine::Engine,
    pub sign_in_limits: Arc<limits::Limits>,
    pub password_checks: Arc<password_checks::PasswordChecks>,
    /// Wrong ingest tokens by address (in this process).
    pub ingest_limits: Arc<limits::AddressLimits>,
    /// Wrong set-up tokens by address (in this process).
    pub setup_limits: Arc<limits::AddressLimits>,
    /// Form posts by address (R32, in this process).
    pub form_limits: Arc<limits::AddressLimits>,
    /// The domain of the Message-IDs Deskmove makes (R32, R33).
    pub mail_domain: Arc<str>,
    /// Where invitations and reset links are mailed from (R29, R33).
    pub mail_from: Arc<str>,
    /// R33: whether answers can go out (`--smtp-url`), and the sender to wake
    /// when one is queued.
    pub relay: Option<Arc<str>>,
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// Whether the account exists (R28): once seen, never asked again.
    pub set_up: Arc<std::sync::atomic::AtomicBool>,
    /// Proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    pub streams: Arc<streams::Streams>,
    /// Cancelled when the server begins to shut down.
    pub shutdown: tokio_util::sync::CancellationToken,
    /// Cancelled at SIGTERM, before the drain: `/readyz` answers 503.
    pub draining: tokio_util::sync::CancellationToken,
    /// What `GET /metrics` renders, and the token it asks for (else loopback only).
    pub metrics: metrics_exporter_prometheus::PrometheusHandle,
    pub metrics_token: Option<Arc<str>>,
}
