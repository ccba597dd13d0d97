//! R32 end to end through a real mail server: Debian's Postfix, an instance of
//! its own in a temp folder, takes the demo's domain over SMTP on loopback and
//! hands each message to `deskmove-server deliver` through `pipe`, as a
//! company's mail server would (docs/postfix-test-instance.md). It delivers to
//! nothing else: every other domain is an error, DNS is off.
//!
//! Postfix needs root (CI runs as root). Where it can't start, the test says
//! why and passes, except under `CI=true`, where it fails.

use std::path::Path;
use std::time::{Duration, Instant};

use deskmove_rules::{Channel, Message};
use deskmove_testkit::postfix::{skip_unless_available, Postfix};
use deskmove_testkit::{free_port, log_file, Server, Session};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_deskmove-server");

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
    if skip_unless_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deskmove.db");
    let listen = format!("127.0.0.1:{}", free_port());
    let mut server = start_server(&db, &listen);
    let postfix = Postfix::start(Some((BIN, &server.base)));
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
    let (held, said, _) = deskmove_testkit::command(BIN, &["check", "--db", db.to_str().unwrap()]);
    assert!(held, "{said}");
}
