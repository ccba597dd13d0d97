//! A real mail server for tests: Debian's Postfix, an instance of the test's
//! own in a temp folder (docs/postfix-test-instance.md). It listens on loopback
//! only, looks nothing up, and delivers two domains and nothing else: the
//! demo's (`demo.test`, through `pipe` to `deskmove-server deliver`, when a
//! server is given) and the customers' (`example.com`), which it keeps, one
//! file a message, for the test to read. Postfix needs root.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::free_port;

const POSTFIX: &str = "/usr/sbin/postfix";

/// Why Postfix can't run here, if it can't.
pub fn unavailable() -> Option<String> {
    if !Path::new(POSTFIX).exists() {
        return Some(format!(
            "{POSTFIX} is not installed (scripts/setup installs it)"
        ));
    }
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("Postfix runs only as root".into());
    }
    None
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Postfix can't run here: the test says why and passes, except under
/// `CI=true`, where a mail server test must run.
pub fn skip_unless_available() -> bool {
    match unavailable() {
        None => false,
        Some(why) => {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "CI must run the mail server tests: {why}"
            );
            eprintln!("skipped: {why}");
            true
        }
    }
}

/// A Postfix of the test's own, stopped and removed when dropped.
pub struct Postfix {
    dir: PathBuf,
    pub port: u16,
}

impl Postfix {
    /// Keeps mail to `example.com`; with `deskmove` (the `deskmove-server`
    /// binary and a server's URL), delivers `demo.test` through `deliver`.
    pub fn start(deskmove: Option<(&str, &str)>) -> Postfix {
        let dir = tempfile::Builder::new()
            .prefix("deskmove-postfix-")
            .tempdir()
            .unwrap()
            .keep();
        let port = free_port();
        for sub in ["etc", "spool", "data", "out"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        // Postfix's own user walks into it; the pipe runs as nobody.
        let d = dir.to_str().unwrap();
        run("chmod", &["755", d]);
        run("chown", &["postfix:postfix", &format!("{d}/data")]);
        run("chown", &["nobody:nogroup", &format!("{d}/out")]);
        let sink = dir.join("sink.sh");
        // One file a message, named so they sort in the order they came, and
        // only named so once whole: a reader never sees half a message.
        std::fs::write(
            &sink,
            format!(
                "#!/bin/sh\ncat > {d}/out/part.$$ && mv {d}/out/part.$$ {d}/out/msg.$(date +%s%N).$$\n"
            ),
        )
        .unwrap();
        run("chmod", &["755", sink.to_str().unwrap()]);
        let main_cf = format!(
            "compatibility_level = 3.6
queue_directory = {d}/spool
data_directory = {d}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.deskmove.test
mydomain = deskmove.test
myorigin = $myhostname
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
disable_dns_lookups = yes
relay_domains = demo.test, example.com
transport_maps = inline:{{{transports}}}
relay_transport = error:5.7.1 this test's mail server delivers demo.test and example.com only
default_transport = error:5.7.1 this test's mail server delivers demo.test and example.com only
deskmove_destination_recipient_limit = 1
sink_destination_recipient_limit = 1
service_throttle_time = 1s
maillog_file = {d}/maillog
maillog_file_prefixes = {d}
queue_run_delay = 3600s
minimal_backoff_time = 3600s
maximal_backoff_time = 3600s
biff = no
import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C POSTLOG_SERVICE POSTLOG_HOSTNAME DESKMOVE_SERVER={server} DESKMOVE_INGEST_TOKEN={token}
export_environment = TZ MAIL_CONFIG LANG DESKMOVE_SERVER DESKMOVE_INGEST_TOKEN
",
            token = deskmove_rules::demo::INGEST_TOKEN,
            server = deskmove.map_or("", |(_, url)| url),
            transports = if deskmove.is_some() {
                "demo.test=deskmove:, example.com=sink:"
            } else {
                "example.com=sink:"
            },
        );
        let master_cf = format!(
            "127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
postlog   unix-dgram n  -       n       -       1       postlogd
deskmove  unix  -       n       n       -       -       pipe
  flags=DORq user=nobody argv={bin} deliver --to ${{recipient}}
sink      unix  -       n       n       -       -       pipe
  flags=DORq user=nobody argv={sink} ${{recipient}}
",
            sink = sink.display(),
            bin = deskmove.map_or("/bin/false", |(bin, _)| bin),
        );
        std::fs::write(dir.join("etc/main.cf"), main_cf).unwrap();
        std::fs::write(dir.join("etc/master.cf"), master_cf).unwrap();
        let postfix = Postfix { dir, port };
        run(POSTFIX, &["-c", &postfix.etc(), "start"]);
        postfix
    }

    pub fn etc(&self) -> String {
        self.dir.join("etc").display().to_string()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("maillog")).unwrap_or_default()
    }

    /// Waits until the mail log has a line with every one of `words`.
    pub fn until_logged(&self, words: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let log = self.log();
            if let Some(line) = log.lines().find(|l| words.iter().all(|w| l.contains(w))) {
                return line.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no log line with {words:?}:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Delivers what it keeps now, instead of at its next queue run.
    pub fn flush(&self) {
        run("/usr/sbin/postqueue", &["-c", &self.etc(), "-f"]);
    }

    /// A customer's mail server speaks SMTP to it.
    pub fn send(&self, from: &str, to: &str, message: &str) {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        let expect = |code: &str, reader: &mut BufReader<TcpStream>| loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            assert!(line.starts_with(code), "wanted {code}, got {line:?}");
            if line.as_bytes().get(3) != Some(&b'-') {
                break;
            }
        };
        expect("220", &mut reader);
        for (say, code) in [
            ("EHLO customer.example.com".to_string(), "250"),
            (format!("MAIL FROM:<{from}>"), "250"),
            (format!("RCPT TO:<{to}>"), "250"),
            ("DATA".to_string(), "354"),
        ] {
            write!(writer, "{say}\r\n").unwrap();
            expect(code, &mut reader);
        }
        for line in message.lines() {
            // Dot-stuffing (RFC 5321 4.5.2).
            let stuffed = if line.starts_with('.') { "." } else { "" };
            write!(writer, "{stuffed}{line}\r\n").unwrap();
        }
        write!(writer, ".\r\n").unwrap();
        expect("250", &mut reader);
        write!(writer, "QUIT\r\n").unwrap();
        expect("221", &mut reader);
    }
}

impl Postfix {
    /// The relay's URL for `--smtp-url` (it offers no STARTTLS).
    pub fn smtp_url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// What it delivered to `example.com` so far, oldest first, each as the
    /// text the recipient's mailbox got (Postfix's trace headers first).
    pub fn caught(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.join("out"))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|f| {
            f.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("msg."))
        });
        files.sort();
        files
            .iter()
            .filter_map(|f| std::fs::read(f).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .collect()
    }

    /// Waits until it has delivered at least `count` messages to `example.com`
    /// (yielding, so a server in the test's own runtime goes on sending).
    pub async fn until_caught(&self, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let caught = self.caught();
            if caught.len() >= count {
                return caught;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {count} messages caught:\n{}",
                caught.len(),
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Postfix {
    /// Everything it delivered once its queue is empty: a copy it took (its
    /// 250) but had not delivered yet is counted too, so "each once" can see a
    /// late second copy.
    pub async fn all_delivered(&self) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let queue = run("/usr/sbin/postqueue", &["-c", &self.etc(), "-j"]);
            if queue.trim().is_empty() {
                return self.caught();
            }
            assert!(
                Instant::now() < deadline,
                "its queue never emptied:\n{queue}\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        let _ = Command::new(POSTFIX)
            .args(["-c", &self.etc(), "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
