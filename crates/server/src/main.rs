//! `deskmove-server`: starts the API and the built app, optionally on the demo account.

use clap::Parser;
use deskmove_server::config::{Command, Settings};
use deskmove_server::demo;
use deskmove_server::startup::Application;
use deskmove_server::store::{Database, Store};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn")),
        )
        .init();
    let settings = Settings::parse();
    match &settings.command {
        Some(Command::Check { db }) => return check(db).await,
        None => {}
    }
    let app = match Application::build(&settings).await {
        Ok(app) => app,
        // What to fix, in one line, not a backtrace.
        Err(e) => {
            eprintln!("deskmove-server: {e}");
            std::process::exit(2);
        }
    };
    let url = settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", app.address));
    if app.demo_seeded {
        println!(
            "Created the demo account with {} conversations.",
            settings.demo_conversations
        );
    }
    println!();
    println!("Deskmove is running at {url}");
    if settings.demo {
        println!(
            "Sign in as ada@demo.test (super admin) or sam@demo.test (agent), password {}",
            demo::PASSWORD
        );
    }
    match (&settings.ingest_token, settings.demo) {
        // The operator's own secret: they know it, and a log is no place for it.
        (Some(_), _) => println!("Ingest token: the one given by --ingest-token (not shown)."),
        (None, true) => println!(
            "Ingest token: {} (the demo's; give --ingest-token for your own)",
            app.ingest_token
        ),
        (None, false) => println!(
            "Ingest token: {} (made for this run; give --ingest-token to keep one)",
            app.ingest_token
        ),
    }
    if settings.move_pause_ms > 0 {
        println!(
            "Moves are throttled: {} conversations a batch, {} ms between batches (--move-pause-ms 0 for full speed).",
            settings.move_batch, settings.move_pause_ms
        );
    }
    if !settings.static_dir.join("index.html").exists() {
        println!(
            "Note: no built app in {}; only the API is served.",
            settings.static_dir.display()
        );
    }
    println!();
    app.run().await?;
    Ok(())
}

/// `deskmove-server check --db PATH|URL`: names each broken invariant and exits non-zero.
async fn check(db: &Database) -> anyhow::Result<()> {
    if db.path().is_some_and(|p| !p.exists()) {
        anyhow::bail!("no database at {db}");
    }
    let store = Store::open_at(db).await?;
    let violations = store.check().await?;
    if violations.is_empty() {
        println!("{db}: I1, I2 and I3 hold.");
        return Ok(());
    }
    for v in &violations {
        println!("{v}");
    }
    std::process::exit(1);
}
