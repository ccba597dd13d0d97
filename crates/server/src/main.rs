//! `deskmove-server`: starts the API and the built app, optionally on the demo account.

use clap::Parser;
use deskmove_server::config::Settings;
use deskmove_server::demo;
use deskmove_server::startup::Application;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn")),
        )
        .init();
    let settings = Settings::parse();
    let app = Application::build(&settings).await?;
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
    println!("Ingest token: {}", app.ingest_token);
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
