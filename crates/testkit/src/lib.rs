//! What Deskmove's tests and bench share: a real server (in this process on a fresh
//! SQLite file, or the binary), a browser-like signed-in client, "start a move and
//! wait", and a reader of the event stream.

mod app;
mod binary;
mod events;
pub mod haproxy;
pub mod hold;
mod session;

pub use app::{fresh_postgres, spawn_app, spawn_app_with, TestApp};
pub mod postfix;
pub use binary::{command, free_port, log_file, Server};
pub use events::{ends_within, Events};
pub use hold::{hold, let_go, make_due};
pub use session::{assert_never_two_running, client, deliver, error_of, ingest, Session};

pub use deskmove_rules::demo::{INGEST_TOKEN, PASSWORD};
