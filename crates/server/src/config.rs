//! The server's settings: each command-line flag is also an environment variable `DESKMOVE_<FLAG>`.

use std::path::PathBuf;

use clap::Parser;

use crate::store::Database;

#[derive(Clone, Debug, Parser)]
#[command(
    name = "deskmove-server",
    version,
    about = "Deskmove: move an inbox channel, with its history, to help desk."
)]
pub struct Settings {
    /// The database: a SQLite file (created if missing) or a `postgres://` URL.
    #[arg(
        long,
        hide_env_values = true,
        env = "DESKMOVE_DB",
        default_value = "deskmove.db"
    )]
    pub db: Database,
    /// The address to listen on (port 0 picks a free one).
    #[arg(
        long,
        hide_env_values = true,
        env = "DESKMOVE_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    pub listen: String,
    /// Create the demo account (DEMO.md) when the database is empty.
    #[arg(long, hide_env_values = true, env = "DESKMOVE_DEMO")]
    pub demo: bool,
    /// How many conversations the demo account starts with.
    #[arg(
        long,
        hide_env_values = true,
        env = "DESKMOVE_DEMO_CONVERSATIONS",
        default_value_t = 2000
    )]
    pub demo_conversations: u32,
    /// The bearer token of the inbound-traffic endpoints (default: the demo's with --demo, else a fresh one).
    #[arg(long, hide_env_values = true, env = "DESKMOVE_INGEST_TOKEN")]
    pub ingest_token: Option<String>,
    /// The built web app to serve (Trunk's dist folder).
    #[arg(
        long = "static",
        hide_env_values = true,
        env = "DESKMOVE_STATIC",
        default_value = "dist"
    )]
    pub static_dir: PathBuf,
    /// The URL people reach the server at; an https one makes the session cookie Secure.
    #[arg(long, hide_env_values = true, env = "DESKMOVE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Conversations a move carries per transaction.
    #[arg(long, hide_env_values = true, env = "DESKMOVE_MOVE_BATCH", default_value_t = crate::engine::DEFAULT_BATCH)]
    pub move_batch: i64,
    /// Milliseconds to pause between a move's batches: throttles a move on a busy database.
    #[arg(
        long,
        hide_env_values = true,
        env = "DESKMOVE_MOVE_PAUSE_MS",
        default_value_t = 0
    )]
    pub move_pause_ms: u64,
    /// A reverse proxy in front of the server (repeat, or comma-separated): only a
    /// request from one of these has its `X-Forwarded-For` taken as the client's
    /// address, for the sign-in limits.
    #[arg(
        long,
        hide_env_values = true,
        env = "DESKMOVE_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    pub trusted_proxy: Vec<std::net::IpAddr>,
    /// Connections open at once; more wait until one closes.
    #[arg(
        long,
        hide_env_values = true,
        env = "DESKMOVE_MAX_CONNECTIONS",
        default_value_t = 1024
    )]
    pub max_connections: usize,
    /// Seconds a client may take to send a request's headers (and to stay idle
    /// between requests on a kept-alive connection).
    #[arg(
        long,
        hide_env_values = true,
        env = "DESKMOVE_HEADER_TIMEOUT_SECS",
        default_value_t = 10
    )]
    pub header_timeout_secs: u64,
    /// Seconds any request but the event stream may take, its body included.
    #[arg(
        long,
        hide_env_values = true,
        env = "DESKMOVE_REQUEST_TIMEOUT_SECS",
        default_value_t = 30
    )]
    pub request_timeout_secs: u64,
    /// Seconds between sweeps that delete expired sessions.
    #[arg(
        long,
        hide_env_values = true,
        env = "DESKMOVE_SESSION_SWEEP_SECS",
        default_value_t = 600,
        hide = true
    )]
    pub session_sweep_secs: u64,
    /// R28: the set-up token of a new database, chosen by the operator instead of
    /// made and printed at start (at least 22 characters; never printed).
    #[arg(long, hide_env_values = true, env = "DESKMOVE_SETUP_TOKEN")]
    pub setup_token: Option<String>,
    /// `GET /metrics` to whoever gives this bearer token; without it, to this
    /// machine only (loopback, not through a proxy).
    #[arg(long, hide_env_values = true, env = "DESKMOVE_METRICS_TOKEN")]
    pub metrics_token: Option<String>,
    /// How the log reads: `text` for people, `json` (one object a line) for a
    /// log collector.
    #[arg(
        long,
        value_enum,
        env = "DESKMOVE_LOG_FORMAT",
        default_value_t = LogFormat::Text
    )]
    pub log_format: LogFormat,
    /// Seconds a server serves on after SIGTERM with `/readyz` saying 503, so a
    /// load balancer moves traffic away before connections close.
    #[arg(
        long,
        hide_env_values = true,
        env = "DESKMOVE_DRAIN_SECS",
        default_value_t = 2
    )]
    pub drain_secs: u64,
    /// R33: the mail relay answers go out through: smtp://[user:pass@]host[:port]
    /// (STARTTLS when offered; ?tls=required or ?tls=none) or smtps://… (TLS).
    /// Without it, answering is refused.
    #[arg(long, hide_env_values = true, env = "DESKMOVE_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Seconds an answer claimed by a server's sender stays its own: after a
    /// crash, another server (or the restart) sends it then.
    #[arg(
        long,
        hide_env_values = true,
        env = "DESKMOVE_OUTBOX_LEASE_SECS",
        default_value_t = 120,
        hide = true
    )]
    pub outbox_lease_secs: u64,
    /// The domain of the Message-IDs Deskmove makes (form submissions,
    /// answers), so replies thread back (R32, R33); default: --public-url's host.
    #[arg(long, hide_env_values = true, env = "DESKMOVE_MAIL_FROM_DOMAIN")]
    pub mail_from_domain: Option<String>,
    /// R29, R33: the address invitations and reset links are mailed from
    /// (with --smtp-url); default: no-reply@ the Message-IDs' domain.
    #[arg(long, hide_env_values = true, env = "DESKMOVE_MAIL_FROM")]
    pub mail_from: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Debug, clap::Subcommand)]
pub enum Command {
    /// Verifies the invariants I1–I3 on a database; exits non-zero naming each violation.
    Check {
        /// The database: a SQLite file or a `postgres://` URL.
        #[arg(long, default_value = "deskmove.db")]
        db: Database,
    },
    /// R28: a fresh set-up token for a database that is not set up yet (the one
    /// printed at first start is replaced); prints the set-up link.
    SetupToken {
        /// The database: a SQLite file or a `postgres://` URL.
        #[arg(
            long,
            hide_env_values = true,
            env = "DESKMOVE_DB",
            default_value = "deskmove.db"
        )]
        db: Database,
        /// The URL people reach the server at, for the link.
        #[arg(long, hide_env_values = true, env = "DESKMOVE_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// R29: the account's people, for an operator (a lost super admin password,
    /// a first user without the browser); safe while servers run.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// A consistent copy of a live SQLite database (servers may run, moves go
    /// on); on PostgreSQL it prints the pg_dump command to use instead.
    Backup {
        #[command(flatten)]
        db: DbArg,
        /// The new file to write (never overwritten).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Applies this binary's migrations to a database; with --check, only
    /// lists what it would apply.
    Migrate {
        #[command(flatten)]
        db: DbArg,
        /// List, change nothing.
        #[arg(long)]
        check: bool,
    },
    /// R32: hands one mail message on standard input to a running server, for
    /// Postfix's `pipe`, a `.forward` or fetchmail. Exits by sysexits: 0 taken,
    /// 65 not a message, 67 no such address, 75 try later.
    Deliver {
        /// The server's URL, e.g. http://127.0.0.1:8080.
        #[arg(long, hide_env_values = true, env = "DESKMOVE_SERVER")]
        server: Option<String>,
        /// The server's ingest token.
        #[arg(long, hide_env_values = true, env = "DESKMOVE_INGEST_TOKEN")]
        token: Option<String>,
        /// The envelope recipient (Postfix: ${original_recipient}).
        #[arg(long)]
        to: Option<String>,
    },
}

/// `deskmove-server user …`: one file each in `cli/user/`.
#[derive(Clone, Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Invites a user and prints their one-time link (valid 7 days) as the last line.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// A super admin (else an agent).
        #[arg(long)]
        super_admin: bool,
        #[arg(long)]
        help_desk_access: bool,
        #[command(flatten)]
        public_url: PublicUrlArg,
    },
    /// Prints a one-time link that sets the user's password (valid 24 hours; an
    /// invitation again while they never set one) as the last line.
    Reset {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        email: String,
        #[command(flatten)]
        public_url: PublicUrlArg,
    },
    /// One line per user: email, role, help desk access, state.
    List {
        #[command(flatten)]
        db: DbArg,
    },
    /// Ends the user's sessions; they can't sign in until activated again.
    Deactivate {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        email: String,
    },
    /// Lets a deactivated user sign in again.
    Activate {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        email: String,
    },
}

/// The database an operator's command works on.
#[derive(Clone, Debug, clap::Args)]
pub struct DbArg {
    /// The database: a SQLite file or a `postgres://` URL.
    #[arg(
        long,
        hide_env_values = true,
        env = "DESKMOVE_DB",
        default_value = "deskmove.db"
    )]
    pub db: Database,
}

/// Where people reach the server, for a printed link.
#[derive(Clone, Debug, clap::Args)]
pub struct PublicUrlArg {
    /// The URL people reach the server at, for the link.
    #[arg(long, hide_env_values = true, env = "DESKMOVE_PUBLIC_URL")]
    pub public_url: Option<String>,
}

impl Settings {
    /// Settings for a server on a free loopback port over `db` (tests, benches).
    pub fn for_tests(db: impl Into<Database>) -> Settings {
        Settings {
            db: db.into(),
            listen: "127.0.0.1:0".into(),
            demo: true,
            demo_conversations: 200,
            ingest_token: None,
            static_dir: PathBuf::from("dist"),
            public_url: None,
            move_batch: crate::engine::DEFAULT_BATCH,
            move_pause_ms: 0,
            session_sweep_secs: 600,
            trusted_proxy: Vec::new(),
            max_connections: 1024,
            header_timeout_secs: 10,
            request_timeout_secs: 30,
            setup_token: None,
            mail_from_domain: None,
            mail_from: None,
            drain_secs: 2,
            log_format: LogFormat::Text,
            metrics_token: None,
            smtp_url: None,
            outbox_lease_secs: 120,
            command: None,
        }
    }

    /// Where people reach this server: `--public-url`, else the address it
    /// listens on. Links (R28, R29) start with it.
    pub fn base_url(&self, address: std::net::SocketAddr) -> String {
        self.public_url
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_else(|| format!("http://{address}"))
    }

    /// Where invitations and reset links come from: `--mail-from`, else
    /// no-reply@ the mail domain.
    pub fn mail_from(&self) -> String {
        self.mail_from
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| format!("no-reply@{}", self.mail_domain()))
    }

    /// The domain of Deskmove's own Message-IDs: `--mail-from-domain`, else
    /// the host of `--public-url` when it is a name, else a reserved one.
    pub fn mail_domain(&self) -> String {
        let given = self
            .mail_from_domain
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        let public = self
            .public_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| match u.host() {
                Some(url::Host::Domain(d)) => Some(d.to_string()),
                _ => None,
            });
        given
            .or(public)
            .unwrap_or_else(|| crate::mail::read::OWN_DOMAIN.to_string())
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"))
    }
}

/// `--log-format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}
