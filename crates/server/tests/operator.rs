//! What an operator runs and reads: the server binary's start banner, its log and
//! its shutdown. Each test names the row of the hardening issue's table it proves.

use std::process::Stdio;

use deskmove_testkit::{log_file, Server};

const BIN: &str = env!("CARGO_BIN_EXE_deskmove-server");

/// How a server is started: its flags and its own environment.
type Given<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);

#[test]
fn an_ingest_token_the_operator_gives_is_never_printed() {
    // Row 9: the token given on the command line or in the environment was printed.
    let dir = tempfile::tempdir().unwrap();
    let secret = "operator-secret-5f3a9c";
    let log = dir.path().join("server.log");
    let given: [Given; 2] = [
        (&["--demo", "--ingest-token", secret], &[]),
        (&["--demo"], &[("DESKMOVE_INGEST_TOKEN", secret)]),
    ];
    for (i, (flags, env)) in given.into_iter().enumerate() {
        let db = dir.path().join(format!("given-{i}.db"));
        let server = Server::start_with_env(BIN, &db, flags, env, "info", log_file(&log));
        let banner = server.banner.join("\n");
        assert!(!banner.contains(secret), "{banner}");
        assert!(banner.contains("Ingest token: the one given"), "{banner}");
        server.kill();
    }
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(!logged.contains(secret), "the log has the token");
    // The demo's own token is printed, and said to be the demo's.
    let server = Server::start(
        BIN,
        &dir.path().join("demo.db"),
        &["--demo"],
        "warn",
        Stdio::null(),
    );
    let line = server
        .banner
        .iter()
        .find(|l| l.starts_with("Ingest token:"))
        .cloned()
        .unwrap_or_default();
    assert!(line.contains(deskmove_rules::demo::INGEST_TOKEN), "{line}");
    assert!(line.contains("the demo's"), "{line}");
}
