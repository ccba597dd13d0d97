//! `deskmove-server`: starts the API and the built app, optionally on the demo account.

use clap::Parser;
use deskmove_server::config::{Command, LogFormat, Settings};
use deskmove_server::startup::{Application, SetupOffer};
use deskmove_server::{cli, demo};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A mail server reads only `deliver`'s exit code: whatever goes wrong before
    // the message is taken (a flag mistyped in the pipe line, a panic) keeps it
    // queued (75), never bounces it.
    let delivering = std::env::args().nth(1).as_deref() == Some("deliver");
    if delivering {
        std::panic::set_hook(Box::new(|info| {
            eprintln!("deskmove-server deliver: {info}");
            std::process::exit(cli::deliver::EX_TEMPFAIL);
        }));
    }
    let settings = match Settings::try_parse() {
        Ok(settings) => settings,
        Err(e) if delivering && e.use_stderr() => {
            eprintln!("deskmove-server deliver: {e}");
            std::process::exit(cli::deliver::EX_TEMPFAIL);
        }
        Err(e) => e.exit(),
    };
    let filter = || {
        EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"))
    };
    // Colours only for a person at a terminal, never into a file or a collector.
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter());
    match settings.log_format {
        LogFormat::Text => logs.init(),
        // One object a line, the event's fields at its top level.
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    // R32: the mail server reads the exit code, not a sentence.
    if let Some(Command::Deliver { server, token, to }) = &settings.command {
        std::process::exit(
            cli::deliver::exec(server.as_deref(), token.as_deref(), to.as_deref()).await,
        );
    }
    if let Some(command) = &settings.command {
        // A printed link starts where the server is reached: `--public-url`, else
        // the address it listens on (`--listen`), as the server's own links do.
        let reached = settings
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", settings.listen));
        let public_url = Some(reached.as_str());
        let done = match command {
            Command::Check { db } => cli::check::exec(db).await,
            Command::SetupToken {
                db,
                public_url: own,
            } => cli::setup_token::exec(db, own.as_deref().or(public_url)).await,
            Command::User { action } => cli::user::exec(action, public_url).await,
            Command::Backup { db, to } => cli::backup::exec(&db.db, to).await,
            Command::Migrate { db, check } => cli::migrate::exec(&db.db, *check).await,
            // Answered above, with its own exit code.
            Command::Deliver { .. } => Ok(()),
        };
        // What went wrong, in one line.
        if let Err(e) = done {
            eprintln!("deskmove-server: {e:#}");
            std::process::exit(1);
        }
        return Ok(());
    }
    let app = match Application::build(&settings).await {
        Ok(app) => app,
        // What to fix, in one line, not a backtrace.
        Err(e) => {
            eprintln!("deskmove-server: {e}");
            std::process::exit(2);
        }
    };
    let url = settings.base_url(app.address);
    if app.demo_seeded {
        println!(
            "Created the demo account with {} conversations.",
            settings.demo_conversations
        );
    }
    println!();
    println!("Deskmove is running at {url}");
    // R28: the one line with the set-up link, printed once; the token's hash is
    // all the database keeps.
    match &app.setup {
        SetupOffer::NotNeeded => {}
        SetupOffer::Token(token) => println!("Set up your company at {url}/setup?token={token}"),
        SetupOffer::Given => println!(
            "Set up your company at {url}/setup with the set-up token you gave (not shown)."
        ),
        SetupOffer::Waiting => println!(
            "Set-up waits at {url}/setup for the token printed when this database was first \
             started; lost it? `deskmove-server setup-token --db <this database>` makes a new one."
        ),
        SetupOffer::GivenNotTaken => println!(
            "Set-up waits at {url}/setup, but for another token than --setup-token: one was \
             made for this database already; `deskmove-server setup-token` makes a new one."
        ),
    }
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
