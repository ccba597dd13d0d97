//! R32 end to end through a real mail server: Debian's Postfix, an instance of
//! its own in a temp folder, takes the demo's domain over SMTP on loopback and
//! hands each message to `deskmove-server deliver` through `pipe`, as a
//! company's mail server would (docs/postfix-test-instance.md). It delivers to
//! nothing else: every other domain is an error, DNS is off.
//!
//! Postfix needs root (CI runs as root). Where it can't start, the test says
//! why and passes, except under `CI=true`, where it fails.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use deskmove_rules::{demo, Channel, Message};
use deskmove_testkit::{free_port, log_file, Server, Session};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_deskmove-server");
const POSTFIX: &str = "/usr/sbin/postfix";

/// Why Postfix can't run here, if it can't.
fn unavailable() -> Option<String> {
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

/// A Postfix of the test's own, stopped and removed when dropped.
struct Postfix {
    dir: PathBuf,
    port: u16,
}

impl Postfix {
    /// Delivers `demo.test` through `deskmove-server deliver` to the server at
    /// `server`; keeps mail to `example.com` (bounces) in a file.
    fn start(server: &str) -> Postfix {
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
        std::fs::write(&sink, format!("#!/bin/sh\ncat >> {d}/out/sink\n")).unwrap();
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
transport_maps = inline:{{demo.test=deskmove:, example.com=sink:}}
relay_transport = error:5.7.1 this test's mail server delivers demo.test only
default_transport = error:5.7.1 this test's mail server delivers demo.test only
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
            token = demo::INGEST_TOKEN,
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
  flags=DORq user=nobody argv={BIN} deliver --to ${{recipient}}
sink      unix  -       n       n       -       -       pipe
  flags=DORq user=nobody argv={sink} ${{recipient}}
",
            sink = sink.display(),
        );
        std::fs::write(dir.join("etc/main.cf"), main_cf).unwrap();
        std::fs::write(dir.join("etc/master.cf"), master_cf).unwrap();
        let postfix = Postfix { dir, port };
        run(POSTFIX, &["-c", &postfix.etc(), "start"]);
        postfix
    }

    fn etc(&self) -> String {
        self.dir.join("etc").display().to_string()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("maillog")).unwrap_or_default()
    }

    /// Waits until the mail log has a line with every one of `words`.
    fn until_logged(&self, words: &[&str]) -> String {
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
    fn flush(&self) {
        run("/usr/sbin/postqueue", &["-c", &self.etc(), "-f"]);
    }

    /// A customer's mail server speaks SMTP to it.
    fn send(&self, from: &str, to: &str, message: &str) {
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

impl Drop for Postfix {
    fn drop(&mut self) {
        let _ = Command::new(POSTFIX)
            .args(["-c", &self.etc(), "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn mail(id: &str, to: &str, subject: &str, extra: &str, body: &str) -> String {
    format!(
        "From: Kari Nordmann <kari@example.com>\nTo: {to}\nSubject: {subject}\n\
         Message-ID: <{id}>\nDate: Sun, 6 Dec 2026 10:00:00 +0000\n{extra}\
         Content-Type: text/plain; charset=utf-8\n\n{body}\n"
    )
}

/// Waits for the messages of the conversation a message with `subject` opened
/// in `channel` to number `count`; answers the conversation's id and messages.
async fn until_thread(
    ada: &Session,
    channel: &str,
    subject: &str,
    count: usize,
) -> (String, Vec<Message>) {
    let channel = ada.channel_id(channel).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let list: Value = ada
            .get_json(&format!(
                "/api/conversations?channel_id={channel}&sort=newest&limit=50"
            ))
            .await;
        let found = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["subject"] == subject)
            .map(|c| c["id"].as_str().unwrap().to_string());
        if let Some(id) = found {
            let messages: Vec<Message> =
                ada.read(&format!("/api/conversations/{id}/messages")).await;
            if messages.len() >= count {
                return (id, messages);
            }
        }
        assert!(
            Instant::now() < deadline,
            "no conversation “{subject}” with {count} messages in {channel}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn start_server(db: &Path, listen: &str) -> Server {
    Server::start_listening(
        BIN,
        db.to_str().unwrap(),
        listen,
        &[
            "--demo",
            "--demo-conversations",
            "20",
            "--static",
            "/nonexistent",
        ],
        &[],
        "warn",
        log_file(&db.with_extension("log")),
    )
}

#[tokio::test]
async fn a_real_mail_server_delivers_threads_and_keeps_mail_while_deskmove_is_down() {
    // R32, R12, R19, R20
    if let Some(why) = unavailable() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI must run the mail server test: {why}"
        );
        eprintln!("skipped: {why}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deskmove.db");
    let listen = format!("127.0.0.1:{}", free_port());
    let mut server = start_server(&db, &listen);
    let postfix = Postfix::start(&server.base);
    let ada = Session::sign_in(&server.base, "ada@demo.test").await;

    // A customer writes to a plus address; then answers their own first mail.
    postfix.send(
        "kari@example.com",
        "support+web@demo.test",
        &mail(
            "saddle-1@example.com",
            "Demo Support <support+web@demo.test>",
            "The saddle is loose",
            "",
            "It wobbles.\n.\nA line with only a dot stays.",
        ),
    );
    let (first, messages) = until_thread(&ada, "Support email", "The saddle is loose", 1).await;
    assert_eq!(
        messages[0].body,
        "It wobbles.\n.\nA line with only a dot stays."
    );
    assert_eq!(
        messages[0].from.as_deref(),
        Some("Kari Nordmann <kari@example.com>")
    );
    // The original is what Postfix delivered: its trace headers first.
    let eml = ada
        .get(messages[0].eml_url.as_deref().unwrap())
        .await
        .text()
        .await
        .unwrap();
    assert!(eml.starts_with("Return-Path: <kari@example.com>"), "{eml}");
    assert!(eml.contains("Delivered-To: support+web@demo.test"), "{eml}");

    postfix.send(
        "kari@example.com",
        "support@demo.test",
        &mail(
            "saddle-2@example.com",
            "support@demo.test",
            "Re: The saddle is loose",
            "In-Reply-To: <saddle-1@example.com>\nReferences: <saddle-1@example.com>\n",
            "Any news?",
        ),
    );
    let (same, messages) = until_thread(&ada, "Support email", "The saddle is loose", 2).await;
    assert_eq!(same, first, "the follow-up is on the same conversation");
    assert_eq!(messages[1].body, "Any news?");

    // A form post, then mail that references it: one thread, the form's (R20).
    let form = ada.channel_id("Contact us form").await;
    let key = ada
        .read::<Channel>(&format!("/api/channels/{form}"))
        .await
        .form_key
        .unwrap();
    let res = deskmove_testkit::client()
        .post(format!("{}/f/{key}", server.base))
        .form(&[
            ("email", "ola@example.com"),
            ("subject", "Gears"),
            ("message", "They slip."),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let (posted, messages) = until_thread(&ada, "Contact us form", "Gears", 1).await;
    let submission = messages[0].mail_id.clone().unwrap();
    postfix.send(
        "ola@example.com",
        "support@demo.test",
        &mail(
            "gears-2@example.com",
            "support@demo.test",
            "Re: Gears",
            &format!("References: <{submission}>\n"),
            "Still slipping.",
        ),
    );
    let (joined, _) = until_thread(&ada, "Contact us form", "Gears", 2).await;
    assert_eq!(joined, posted);

    // No such address: bounced as an unknown user, to the sender.
    postfix.send(
        "kari@example.com",
        "nobody@demo.test",
        &mail(
            "nobody-1@example.com",
            "nobody@demo.test",
            "Hello?",
            "",
            "Anyone?",
        ),
    );
    let bounced = postfix.until_logged(&["to=<nobody@demo.test>", "status=bounced"]);
    assert!(bounced.contains("dsn=5.1.1"), "{bounced}");

    // Deskmove is down: the mail server keeps the message, and delivers it
    // once Deskmove is back.
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    postfix.send(
        "kari@example.com",
        "support@demo.test",
        &mail(
            "down-1@example.com",
            "support@demo.test",
            "While you were out",
            "",
            "Hi",
        ),
    );
    let deferred = postfix.until_logged(&["to=<support@demo.test>", "status=deferred"]);
    assert!(deferred.contains("dsn=4.3.0"), "{deferred}");
    server = start_server(&db, &listen);
    postfix.flush();
    let ada = Session::sign_in(&server.base, "ada@demo.test").await;
    let (_, messages) = until_thread(&ada, "Support email", "While you were out", 1).await;
    assert_eq!(messages.len(), 1, "delivered once");
    drop(postfix);
    drop(server);
    let checked = Command::new(BIN)
        .args(["check", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
}
