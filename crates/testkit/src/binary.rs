//! The server binary run from a test: killed (SIGKILL) when dropped or by [`Server::kill`].

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct Server {
    pub child: Child,
    pub base: String,
    /// What it printed at start, up to the blank line that ends its banner.
    pub banner: Vec<String>,
}

impl Server {
    /// Starts `bin` (the caller's `env!("CARGO_BIN_EXE_deskmove-server")`) on a free
    /// port over `db` and waits until it says where it listens. Its log goes to
    /// `log` (at `RUST_LOG=log_level`).
    pub fn start(bin: &str, db: &Path, extra: &[&str], log_level: &str, log: Stdio) -> Server {
        Server::start_with_env(bin, db, extra, &[], log_level, log)
    }

    /// [`Server::start`] with environment variables set for the server alone.
    pub fn start_with_env(
        bin: &str,
        db: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
        log_level: &str,
        log: Stdio,
    ) -> Server {
        Server::start_on(
            bin,
            db.to_str().expect("a UTF-8 path"),
            extra,
            env,
            log_level,
            log,
        )
    }

    /// [`Server::start_with_env`] over any `--db`: a SQLite path or a `postgres://` URL.
    pub fn start_on(
        bin: &str,
        db: &str,
        extra: &[&str],
        env: &[(&str, &str)],
        log_level: &str,
        log: Stdio,
    ) -> Server {
        Server::start_listening(bin, db, "127.0.0.1:0", extra, env, log_level, log)
    }

    /// [`Server::start_on`] at a given address: a restart a mail server's
    /// settings still point at.
    pub fn start_listening(
        bin: &str,
        db: &str,
        listen: &str,
        extra: &[&str],
        env: &[(&str, &str)],
        log_level: &str,
        log: Stdio,
    ) -> Server {
        let mut child = Command::new(bin)
            .args(["--db", db, "--listen", listen])
            .args(extra)
            .env("RUST_LOG", log_level)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("the server binary starts");
        let mut lines = BufReader::new(child.stdout.take().expect("its stdout")).lines();
        let mut banner = Vec::new();
        let mut base = None;
        loop {
            let line = lines
                .next()
                .expect("the server prints its address")
                .expect("a line");
            if let Some(url) = line.strip_prefix("Deskmove is running at ") {
                base = Some(url.trim().to_string());
            }
            let ends = line.is_empty() && base.is_some();
            banner.push(line);
            if ends {
                break;
            }
        }
        let base = base.expect("an address");
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            base,
            banner,
        }
    }

    pub fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A loopback port free now, for a process that must come back on the same one.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// A log file that appends, for [`Server::start`].
pub fn log_file(path: &Path) -> Stdio {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("a log file")
        .into()
}

/// Runs one of the binary's operator commands (`bin` as for [`Server::start`]):
/// whether it succeeded, its stdout, its stderr.
pub fn command(bin: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(bin)
        .args(args)
        .output()
        .expect("the server binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}
