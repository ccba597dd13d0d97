//! R32: raw mail from a mail server and posts to a form's public endpoint:
//! the channel, the thread, never twice, the original kept; auto-replies and
//! bounces open nothing; bad input is a clear error.

use deskmove_rules::{
    Channel, Conversation, ConversationStatus, Direction, ErrorCode, Message, Ticket, Workspace,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{
    client, deliver, error_of, spawn_app, spawn_app_with, status_id, Session, TestApp, INGEST_TOKEN,
};

/// A message from Kari to `to`, with headers of its own.
fn mail(to: &str, id: &str, subject: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Kari Nordmann <kari@example.com>\r\nTo: {to}\r\nSubject: {subject}\r\n\
         Message-ID: <{id}>\r\nDate: Sun, 6 Dec 2026 10:00:00 +0000\r\n{extra}\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

async fn taken(res: reqwest::Response, status: StatusCode) -> Value {
    let got = res.status();
    let body: Value = res.json().await.expect("a JSON body");
    assert_eq!(got, status, "{body}");
    body
}

async fn messages(s: &Session, conversation: &str) -> Vec<Message> {
    s.read(&format!("/api/conversations/{conversation}/messages"))
        .await
}

async fn conversation(s: &Session, id: &str) -> Conversation {
    s.read(&format!("/api/conversations/{id}")).await
}

#[tokio::test]
async fn a_customer_writes_replies_and_it_is_one_conversation_with_its_originals() {
    // R32, R12
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let first = mail(
        "Demo Support <Support+web@Demo.Test>",
        "first@example.com",
        "=?UTF-8?Q?Sykkelen_er_=C3=B8delagt?=",
        "",
        "My bike broke.",
    );
    let opened = taken(
        deliver(&app.base, first.clone(), None).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(opened["threaded"], false);
    let id = opened["conversation_id"].as_str().unwrap().to_string();
    let c = conversation(&ada, &id).await;
    assert_eq!(c.original_channel_id, ada.channel_id("Support email").await);
    assert_eq!(c.contact, "kari@example.com");
    assert_eq!(c.subject, "Sykkelen er ødelagt");

    // The follow-up names the first in In-Reply-To; its subject is no matter.
    let reply = mail(
        "support@demo.test",
        "second@example.com",
        "something else entirely",
        "In-Reply-To: <first@example.com>\r\n",
        "Any news?",
    );
    let replied = taken(deliver(&app.base, reply, None).await, StatusCode::CREATED).await;
    assert_eq!(replied["threaded"], true);
    assert_eq!(replied["conversation_id"], opened["conversation_id"]);

    // A subject alone never threads.
    let same_subject = mail(
        "support@demo.test",
        "third@example.com",
        "Sykkelen er ødelagt",
        "",
        "Another bike.",
    );
    let other = taken(
        deliver(&app.base, same_subject, None).await,
        StatusCode::CREATED,
    )
    .await;
    assert_ne!(other["conversation_id"], opened["conversation_id"]);

    let thread = messages(&ada, &id).await;
    assert_eq!(thread.len(), 2);
    assert_eq!(thread[0].body, "My bike broke.");
    assert_eq!(thread[1].body, "Any news?");
    assert_eq!(
        thread[0].from.as_deref(),
        Some("Kari Nordmann <kari@example.com>")
    );
    assert_eq!(thread[0].direction, Direction::In);
    assert_eq!(thread[0].mail_id.as_deref(), Some("first@example.com"));

    // The original, byte for byte, as a download.
    let url = thread[0].eml_url.clone().expect("an .eml link");
    let res = ada.get(&url).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "message/rfc822");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), first.as_slice());
    // R23: once the channel is in help desk, not for an agent without access.
    let moved = ada.start_move(ada.move_all("Support email").await).await;
    ada.wait_for_move(&moved.id).await;
    let noor = app.sign_in("noor@demo.test").await;
    assert_eq!(noor.get(&url).await.status(), StatusCode::FORBIDDEN);
    let res = client().get(app.url(&url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "nobody signed out");
}

#[tokio::test]
async fn every_message_of_a_thread_delivered_twice_in_another_order_changes_nothing() {
    // R32
    let app = spawn_app().await;
    let thread = [
        mail("sales@demo.test", "t1@example.com", "Quote", "", "One"),
        mail(
            "sales@demo.test",
            "t2@example.com",
            "Re: Quote",
            "In-Reply-To: <t1@example.com>\r\nReferences: <t1@example.com>\r\n",
            "Two",
        ),
        mail(
            "sales@demo.test",
            "t3@example.com",
            "Re: Quote",
            "References: <t1@example.com> <t2@example.com>\r\n",
            "Three",
        ),
    ];
    let mut first = Vec::new();
    for m in &thread {
        first.push(
            taken(
                deliver(&app.base, m.clone(), None).await,
                StatusCode::CREATED,
            )
            .await,
        );
    }
    let before = app.fingerprint().await;
    for i in [2, 0, 1] {
        let again = taken(
            deliver(&app.base, thread[i].clone(), None).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(again, first[i], "the same ids, and the same answer");
    }
    assert_eq!(app.fingerprint().await, before, "nothing changed");

    // A thread of 100,000 messages names its newest last; a header that is not
    // UTF-8 still threads.
    let mut long: String = (0..100_000)
        .map(|i| format!("<old{i}@example.com> "))
        .collect();
    long.push_str("<t3@example.com>");
    let tail = mail(
        "sales@demo.test",
        "t4@example.com",
        "Re: Quote",
        &format!("References: {long}\r\n"),
        "Four",
    );
    let body = taken(deliver(&app.base, tail, None).await, StatusCode::CREATED).await;
    assert_eq!(body["conversation_id"], first[0]["conversation_id"]);
    let mut eight_bit = b"From: kari@example.com\r\nTo: sales@demo.test\r\nMessage-ID: <t5@example.com>\r\nIn-Reply-To: <t4@example.com> (\xe6\xf8\xe5)\r\n".to_vec();
    eight_bit.extend_from_slice(b"Subject: Re: Quote\r\n\r\nFive\r\n");
    let body = taken(
        deliver(&app.base, eight_bit, None).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(body["conversation_id"], first[0]["conversation_id"]);

    // A message without a Message-ID is the same message when it comes again.
    let bare = b"From: kari@example.com\r\nTo: sales@demo.test\r\nSubject: No id\r\n\r\nHi\r\n";
    let once = taken(
        deliver(&app.base, &bare[..], None).await,
        StatusCode::CREATED,
    )
    .await;
    let twice = taken(deliver(&app.base, &bare[..], None).await, StatusCode::OK).await;
    assert_eq!(once, twice);
}

#[tokio::test]
async fn a_reply_re_opens_a_closed_conversation_and_its_ticket_but_an_auto_reply_never() {
    // R32, R12
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let opened = taken(
        deliver(
            &app.base,
            mail(
                "support@demo.test",
                "c1@example.com",
                "Order",
                "",
                "Where is it?",
            ),
            None,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = opened["conversation_id"].as_str().unwrap().to_string();
    let res = ada
        .patch(
            &format!("/api/conversations/{id}"),
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let out_of_office = mail(
        "support@demo.test",
        "ooo@example.com",
        "Out of office",
        "In-Reply-To: <c1@example.com>\r\nAuto-Submitted: auto-replied\r\n",
        "I'm away.",
    );
    let ignored = taken(
        deliver(&app.base, out_of_office, None).await,
        StatusCode::ACCEPTED,
    )
    .await;
    assert_eq!(ignored, json!({"ignored": "auto_reply"}));
    let bounce =
        "From: MAILER-DAEMON@example.com\r\nTo: support@demo.test\r\nSubject: Undelivered\r\n\
         References: <c1@example.com>\r\nMessage-ID: <b1@example.com>\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n\
         --r\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n--r--\r\n";
    let ignored = taken(deliver(&app.base, bounce, None).await, StatusCode::ACCEPTED).await;
    assert_eq!(ignored, json!({"ignored": "bounce"}));
    assert_eq!(
        conversation(&ada, &id).await.status,
        ConversationStatus::Closed
    );
    assert_eq!(messages(&ada, &id).await.len(), 1);

    let reply = mail(
        "support@demo.test",
        "c2@example.com",
        "Re: Order",
        "In-Reply-To: <c1@example.com>\r\n",
        "Still nothing.",
    );
    taken(deliver(&app.base, reply, None).await, StatusCode::CREATED).await;
    assert_eq!(
        conversation(&ada, &id).await.status,
        ConversationStatus::Open
    );

    // In help desk: a reply to a closed ticket puts it back to the first open status.
    let res = ada
        .patch(
            &format!("/api/conversations/{id}"),
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let moved = ada.start_move(ada.move_all("Support email").await).await;
    ada.wait_for_move(&moved.id).await;
    let c = conversation(&ada, &id).await;
    assert_eq!(c.workspace, Workspace::HelpDesk);
    let ticket_url = format!("/api/tickets/{}", c.ticket_id.expect("a ticket"));
    let ticket: Ticket = ada.read(&ticket_url).await;
    assert_eq!(ticket.status_id, status_id(&ada, "Closed").await);
    let reply = mail(
        "support@demo.test",
        "c3@example.com",
        "Re: Order",
        "References: <c1@example.com> <c2@example.com>\r\n",
        "Hello?",
    );
    taken(deliver(&app.base, reply, None).await, StatusCode::CREATED).await;
    let ticket: Ticket = ada.read(&ticket_url).await;
    assert_eq!(ticket.status_id, status_id(&ada, "New").await);
    // R7: new mail on a channel in help desk gets its ticket at once.
    let fresh = taken(
        deliver(
            &app.base,
            mail("support@demo.test", "c4@example.com", "New", "", "Hi"),
            None,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let c = conversation(&ada, fresh["conversation_id"].as_str().unwrap()).await;
    assert!(c.ticket_id.is_some());
}

#[tokio::test]
async fn the_envelope_recipient_comes_first_and_unknown_ones_or_bad_mail_are_refused() {
    // R32
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let both = mail("support@demo.test", "e1@example.com", "Hi", "", "Hello");
    let body = taken(
        deliver(&app.base, both, Some("SALES@demo.test")).await,
        StatusCode::CREATED,
    )
    .await;
    let c = conversation(&ada, body["conversation_id"].as_str().unwrap()).await;
    assert_eq!(c.original_channel_id, ada.channel_id("Sales email").await);

    let before = app.fingerprint().await;
    let nobody = mail("someone@else.example", "e2@example.com", "Hi", "", "Hello");
    let (status, code, message) = error_of(deliver(&app.base, nobody, None).await).await;
    assert_eq!(
        (status, code),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::UnknownRecipient
        )
    );
    assert!(message.contains("No email channel"), "{message}");
    // The fallback address is not an email channel that takes mail this way.
    let fallback = mail("fallback@inbox.demo.test", "e3@example.com", "Hi", "", "x");
    let (_, code, _) = error_of(deliver(&app.base, fallback, None).await).await;
    assert_eq!(code, ErrorCode::UnknownRecipient);
    let (status, code, _) = error_of(deliver(&app.base, "no headers at all", None).await).await;
    assert_eq!(
        (status, code),
        (StatusCode::BAD_REQUEST, ErrorCode::NotAMessage)
    );
    let (status, code, _) = error_of(deliver(&app.base, "", None).await).await;
    assert_eq!(
        (status, code),
        (StatusCode::BAD_REQUEST, ErrorCode::NotAMessage)
    );
    let res = client()
        .post(app.url("/api/ingest/email"))
        .bearer_auth(INGEST_TOKEN)
        .header("content-type", "text/plain")
        .body("From: a@b.example\r\n\r\nx")
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(res).await;
    assert_eq!(
        (status, code),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType
        )
    );
    let res = client()
        .post(app.url("/api/ingest/email"))
        .bearer_auth("not the token")
        .header("content-type", "message/rfc822")
        .body(mail("support@demo.test", "e4@example.com", "Hi", "", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // 25 MB is the limit.
    let mut huge = mail("support@demo.test", "e5@example.com", "Big", "", "");
    huge.resize(25 * 1024 * 1024 + 1, b'a');
    let (status, code, _) = error_of(deliver(&app.base, huge, None).await).await;
    assert_eq!(
        (status, code),
        (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
    );
    assert_eq!(app.fingerprint().await, before, "nothing changed");
}

async fn form_key(s: &Session) -> String {
    let id = s.channel_id("Contact us form").await;
    let c: Channel = s.read(&format!("/api/channels/{id}")).await;
    c.form_key.expect("a form key")
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn post_form(app: &TestApp, key: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    no_redirects()
        .post(app.url(&format!("/f/{key}")))
        .header("accept-language", "nb-NO,nb;q=0.9,en;q=0.5")
        .form(fields)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_form_post_opens_a_conversation_and_mail_that_references_it_stays_in_its_thread() {
    // R32, R20, R19
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let key = form_key(&ada).await;
    let res = post_form(
        &app,
        &key,
        &[
            ("email", "kari@example.com"),
            ("name", "Kari Nordmann"),
            ("message", "The saddle is loose.\r\nCan you help?"),
            ("website", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let thanks = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(thanks, format!("/f/{key}/thanks"));
    let page = client()
        .get(app.url(&thanks))
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Vielen Dank"));

    let form = ada.channel_id("Contact us form").await;
    let list: Value = ada
        .get_json(&format!("/api/conversations?channel_id={form}&sort=newest"))
        .await;
    let newest = &list["items"][0];
    assert_eq!(newest["contact"], "kari@example.com");
    assert_eq!(newest["subject"], "The saddle is loose.");
    let id = newest["id"].as_str().unwrap().to_string();
    let thread = messages(&ada, &id).await;
    assert_eq!(thread[0].body, "The saddle is loose.\nCan you help?");
    assert_eq!(
        thread[0].from.as_deref(),
        Some("Kari Nordmann <kari@example.com>")
    );
    assert_eq!(thread[0].eml_url, None, "a form post has no .eml");
    let submission = thread[0].mail_id.clone().expect("a Message-ID of ours");

    // Kari writes again by email, naming the submission: the form's thread,
    // and the form's channel, stay.
    let follow_up = mail(
        "support@demo.test",
        "f2@example.com",
        "Re: The saddle",
        &format!("References: <{submission}>\r\n"),
        "Any news on the saddle?",
    );
    let body = taken(
        deliver(&app.base, follow_up, None).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(body["threaded"], true);
    assert_eq!(body["conversation_id"].as_str(), Some(id.as_str()));
    let c = conversation(&ada, &id).await;
    assert_eq!(c.original_channel_id, form);
    assert_eq!(messages(&ada, &id).await.len(), 2);
}

#[tokio::test]
async fn a_form_refuses_what_it_cant_take_in_the_visitors_language() {
    // R32
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let key = form_key(&ada).await;
    let before = app.fingerprint().await;
    let res = post_form(&app, &key, &[("message", "No address")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = res.text().await.unwrap();
    assert!(page.contains("lang=\"nb\""), "{page}");
    assert!(page.contains("Oppgi e-postadressen din"), "{page}");
    // The honeypot: a bot is told all is well, and nothing is kept.
    let res = post_form(
        &app,
        &key,
        &[
            ("email", "bot@example.com"),
            ("website", "http://spam.example"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post_form(&app, "no-such-form", &[("email", "kari@example.com")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = client()
        .get(app.url(&format!("/f/{key}")))
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(res.text().await.unwrap().contains("Webformulars"));
    let res = no_redirects()
        .post(app.url(&format!("/f/{key}")))
        .header("content-type", "application/json")
        .body("{\"email\":\"kari@example.com\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.fingerprint().await, before, "nothing was kept");

    // Multipart works as form-encoded does; a file field is left out.
    let parts = reqwest::multipart::Form::new()
        .text("email", "ola@example.com")
        .text("subject", "Multipart")
        .text("message", "Sent as multipart")
        .part(
            "upload",
            reqwest::multipart::Part::bytes(vec![1, 2, 3]).file_name("x.bin"),
        );
    let res = no_redirects()
        .post(app.url(&format!("/f/{key}")))
        .multipart(parts)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Per address, limited: ten at once, then the visitor waits.
    let mut limited = None;
    for _ in 0..12 {
        let res = post_form(&app, &key, &[("email", "flood@example.com")]).await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(res);
            break;
        }
    }
    let res = limited.expect("a flood is limited");
    assert!(res.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn a_form_sends_its_visitors_to_its_own_https_thank_you_page() {
    // R32
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let form = ada.channel_id("Contact us form").await;
    let key = form_key(&ada).await;
    let refused = ada
        .patch(
            &format!("/api/channels/{form}"),
            json!({"settings": {"signature": null, "routing": {"mode": "none"},
                "automation": true, "ticket_status_id": null,
                "thank_you_url": "http://demo.example/thanks"}}),
        )
        .await;
    let (status, _, message) = error_of(refused).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message.contains("https://"), "{message}");
    let res = ada
        .patch(
            &format!("/api/channels/{form}"),
            json!({"settings": {"signature": null, "routing": {"mode": "none"},
                "automation": true, "ticket_status_id": null,
                "thank_you_url": "https://demo.example/thanks"}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = post_form(&app, &key, &[("email", "kari@example.com")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "https://demo.example/thanks");
}

#[tokio::test]
async fn mail_arriving_while_its_channel_moves_gets_its_ticket_and_is_counted() {
    // R32, R18, R26
    let app = spawn_app_with(|s| {
        s.demo_conversations = 400;
        s.move_batch = 5;
    })
    .await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = ada.start_move(ada.move_all("Support email").await).await;
    // Held running while the mail comes in, however slow the machine.
    deskmove_testkit::hold(&app.store, m.id).await;
    let during = taken(
        deliver(
            &app.base,
            mail(
                "support@demo.test",
                "during@example.com",
                "Mid-move",
                "",
                "Hi",
            ),
            None,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let c = conversation(&ada, during["conversation_id"].as_str().unwrap()).await;
    assert_eq!(c.workspace, Workspace::HelpDesk);
    assert!(c.ticket_id.is_some(), "a ticket at once");
    deskmove_testkit::let_go(&app.store, m.id).await;
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!(done.arrived, 1);
    assert!(app.store.check().await.unwrap().is_empty());
}
