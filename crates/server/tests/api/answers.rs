//! R33: agents answer by email through a real relay (the test's own Postfix):
//! the answer is committed, queued, sent with every header a reply needs, and
//! the customer's reply threads back; the channel's signature and address
//! before and after a move; the first answer meets the ticket's SLA.

use deskmove_rules::{
    Conversation, DeliveryState, Direction, ErrorCode, Message, Page, Ticket, Workspace,
};
use deskmove_testkit::postfix::{skip_unless_available, Postfix};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{deliver, error_of, spawn_app, spawn_app_with, Session, TestApp};

fn mail(from: &str, id: &str, subject: &str, extra: &str, body: &str) -> String {
    format!(
        "From: Kari Nordmann <{from}>\r\nTo: support@demo.test\r\nSubject: {subject}\r\n\
         Message-ID: <{id}>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

async fn arrived(app: &TestApp, raw: String) -> String {
    let res = deliver(&app.base, raw, None).await;
    assert!(res.status().is_success(), "{}", res.status());
    let body: Value = res.json().await.unwrap();
    body["conversation_id"].as_str().unwrap().to_string()
}

async fn answer(s: &Session, conversation: &str, body: &str) -> reqwest::Response {
    s.post(
        &format!("/api/conversations/{conversation}/replies"),
        json!({ "body": body }),
    )
    .await
}

/// The test's own Postfix as the relay, and the demo on a server sending
/// through it; `None` (the test passes) where Postfix can't run outside CI.
async fn with_relay() -> Option<(Postfix, TestApp)> {
    if skip_unless_available() {
        return None;
    }
    let relay = Postfix::start(None);
    let url = relay.smtp_url();
    let app = spawn_app_with(move |s| s.smtp_url = Some(url)).await;
    Some((relay, app))
}

/// Waits until the conversation's answer `id` is no longer queued.
async fn until_settled(s: &Session, conversation: &str, id: &str) -> Message {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let thread: Vec<Message> = s
            .read(&format!("/api/conversations/{conversation}/messages"))
            .await;
        let m = thread
            .into_iter()
            .find(|m| m.id.to_string() == id)
            .expect("the answer is in its thread");
        if m.state != Some(DeliveryState::Queued) {
            return m;
        }
        assert!(std::time::Instant::now() < deadline, "still queued: {m:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A header's value in a caught message (unfolded).
fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.split("\r\n\r\n")
        .next()
        .unwrap_or(raw)
        .split('\n')
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
}

#[tokio::test]
async fn an_answer_is_mailed_from_its_channel_and_the_reply_threads_back() {
    // R33, R32, R6, R19
    if skip_unless_available() {
        return;
    }
    let relay = Postfix::start(None);
    let url = relay.smtp_url();
    let app = spawn_app_with(move |s| {
        s.smtp_url = Some(url);
        s.mail_from_domain = Some("deskmove.test".into());
    })
    .await;
    let ada = app.sign_in("ada@demo.test").await;
    let id = arrived(
        &app,
        mail(
            "kari@example.com",
            "saddle-1@example.com",
            "Saddle",
            "",
            "It wobbles.",
        ),
    )
    .await;

    let res = answer(&ada, &id, "We'll send a new one today.").await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let queued: Message = res.json().await.unwrap();
    assert_eq!(queued.direction, Direction::Out);
    assert_eq!(queued.state, Some(DeliveryState::Queued));
    assert_eq!(
        queued.from.as_deref(),
        Some("Support email <support@demo.test>")
    );
    // R6: the channel's signature, under the separator.
    assert_eq!(
        queued.body,
        "We'll send a new one today.\n\n-- \n— The Demo Co support team"
    );
    let sent = until_settled(&ada, &id, &queued.id.to_string()).await;
    assert_eq!(sent.state, Some(DeliveryState::Sent), "{sent:?}");
    let message_id = queued
        .mail_id
        .clone()
        .expect("a Message-ID made before sending");
    assert!(message_id.ends_with("@deskmove.test"));

    // What the customer's mailbox got, read from the relay's delivery.
    let caught = relay.until_caught(1).await;
    let got = &caught[0];
    assert_eq!(
        header(got, "Message-ID"),
        Some(format!("<{message_id}>").as_str())
    );
    assert_eq!(
        header(got, "From"),
        Some("\"Support email\" <support@demo.test>")
    );
    assert_eq!(header(got, "To"), Some("kari@example.com"));
    assert_eq!(header(got, "Subject"), Some("Re: Saddle"));
    assert_eq!(header(got, "In-Reply-To"), Some("<saddle-1@example.com>"));
    assert_eq!(header(got, "References"), Some("<saddle-1@example.com>"));
    assert!(header(got, "Date").is_some());
    assert_eq!(header(got, "Auto-Submitted"), None, "a person wrote it");
    let parsed = mail_parser::MessageParser::default()
        .parse(got.as_bytes())
        .unwrap();
    assert_eq!(
        parsed
            .body_text(0)
            .unwrap()
            .replace("\r\n", "\n")
            .trim_end(),
        "We'll send a new one today.\n\n-- \n— The Demo Co support team"
    );

    // Kari answers the answer: the same conversation.
    let back = arrived(
        &app,
        mail(
            "kari@example.com",
            "saddle-2@example.com",
            "Re: Saddle",
            &format!("In-Reply-To: <{message_id}>\r\n"),
            "Thanks!",
        ),
    )
    .await;
    assert_eq!(back, id);

    // R6: after the move, the same From and signature from help desk. The
    // ticket the move made was answered already, in the inbox: its first reply
    // is that answer, and the next one doesn't change it.
    let moved = ada.start_move(ada.move_all("Support email").await).await;
    ada.wait_for_move(&moved.id).await;
    let c: Conversation = ada.read(&format!("/api/conversations/{id}")).await;
    assert_eq!(c.workspace, Workspace::HelpDesk);
    let ticket_url = format!("/api/tickets/{}", c.ticket_id.unwrap());
    let before: Ticket = ada.read(&ticket_url).await;
    assert_eq!(before.first_replied_at, Some(queued.created_at));
    let res = answer(&ada, &id, "Shipped.").await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let again: Message = res.json().await.unwrap();
    assert_eq!(again.from, queued.from);
    assert!(again.body.ends_with("-- \n— The Demo Co support team"));
    let after: Ticket = ada.read(&ticket_url).await;
    assert_eq!(after.first_replied_at, Some(queued.created_at));
    let caught = relay.until_caught(2).await;
    assert_eq!(header(&caught[1], "From"), header(&caught[0], "From"));
    assert_eq!(
        header(&caught[1], "Subject"),
        Some("Re: Saddle"),
        "Re: once"
    );
    assert_eq!(
        header(&caught[1], "In-Reply-To"),
        Some("<saddle-2@example.com>"),
        "it answers the newest"
    );

    // R23: an agent without help desk access can't answer it now.
    let noor = app.sign_in("noor@demo.test").await;
    let (status, _, _) = error_of(answer(&noor, &id, "Hi").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, code, _) = error_of(answer(&ada, &id, "  ").await).await;
    assert_eq!(
        (status, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
    );
    // A NUL (PostgreSQL refuses it in text) or an escape is left out, not a 500.
    let res = answer(&ada, &id, "Null\u{0} and \u{1b}[31mescape").await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let odd: Message = res.json().await.unwrap();
    assert!(odd.body.starts_with("Null and [31mescape"), "{}", odd.body);
}

#[tokio::test]
async fn the_relays_refusal_fails_an_answer_with_its_reason() {
    // R33
    let Some((relay, app)) = with_relay().await else {
        return;
    };
    let ada = app.sign_in("ada@demo.test").await;
    // The relay delivers example.com only: it refuses this recipient with a 5xx.
    let id = arrived(
        &app,
        mail(
            "someone@elsewhere.test",
            "x-1@elsewhere.test",
            "Hi",
            "",
            "Hello",
        ),
    )
    .await;
    let queued: Message = answer(&ada, &id, "Hello back").await.json().await.unwrap();
    let failed = until_settled(&ada, &id, &queued.id.to_string()).await;
    assert_eq!(failed.state, Some(DeliveryState::Failed));
    let reason = failed.error.unwrap_or_default();
    assert!(
        reason.starts_with("550") || reason.starts_with("554"),
        "{reason}"
    );
    assert!(relay.caught().is_empty());
}

#[tokio::test]
async fn without_a_relay_answering_is_refused_and_nothing_is_kept() {
    // R33, I5
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let conversation = app
        .ingest(ada.channel_id("Support email").await, "kari@example.com")
        .await;
    let before = app.fingerprint().await;
    let (status, code, message) =
        error_of(answer(&ada, &conversation.id.to_string(), "Hello").await).await;
    assert_eq!(
        (status, code),
        (StatusCode::CONFLICT, ErrorCode::NoOutboundMail)
    );
    assert!(message.contains("--smtp-url"), "{message}");
    assert_eq!(app.fingerprint().await, before);
}

#[tokio::test]
async fn a_form_answers_from_the_email_channel_it_names() {
    // R33, R30, R20
    let Some((relay, app)) = with_relay().await else {
        return;
    };
    let ada = app.sign_in("ada@demo.test").await;
    let form = ada.channel_id("Contact us form").await;
    let c: deskmove_rules::Channel = ada.read(&format!("/api/channels/{form}")).await;
    let res = deskmove_testkit::client()
        .post(app.url(&format!("/f/{}", c.form_key.unwrap())))
        .form(&[
            ("email", "ola@example.com"),
            ("subject", "Gears"),
            ("message", "Slipping"),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let list: Value = ada
        .get_json(&format!("/api/conversations?channel_id={form}&sort=newest"))
        .await;
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    let (status, _, message) = error_of(answer(&ada, &id, "We'll look.").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message.contains("Contact us form"), "{message}");
    let email = ada.channel_id("Support email").await;
    let res = ada
        .patch(
            &format!("/api/channels/{form}"),
            json!({"settings": {"signature": null, "routing": {"mode": "none"},
                "automation": true, "ticket_status_id": null,
                "reply_from_channel_id": email}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = answer(&ada, &id, "We'll look.").await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let queued: Message = res.json().await.unwrap();
    assert_eq!(
        queued.from.as_deref(),
        Some("Support email <support@demo.test>")
    );
    let caught = relay.until_caught(1).await;
    assert_eq!(header(&caught[0], "To"), Some("ola@example.com"));
    assert_eq!(header(&caught[0], "Subject"), Some("Re: Gears"));
    // Its thread stays the form's (R20).
    let c: Conversation = ada.read(&format!("/api/conversations/{id}")).await;
    assert_eq!(c.original_channel_id, form);
}

/// A page of the help desk's open tickets.
async fn open_tickets(s: &Session, query: &str) -> Page<Ticket> {
    s.read(&format!(
        "/api/tickets?workspace=help_desk&state=open&{query}&page=1&limit=500"
    ))
    .await
}

#[tokio::test]
async fn the_first_answer_takes_a_ticket_off_the_overdue_list_unless_it_fails() {
    // R33, R13
    let Some((_relay, app)) = with_relay().await else {
        return;
    };
    let ada = app.sign_in("ada@demo.test").await;
    let kari = arrived(
        &app,
        mail(
            "kari@example.com",
            "late-1@example.com",
            "Late",
            "",
            "Hello?",
        ),
    )
    .await;
    // The relay delivers example.com only: an answer here fails (5xx).
    let nils = arrived(
        &app,
        mail(
            "nils@elsewhere.test",
            "late-2@elsewhere.test",
            "Later",
            "",
            "Hi?",
        ),
    )
    .await;
    let moved = ada.start_move(ada.move_all("Support email").await).await;
    ada.wait_for_move(&moved.id).await;
    // Both were due an hour ago: the clock can't be moved, the due times can.
    let an_hour_ago = (chrono::Utc::now() - chrono::Duration::hours(1)).timestamp_millis();
    for c in [&kari, &nils] {
        sqlx::query("UPDATE tickets SET first_reply_due = $1 WHERE conversation_id = $2")
            .bind(an_hour_ago)
            .bind(c.parse::<i64>().unwrap())
            .execute(app.store.pool())
            .await
            .unwrap();
    }
    let ticket_of = |c: &str| {
        let c = c.to_string();
        let ada = &ada;
        async move {
            let conversation: Conversation = ada.read(&format!("/api/conversations/{c}")).await;
            conversation.ticket_id.unwrap()
        }
    };
    let (kari_ticket, nils_ticket) = (ticket_of(&kari).await, ticket_of(&nils).await);

    let overdue = open_tickets(&ada, "overdue=true&sort=due").await;
    assert_eq!(
        overdue.total,
        Some(overdue.items.len() as u64),
        "the total counts the overdue, not every open ticket"
    );
    let now = chrono::Utc::now();
    assert!(overdue
        .items
        .iter()
        .all(|t| t.first_replied_at.is_none() && t.sla.is_some_and(|s| s.first_reply_due < now)));
    for t in [kari_ticket, nils_ticket] {
        assert!(overdue.items.iter().any(|i| i.id == t), "{t} is overdue");
    }
    // The overdue are the start of the due order.
    let due = open_tickets(&ada, "sort=due").await;
    let n = overdue.items.len();
    assert_eq!(
        due.items[..n].iter().map(|t| t.id).collect::<Vec<_>>(),
        overdue.items.iter().map(|t| t.id).collect::<Vec<_>>()
    );

    let queued: Message = answer(&ada, &kari, "Sorry for the wait.")
        .await
        .json()
        .await
        .unwrap();
    let answered: Ticket = ada.read(&format!("/api/tickets/{kari_ticket}")).await;
    assert_eq!(answered.first_replied_at, Some(queued.created_at));
    let overdue = open_tickets(&ada, "overdue=true&sort=due").await;
    assert!(!overdue.items.iter().any(|t| t.id == kari_ticket));
    // Answered, it goes after every ticket still waiting.
    let due = open_tickets(&ada, "sort=due").await;
    let at = |t| due.items.iter().position(|i| i.id == t).unwrap();
    let last_waiting = due
        .items
        .iter()
        .rposition(|t| t.first_replied_at.is_none() && t.sla.is_some())
        .unwrap();
    assert!(at(kari_ticket) > last_waiting);
    assert!(at(nils_ticket) <= last_waiting);

    // An answer that fails reached nobody: the ticket is still overdue.
    let queued: Message = answer(&ada, &nils, "Sorry for the wait.")
        .await
        .json()
        .await
        .unwrap();
    let failed = until_settled(&ada, &nils, &queued.id.to_string()).await;
    assert_eq!(failed.state, Some(DeliveryState::Failed));
    let t: Ticket = ada.read(&format!("/api/tickets/{nils_ticket}")).await;
    assert_eq!(t.first_replied_at, None);
    let overdue = open_tickets(&ada, "overdue=true").await;
    assert!(overdue.items.iter().any(|t| t.id == nils_ticket));
    // The next answer names what Nils got, never the answer that failed.
    let next: Message = answer(&ada, &nils, "Trying again.")
        .await
        .json()
        .await
        .unwrap();
    let eml = ada
        .get(next.eml_url.as_deref().expect("its mail is kept"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(header(&eml, "In-Reply-To"), Some("<late-2@elsewhere.test>"));
    assert_eq!(header(&eml, "References"), Some("<late-2@elsewhere.test>"));

    let (status, code, message) = error_of(ada.get("/api/tickets?overdue=soon").await).await;
    assert_eq!(
        (status, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
    );
    assert!(message.contains("overdue"), "{message}");
}

/// A delivery status notification as Postfix writes one (RFC 3464), for
/// kari@example.com.
fn bounce_of(message_id: &str, action: &str) -> String {
    bounce_for(message_id, action, "kari@example.com")
}

fn bounce_for(message_id: &str, action: &str, recipient: &str) -> String {
    format!(
        "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.com (Mail Delivery System)\r\n\
         To: support@demo.test\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         Message-ID: <bounce.{action}.{recipient}.{message_id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\n\
         Reporting-MTA: dns; mx.example.com\r\n\r\n\
         Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 <kari@example.com>: Recipient address\r\n \
         rejected: User unknown in local recipient table\r\n\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\n\
         From: \"Support email\" <support@demo.test>\r\nTo: kari@example.com\r\n\
         Subject: Re: Saddle\r\nMessage-ID: <{message_id}>\r\n\r\n--B--\r\n"
    )
}

#[tokio::test]
async fn a_bounce_of_an_answer_fails_it_with_the_receiving_servers_words() {
    // R33, R32
    let Some((_relay, app)) = with_relay().await else {
        return;
    };
    let ada = app.sign_in("ada@demo.test").await;
    let id = arrived(
        &app,
        mail("kari@example.com", "b-1@example.com", "Saddle", "", "Hi"),
    )
    .await;
    let queued: Message = answer(&ada, &id, "On its way.").await.json().await.unwrap();
    let sent = until_settled(&ada, &id, &queued.id.to_string()).await;
    assert_eq!(sent.state, Some(DeliveryState::Sent));
    let c: Conversation = ada.read(&format!("/api/conversations/{id}")).await;
    let mail_id = queued.mail_id.clone().unwrap();

    // A delay is not a bounce, and a bounce from someone Kari forwarded the
    // answer to says nothing of it: nothing changes.
    let before = app.fingerprint().await;
    let res = deliver(&app.base, bounce_of(&mail_id, "delayed"), None).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = deliver(
        &app.base,
        bounce_for(&mail_id, "failed", "kari.old@elsewhere.test"),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(app.fingerprint().await, before);

    let res = deliver(&app.base, bounce_of(&mail_id, "failed"), None).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["ignored"], "bounce", "it opens nothing");
    let thread: Vec<Message> = ada.read(&format!("/api/conversations/{id}/messages")).await;
    assert_eq!(thread.len(), 2, "the bounce is no message of the thread");
    let failed = thread.iter().find(|m| m.id == queued.id).unwrap();
    assert_eq!(failed.state, Some(DeliveryState::Failed));
    assert_eq!(
        failed.error.as_deref(),
        Some(
            "Returned by the customer's mail server: 550 5.1.1 <kari@example.com>: \
             Recipient address rejected: User unknown in local recipient table"
        )
    );
    let after: Conversation = ada.read(&format!("/api/conversations/{id}")).await;
    assert_eq!(after.status, c.status, "not re-opened");
    // It reached nobody: the ticket it makes when moved has no first reply.
    let moved = ada.start_move(ada.move_all("Support email").await).await;
    ada.wait_for_move(&moved.id).await;
    let after: Conversation = ada.read(&format!("/api/conversations/{id}")).await;
    let ticket: Ticket = ada
        .read(&format!("/api/tickets/{}", after.ticket_id.unwrap()))
        .await;
    assert_eq!(ticket.first_replied_at, None);
    // The same bounce again changes nothing more.
    let before = app.fingerprint().await;
    let res = deliver(&app.base, bounce_of(&mail_id, "failed"), None).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(app.fingerprint().await, before);
}
