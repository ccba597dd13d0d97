//! Building the application: store, demo, router and listener.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use chrono::Utc;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Settings;
use crate::engine::Engine;
use crate::events::EventHub;
use crate::limits::{AddressLimits, Limits, FORM_BUDGET, INGEST_BUDGET, SETUP_BUDGET};
use crate::mail::send::{Outbox, Relay};
use crate::password_checks::PasswordChecks;
use crate::serve::{serve, ConnectionLimits};
use crate::store::{Database, Store};
use crate::{auth, demo, observe, routes, static_files, AppState};

pub fn app(state: AppState, settings: &Settings) -> Router {
    // The built page's own loader script is allowed by its hash; no other inline script runs.
    let policy = static_files::PagePolicy::new(&settings.static_dir);
    let header = |name: HeaderName, value: &str| {
        SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_str(value).expect("a valid header value"),
        )
    };
    let timeout = Duration::from_secs(settings.request_timeout_secs.max(1));
    let remember_route = || axum::middleware::from_fn(observe::remember_route);
    Router::new()
        .route("/healthz", axum::routing::get(routes::health::healthz))
        .route("/readyz", axum::routing::get(routes::health::readyz))
        .route("/metrics", axum::routing::get(crate::telemetry::metrics))
        .route_layer(remember_route())
        .merge(routes::forms(timeout).route_layer(remember_route()))
        .nest(
            "/api",
            routes::api(timeout)
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    routes::until_set_up,
                ))
                .route_layer(remember_route()),
        )
        .fallback_service(static_files::router(&settings.static_dir))
        .layer(axum::middleware::from_fn_with_state(
            policy,
            static_files::with_policy,
        ))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::REFERRER_POLICY, "same-origin"))
        // The path only: a query or a link may carry a token (R28), never logged.
        // Failures are the request line's to say (observe), with its id.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                    tracing::debug_span!("http", method = %req.method(), path = %loggable_path(req.uri().path()))
                })
                .on_failure(()),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            observe::observe,
        ))
        .with_state(state)
}

/// A request's path as logs may show it: a one-time link's token (R29) is cut.
fn loggable_path(path: &str) -> &str {
    ["/api/links/", "/link/"]
        .into_iter()
        .find_map(|prefix| {
            path.starts_with(prefix)
                .then(|| &prefix[..prefix.len() - 1])
        })
        .unwrap_or(path)
}

/// R28: what a server on a database with no account says of its set-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetupOffer {
    /// The account exists.
    NotNeeded,
    /// A token made now: printed once, in the set-up link.
    Token(String),
    /// The operator's `--setup-token`, never printed.
    Given,
    /// A token made earlier (another replica, an earlier start) still waits.
    Waiting,
    /// `--setup-token` was given, but another token is kept already (made by
    /// another replica, or made anew by `setup-token`): the given one is not taken.
    GivenNotTaken,
}

/// The shortest `--setup-token` taken: 128 bits as URL-safe base64.
pub const MIN_SETUP_TOKEN_CHARS: usize = 22;

/// With a relay, `--mail-from-domain` (else the `--public-url` host) ends the
/// Message-IDs of the mail Deskmove sends and `--mail-from` sends invitations:
/// each must be what mail can carry.
fn mail_addresses_usable(settings: &Settings) -> anyhow::Result<()> {
    if settings.smtp_url.is_none() {
        return Ok(());
    }
    let domain = settings.mail_domain();
    if format!("no-reply@{domain}")
        .parse::<lettre::Address>()
        .is_err()
    {
        let from = if settings.mail_from_domain.is_some() {
            "--mail-from-domain"
        } else {
            "the --public-url host (give --mail-from-domain)"
        };
        anyhow::bail!("{from}: {domain:?} is not a domain mail can use");
    }
    let from = settings.mail_from();
    if from.parse::<lettre::Address>().is_err() {
        anyhow::bail!("--mail-from: {from:?} is not an address mail can be sent from");
    }
    Ok(())
}

/// On a database with no account (and no `--demo`): keeps the hash of a set-up
/// token, the operator's or a fresh one, unless another start kept one already.
async fn offer_setup(store: &Store, settings: &Settings) -> anyhow::Result<SetupOffer> {
    if settings.demo || !store.is_empty().await? {
        return Ok(SetupOffer::NotNeeded);
    }
    let now = Utc::now().timestamp_millis();
    if let Some(given) = &settings.setup_token {
        let given = given.trim();
        if given.chars().count() < MIN_SETUP_TOKEN_CHARS {
            anyhow::bail!(
                "--setup-token must have at least {MIN_SETUP_TOKEN_CHARS} characters (128 random bits)"
            );
        }
        // Only where none is kept: a token made anew (a leaked one replaced by
        // `setup-token`) stays, even if a restart still has the old one in its
        // environment.
        let hash = auth::token_hash(given);
        let taken = store.offer_setup(&hash, now).await?
            || store.setup_token_hash().await?.as_deref() == Some(hash.as_str());
        return Ok(if taken {
            SetupOffer::Given
        } else {
            SetupOffer::GivenNotTaken
        });
    }
    let token = auth::new_token();
    Ok(
        if store.offer_setup(&auth::token_hash(&token), now).await? {
            SetupOffer::Token(token)
        } else {
            SetupOffer::Waiting
        },
    )
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub address: SocketAddr,
    pub demo_seeded: bool,
    pub setup: SetupOffer,
    pub ingest_token: Arc<str>,
    pub store: Store,
    engine: Engine,
    shutdown: CancellationToken,
    /// Cancelled at SIGTERM: `/readyz` says so while the server still serves.
    draining: CancellationToken,
    /// How long it serves on after SIGTERM, so the proxy moves traffic away.
    drain: Duration,
    session_sweep: Duration,
    sign_in_limits: Arc<Limits>,
    limits: ConnectionLimits,
    /// R33: the answers' sender, when a relay is given.
    outbox: Option<Outbox>,
}

/// After SIGTERM and the drain, how long open requests get to finish before
/// their connections are closed anyway; with a move's batch and the answers in
/// flight, the exit takes at most the drain and 13 s (a signal more: at once).
const GRACE: Duration = Duration::from_secs(5);
/// How long a move's batch in flight gets to commit once serving stopped.
const BATCH_GRACE: Duration = Duration::from_secs(3);

impl Application {
    pub async fn build(settings: &Settings) -> anyhow::Result<Application> {
        // Several servers share a PostgreSQL database: a token each one made up
        // would differ from server to server.
        if matches!(settings.db, Database::Postgres(_))
            && settings.ingest_token.is_none()
            && !settings.demo
        {
            anyhow::bail!(
                "on PostgreSQL give the ingest token (--ingest-token or DESKMOVE_INGEST_TOKEN): \
                 every server of the database must take the same one"
            );
        }
        let store = Store::open_at(&settings.db).await?;
        // The address first: a token made and kept by a server that then can't
        // listen would never have been printed.
        let listener = TcpListener::bind(&settings.listen).await?;
        let demo_seeded = if settings.demo {
            demo::seed(&store, settings.demo_conversations, Utc::now()).await?
        } else {
            false
        };
        let setup = offer_setup(&store, settings).await?;
        let ingest_token: Arc<str> = match (&settings.ingest_token, settings.demo) {
            (Some(t), _) => t.as_str().into(),
            (None, true) => demo::INGEST_TOKEN.into(),
            (None, false) => auth::new_token().into(),
        };
        // R33: a relay that can't be used is said at start, not at the first
        // answer; so are a domain or an address mail can't carry.
        let relay = settings
            .smtp_url
            .as_deref()
            .map(|url| Relay::from_url(url, &settings.mail_domain()))
            .transpose()?;
        mail_addresses_usable(settings)?;
        if settings
            .metrics_token
            .as_deref()
            .is_some_and(|t| t.trim().chars().count() < 16)
        {
            anyhow::bail!("--metrics-token: give at least 16 characters (or none: /metrics for this machine only)");
        }
        store.spawn_checkpointer();
        let shutdown = CancellationToken::new();
        let draining = CancellationToken::new();
        let hub = EventHub::new();
        let engine = Engine::new(
            store.clone(),
            hub.clone(),
            settings.move_batch,
            Duration::from_millis(settings.move_pause_ms),
            shutdown.clone(),
        );
        if let Database::Postgres(url) = &settings.db {
            engine.hear_other_servers(url.clone());
        }
        let sign_in_limits = Arc::new(if store.is_sqlite() {
            Limits::Here(Box::default())
        } else {
            Limits::Shared(store.clone())
        });
        let address = listener.local_addr()?;
        let outbox_wake = Arc::new(tokio::sync::Notify::new());
        let outbox = relay.map(|relay| Outbox {
            store: store.clone(),
            relay,
            engine: engine.clone(),
            wake: outbox_wake.clone(),
            shutdown: shutdown.clone(),
            lease: Duration::from_secs(settings.outbox_lease_secs.max(1)),
        });
        let state = AppState {
            store: store.clone(),
            base_url: settings.base_url(address).into(),
            secure_cookies: settings.secure_cookies(),
            ingest_token: ingest_token.clone(),
            hub,
            engine: engine.clone(),
            sign_in_limits: sign_in_limits.clone(),
            password_checks: Arc::new(PasswordChecks::for_this_machine()),
            ingest_limits: Arc::new(AddressLimits::new(INGEST_BUDGET)),
            setup_limits: Arc::new(AddressLimits::new(SETUP_BUDGET)),
            form_limits: Arc::new(AddressLimits::new(FORM_BUDGET)),
            mail_domain: settings.mail_domain().into(),
            mail_from: settings.mail_from().into(),
            relay: outbox.as_ref().map(|o| o.relay.shown.as_str().into()),
            outbox_wake: outbox_wake.clone(),
            set_up: Arc::default(),
            trusted_proxies: settings.trusted_proxy.clone().into(),
            streams: Arc::default(),
            shutdown: shutdown.clone(),
            draining: draining.clone(),
            metrics: crate::telemetry::install(),
            metrics_token: settings.metrics_token.as_deref().map(Arc::from),
        };
        Ok(Application {
            listener,
            router: app(state, settings),
            address,
            demo_seeded,
            setup,
            ingest_token,
            store,
            engine,
            shutdown,
            draining,
            drain: Duration::from_secs(settings.drain_secs),
            outbox,
            session_sweep: Duration::from_secs(settings.session_sweep_secs.max(1)),
            sign_in_limits,
            limits: ConnectionLimits {
                max_connections: settings.max_connections,
                header_timeout: Duration::from_secs(settings.header_timeout_secs.max(1)),
                grace: GRACE,
            },
        })
    }

    /// Serves until SIGINT or SIGTERM, driving every running move (I4). At the
    /// signal, `/readyz` answers 503 at once while everything else is served on
    /// for the drain (`--drain-secs`; a second signal cuts it short); then no
    /// new connections, event streams end, requests in flight get [`GRACE`],
    /// each move's batch in flight commits, and the process may exit.
    pub async fn run(self) -> std::io::Result<()> {
        self.engine.watch();
        let sender = self.outbox.clone().map(Outbox::spawn);
        spawn_session_sweeper(
            self.store.clone(),
            self.sign_in_limits.clone(),
            self.session_sweep,
            self.shutdown.clone(),
        );
        let (shutdown, draining, drain) =
            (self.shutdown.clone(), self.draining.clone(), self.drain);
        // Listening from now on: a second signal during the drain is never missed.
        let mut signals = Signals::new();
        tokio::spawn(async move {
            signals.next().await;
            draining.cancel();
            if !drain.is_zero() {
                tracing::info!(
                    drain_secs = drain.as_secs(),
                    "not ready: serving on while the proxy moves traffic away"
                );
                tokio::select! {
                    _ = tokio::time::sleep(drain) => {}
                    _ = signals.next() => {}
                }
            }
            tracing::info!("shutting down");
            shutdown.cancel();
            // Asked again while stopping: whatever still runs is cut short.
            signals.next().await;
            tracing::warn!("asked to stop again: stopping now");
            std::process::exit(130);
        });
        serve(
            self.listener,
            self.router,
            self.limits,
            self.shutdown.clone(),
        )
        .await;
        if !self.engine.stopped(BATCH_GRACE).await {
            tracing::warn!("a move's batch did not finish in time; it rolls back and resumes at the next start");
        }
        if let Some(sender) = sender {
            if tokio::time::timeout(GRACE, sender).await.is_err() {
                tracing::warn!(
                    "answers still being sent at shutdown go again once their claim runs out"
                );
            }
        }
        Ok(())
    }
}

/// Deletes expired sessions, and sign-in buckets leaked empty, now and every
/// `every` until shutdown.
fn spawn_session_sweeper(
    store: Store,
    sign_in_limits: Arc<Limits>,
    every: Duration,
    shutdown: CancellationToken,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tick.tick() => {
                    let now = Utc::now().timestamp_millis();
                    match store.prune_sessions(now).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(sessions = n, "expired sessions deleted"),
                        Err(e) => tracing::warn!(error = %e, "could not delete expired sessions"),
                    }
                    match store.drop_expired_link_mail(now).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(mails = n, "unsent mails of expired links dropped"),
                        Err(e) => tracing::warn!(error = %e, "could not drop expired link mail"),
                    }
                    sign_in_limits.sweep().await;
                }
            }
        }
    });
}

/// SIGTERM and SIGINT (Ctrl-C), each heard however often it comes.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Signals {
                term: signal(SignalKind::terminate()).expect("a SIGTERM handler can be installed"),
                interrupt: signal(SignalKind::interrupt())
                    .expect("a SIGINT handler can be installed"),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn next(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {},
            _ = self.interrupt.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}
