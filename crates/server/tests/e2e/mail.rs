//! R32 in the real browser: mail that arrived shows in the ticket's thread with
//! its sender and attachments, and its original downloads as `.eml`; a visitor
//! posts the form a company copied from the channel's page and lands on the
//! thank-you page, with nothing in the console.

use deskmove_rules::{Channel, Conversation};
use deskmove_testkit::Session;
use serde_json::{json, Value};

use super::company::{click, says, type_into};
use super::{find, text};

const INVOICE: &str = "From: =?UTF-8?Q?Kj=C3=A6rsti_N=C3=B8stvold?= <kjersti@example.com>\r\n\
To: sales@demo.test\r\nSubject: Invoice 7\r\nMessage-ID: <invoice-7@example.com>\r\n\
Content-Type: multipart/mixed; boundary=m\r\n\r\n\
--m\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n\
The invoice is \r\nattached.\r\n\
--m\r\nContent-Type: application/pdf; name=faktura.pdf\r\n\
Content-Disposition: attachment; filename=faktura.pdf\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--m--\r\n";

#[tokio::test]
async fn mail_shows_in_its_thread_and_a_visitor_posts_the_copied_form() {
    // R32, R7, SCREENS 14 and 16
    let w = super::world().await;
    let api = Session::sign_in(&w.base, "ada@demo.test").await;
    let sales = api.channel_id("Sales email").await;
    let moved = api
        .start_move(json!({"channel_id": sales, "history": {"mode": "none"}}))
        .await;
    api.wait_for_move(&moved.id).await;
    let res = deskmove_testkit::deliver(&w.base, INVOICE, None).await;
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    let taken: Value = res.json().await.unwrap();
    let conversation: Conversation = api
        .read(&format!(
            "/api/conversations/{}",
            taken["conversation_id"].as_str().unwrap()
        ))
        .await;
    let ticket = conversation.ticket_id.expect("a ticket at once (R7)");

    let ada = w.browser("ada").await;
    w.sign_in(
        &ada,
        "ada@demo.test",
        &format!("/help-desk/tickets/{ticket}"),
    )
    .await;
    says(
        &ada,
        ".message-from",
        "Kjærsti Nøstvold <kjersti@example.com>",
    )
    .await;
    says(&ada, ".messages .message p", "The invoice is attached.").await;
    assert!(text(&ada, ".attachments").await.contains("faktura.pdf"));
    let link = find(&ada, ".messages a[download]").await;
    let href = link.attr("href").await.unwrap().unwrap();
    assert!(href.ends_with("/original.eml"), "{href}");
    // What the link downloads: the message as it came, never shown inline.
    let got = ada
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(async r => done([r.status,
                 r.headers.get('content-disposition'), await r.text()]));",
            vec![json!(href)],
        )
        .await
        .unwrap();
    assert_eq!(got[0], 200);
    assert!(got[1].as_str().unwrap().starts_with("attachment"), "{got}");
    assert_eq!(got[2].as_str().unwrap(), INVOICE);

    // The form's page gives the HTML to copy; a visitor posts it from the
    // company's own page (here a page of its own origin) and is thanked.
    let form = api.channel_id("Contact us form").await;
    let key = api
        .read::<Channel>(&format!("/api/channels/{form}"))
        .await
        .form_key
        .unwrap();
    ada.goto(&format!("{}/settings/channels/{form}", w.base))
        .await
        .unwrap();
    let html = find(&ada, "#form-html")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(html.contains(&format!("/f/{key}")), "{html}");
    let page = format!("<!doctype html><title>Fjord Bikes: contact</title>{html}");
    ada.goto(&format!(
        "data:text/html;charset=utf-8,{}",
        // Form encoding writes a space as `+`, which a data: URL keeps as is.
        url::form_urlencoded::byte_serialize(page.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    ))
    .await
    .unwrap();
    type_into(&ada, "input[name=email]", "visitor@example.com").await;
    type_into(&ada, "input[name=name]", "Vera Visitor").await;
    type_into(&ada, "textarea[name=message]", "Do you rent bikes?").await;
    click(&ada, "form button").await;
    says(&ada, "h1", "Thank you").await;
    assert!(ada
        .current_url()
        .await
        .unwrap()
        .as_str()
        .ends_with(&format!("/f/{key}/thanks")));
    let list: Value = api
        .get_json(&format!("/api/conversations?channel_id={form}&sort=newest"))
        .await;
    assert_eq!(list["items"][0]["contact"], "visitor@example.com");
    assert_eq!(list["items"][0]["subject"], "Do you rent bikes?");
    ada.close().await.unwrap();
}

#[tokio::test]
async fn an_agent_answers_real_mail_and_the_customers_reply_comes_back() {
    // R33, R32, R8: through a real mail server both ways, in the real browser.
    use deskmove_testkit::postfix::{skip_unless_available, Postfix};
    if skip_unless_available() {
        return;
    }
    let port = deskmove_testkit::free_port();
    let url = format!("http://127.0.0.1:{port}");
    let relay = Postfix::start(Some((super::BIN, &url)));
    let smtp = relay.smtp_url();
    let w = super::world_at(
        &super::dist(),
        &format!("127.0.0.1:{port}"),
        &[
            "--demo",
            "--smtp-url",
            &smtp,
            "--mail-from-domain",
            "deskmove.test",
        ],
    )
    .await;
    let api = Session::sign_in(&w.base, "ada@demo.test").await;
    let sales = api.channel_id("Sales email").await;
    let moved = api
        .start_move(json!({"channel_id": sales, "history": {"mode": "none"}}))
        .await;
    api.wait_for_move(&moved.id).await;
    // Kari writes to sales@ through the mail server.
    relay.send(
        "kari@example.com",
        "sales@demo.test",
        "From: Kari Nordmann <kari@example.com>\nTo: sales@demo.test\nSubject: A quote\n\
         Message-ID: <quote-1@example.com>\n\nWhat does a fleet of ten cost?\n",
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let ticket = loop {
        let page: Value = api
            .get_json(&format!("/api/tickets?channel_id={sales}&sort=newest"))
            .await;
        if let Some(t) = page["items"].as_array().and_then(|i| i.first()) {
            break t["id"].as_str().unwrap().to_string();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no ticket from the mail"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };

    let ada = w.browser("ada").await;
    w.sign_in(
        &ada,
        "ada@demo.test",
        &format!("/help-desk/tickets/{ticket}"),
    )
    .await;
    says(
        &ada,
        ".messages .message p",
        "What does a fleet of ten cost?",
    )
    .await;
    says(&ada, "#answer-signature", "The Demo Co sales team").await;
    type_into(&ada, "#answer-body", "About 9,000 euros; an offer follows.").await;
    // Ctrl+Enter sends.
    type_into(&ada, "#answer-body", "\u{e009}\u{e007}\u{e000}").await;
    says(&ada, ".message.outbound .state", "Sent").await;
    // The page's first-reply fact follows without a reload.
    says(&ada, ".ticket-facts .met-badge", "Met").await;
    let caught = relay.until_caught(1).await;
    assert!(
        caught[0].contains("In-Reply-To: <quote-1@example.com>"),
        "{}",
        caught[0]
    );
    let answer_id = caught[0]
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .unwrap()
        .trim()
        .to_string();
    // The first answer met the first-reply SLA.
    let t: deskmove_rules::Ticket = api.read(&format!("/api/tickets/{ticket}")).await;
    assert!(t.first_replied_at.is_some());
    assert!(t.first_replied_at.unwrap() <= t.sla.unwrap().first_reply_due);

    // Kari answers the answer: it comes back through the mail server, and the
    // open page shows it without a reload.
    relay.send(
        "kari@example.com",
        "sales@demo.test",
        &format!(
            "From: Kari Nordmann <kari@example.com>\nTo: sales@demo.test\nSubject: Re: A quote\n\
             Message-ID: <quote-2@example.com>\nIn-Reply-To: {answer_id}\n\nDeal.\n"
        ),
    );
    says(&ada, ".messages", "Deal.").await;
    let thread: Vec<deskmove_rules::Message> = api
        .read(&format!(
            "/api/conversations/{}/messages",
            t.conversation_id
        ))
        .await;
    assert_eq!(thread.len(), 3, "in, out, in: one conversation");

    // R29: with the relay, an invitation goes by mail too, and the dialog says so.
    ada.goto(&format!("{}/settings/users", w.base))
        .await
        .unwrap();
    click(&ada, "#invite-user").await;
    type_into(&ada, "#invite-name", "Ola Nordmann").await;
    type_into(&ada, "#invite-email", "ola@example.com").await;
    click(&ada, "dialog[open] button[type=submit]").await;
    says(
        &ada,
        "dialog[open] .mailed",
        "on its way to Ola Nordmann by email",
    )
    .await;
    let link = find(&ada, "#link-url")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    let caught = relay.until_caught(2).await;
    let letter = String::from_utf8_lossy(caught[1].as_bytes())
        .replace("=\r\n", "")
        .replace("=\n", "");
    assert!(
        letter.contains("To: \"Ola Nordmann\" <ola@example.com>")
            || letter.contains("To: Ola Nordmann <ola@example.com>"),
        "{letter}"
    );
    assert!(
        letter.contains(&link),
        "the link shown is the link mailed: {letter}"
    );
    ada.close().await.unwrap();
}
