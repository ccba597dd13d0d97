//! Building the application: store, demo, router and listener.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use chrono::Utc;
use tokio::net::TcpListener;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Settings;
use crate::engine::Engine;
use crate::events::EventHub;
use crate::limits::SignInLimits;
use crate::store::Store;
use crate::{auth, demo, routes, security, AppState};

pub fn app(state: AppState, settings: &Settings) -> Router {
    let index = settings.static_dir.join("index.html");
    // The built page's own loader script is allowed by its hash; no other inline script runs.
    let page = std::fs::read_to_string(&index).unwrap_or_default();
    let csp = security::content_security_policy(&security::inline_scripts(&page));
    // Client routes (/inbox, /settings/inboxes…) are the app's: answer them with index.html.
    let static_files = ServeDir::new(&settings.static_dir).fallback(ServeFile::new(index));
    let header = |name: HeaderName, value: &str| {
        SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_str(value).expect("a valid header value"),
        )
    };
    Router::new()
        .nest("/api", routes::api())
        .fallback_service(static_files)
        .layer(header(header::CONTENT_SECURITY_POLICY, &csp))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::REFERRER_POLICY, "same-origin"))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub address: SocketAddr,
    pub demo_seeded: bool,
    pub ingest_token: Arc<str>,
    pub store: Store,
    engine: Engine,
}

impl Application {
    pub async fn build(settings: &Settings) -> anyhow::Result<Application> {
        let store = Store::open_sqlite(&settings.db).await?;
        let demo_seeded = if settings.demo {
            demo::seed(&store, settings.demo_conversations, Utc::now()).await?
        } else {
            false
        };
        let ingest_token: Arc<str> = match (&settings.ingest_token, settings.demo) {
            (Some(t), _) => t.as_str().into(),
            (None, true) => demo::INGEST_TOKEN.into(),
            (None, false) => auth::new_token().into(),
        };
        store.spawn_checkpointer();
        let hub = EventHub::new();
        let engine = Engine::new(
            store.clone(),
            hub.clone(),
            settings.move_batch,
            std::time::Duration::from_millis(settings.move_pause_ms),
        );
        let state = AppState {
            store: store.clone(),
            secure_cookies: settings.secure_cookies(),
            ingest_token: ingest_token.clone(),
            hub,
            engine: engine.clone(),
            sign_in_limits: Arc::new(SignInLimits::new()),
        };
        let listener = TcpListener::bind(&settings.listen).await?;
        let address = listener.local_addr()?;
        Ok(Application {
            listener,
            router: app(state, settings),
            address,
            demo_seeded,
            ingest_token,
            store,
            engine,
        })
    }

    /// Serves until SIGINT or SIGTERM, after resuming every move that was running (I4).
    pub async fn run(self) -> std::io::Result<()> {
        if let Err(e) = self.engine.resume_all().await {
            tracing::error!(error = %e, "could not resume running moves");
        }
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("a SIGTERM handler can be installed");
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
