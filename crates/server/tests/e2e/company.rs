//! R28, R30, R31 in the real browser, as a company's admin builds its help desk
//! from nothing: set up without the demo, an inbox, an email channel with its
//! settings, business hours for the SLA; a conversation arrives through the
//! JSON ingest, the channel moves with its history, and the ticket's first-reply
//! due time shows in the browser's time zone.

use std::time::Duration;

use deskmove_rules::sla::{due_after, Day, SlaHours, Span};
use deskmove_rules::{Page, Ticket};
use deskmove_testkit::Session;
use serde_json::json;

use super::a11y::{assert_accessible, axe_source};
use super::{choose_statuses, escape, find, text, text_now, world_with, World};

/// Waits until `css` shows text containing `words`.
pub(crate) async fn says(c: &fantoccini::Client, css: &str, words: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let said = text_now(c, css).await.unwrap_or_default();
        if said.contains(words) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{css} says {said:?}, not {words:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) async fn type_into(c: &fantoccini::Client, css: &str, typed: &str) {
    find(c, css).await.send_keys(typed).await.unwrap();
}

pub(crate) async fn click(c: &fantoccini::Client, css: &str) {
    find(c, css).await.click().await.unwrap();
}

/// Empties a field as a person does: select all, delete (WebDriver's clear()
/// fires no input event).
pub(crate) async fn empty(c: &fantoccini::Client, css: &str) {
    type_into(c, css, "\u{e009}a\u{e000}\u{e003}").await;
}

pub(crate) async fn lands_on(c: &fantoccini::Client, w: &World, path: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_url(&url::Url::parse(&format!("{}{path}", w.base)).unwrap())
        .await
        .unwrap_or_else(|e| panic!("lands on {path}: {e}"));
}

/// Ingrid sets Fjord Bikes up with the server's set-up token (R28).
pub(crate) async fn set_up(c: &fantoccini::Client, w: &World, token: &str) {
    c.goto(&format!("{}/setup?token={token}", w.base))
        .await
        .unwrap();
    type_into(c, "#setup-account", "Fjord Bikes").await;
    type_into(c, "#setup-name", "Ingrid Admin").await;
    type_into(c, "#setup-email", "ingrid@fjordbikes.example").await;
    type_into(c, "#setup-password", "correct horse battery").await;
    click(c, ".setup-card button[type=submit]").await;
    lands_on(c, w, "/settings/inboxes").await;
}

/// Settings ▸ Inboxes ▸ New inbox "Support", then Connect a channel: an email
/// channel of that name and address, whose page opens (R30).
pub(crate) async fn connect_channel(c: &fantoccini::Client, w: &World, name: &str, address: &str) {
    c.goto(&format!("{}/settings/inboxes", w.base))
        .await
        .unwrap();
    click(c, "#new-inbox").await;
    type_into(c, "dialog[open] #inbox-name", "Support").await;
    click(c, "dialog[open] button[type=submit]").await;
    find(c, "#inbox-picker").await;
    click(c, "#connect-channel").await;
    type_into(c, "dialog[open] #connect-name", name).await;
    type_into(c, "dialog[open] #connect-address", address).await;
    click(c, "dialog[open] button[type=submit]").await;
    says(c, "#channel-title", name).await;
}

/// Settings ▸ Help desk: the SLA in business hours (Monday to Friday, 08:00–16:00,
/// as the form suggests) in `zone`, else the browser's; 4 hours to the first
/// reply, after the form said an empty target is wrong (R31).
pub(crate) async fn set_business_hours(c: &fantoccini::Client, zone: Option<&str>) {
    click(c, "#sla-business").await;
    let select = find(c, "#sla-zone").await;
    if let Some(zone) = zone {
        select.select_by_value(zone).await.unwrap();
    }
    empty(c, "#sla-first-reply").await;
    click(c, ".sla-form button[type=submit]").await;
    says(c, "#sla-first-reply-error", "more than zero").await;
    type_into(c, "#sla-first-reply", "4").await;
    click(c, ".sla-form button[type=submit]").await;
    says(c, ".sla-form", "SLA policy saved").await;
}

/// Settings ▸ Inboxes ▸ the channel's Options ▸ Move to help desk.
pub(crate) async fn open_move_dialog(c: &fantoccini::Client, w: &World, channel: &str) {
    c.goto(&format!("{}/settings/inboxes", w.base))
        .await
        .unwrap();
    click(
        c,
        &format!("tr[data-channel='{channel}'] .row-menu-trigger"),
    )
    .await;
    click(
        c,
        &format!("tr[data-channel='{channel}'] [data-action=move]"),
    )
    .await;
}

#[tokio::test]
async fn a_company_builds_its_help_desk_and_moves_a_channel_it_made() {
    // R28, R30, R31, R6, R8, R10
    const TOKEN: &str = "the-set-up-token-of-the-company-test";
    const INGEST: &str = "company-ingest";
    let axe = axe_source();
    let w = world_with(&["--setup-token", TOKEN, "--ingest-token", INGEST]).await;
    let ingrid = w.browser("ingrid").await;
    set_up(&ingrid, &w, TOKEN).await;

    // The browser checks what the server would refuse, beside the field.
    ingrid
        .goto(&format!("{}/settings/inboxes", w.base))
        .await
        .unwrap();
    click(&ingrid, "#new-inbox").await;
    click(&ingrid, "dialog[open] button[type=submit]").await;
    says(&ingrid, "#inbox-name-error", "can't be empty").await;
    assert_accessible(&ingrid, &axe, "the new inbox dialog").await;
    escape(&ingrid).await;
    connect_channel(&ingrid, &w, "Support email", "support@fjordbikes.example").await;
    let channel = ingrid.current_url().await.unwrap();
    let channel_id = channel.path().rsplit('/').next().unwrap().to_string();
    assert_accessible(&ingrid, &axe, "the channel's page").await;

    // A phone number in the wrong form is said beside its field, in the dialog.
    ingrid
        .goto(&format!("{}/settings/inboxes", w.base))
        .await
        .unwrap();
    click(&ingrid, "#connect-channel").await;
    find(&ingrid, "dialog[open] #connect-kind")
        .await
        .select_by_value("calling")
        .await
        .unwrap();
    type_into(&ingrid, "dialog[open] #connect-name", "Support line").await;
    type_into(&ingrid, "dialog[open] #connect-address", "22 12 34 56").await;
    click(&ingrid, "dialog[open] button[type=submit]").await;
    says(&ingrid, "#connect-address-error", "international form").await;
    assert_accessible(&ingrid, &axe, "the connect dialog").await;

    // The channel's R6 settings.
    ingrid.goto(channel.as_str()).await.unwrap();
    type_into(&ingrid, "#channel-signature", "— Fjord Bikes support").await;
    find(&ingrid, "#channel-routing")
        .await
        .select_by_value("round_robin")
        .await
        .unwrap();
    click(&ingrid, ".channel-settings button[type=submit]").await;
    says(&ingrid, ".channel-settings", "Settings saved.").await;

    // Business hours in Oslo: Monday to Friday, 08:00–16:00, 4 hours to reply.
    ingrid
        .goto(&format!("{}/settings/help-desk", w.base))
        .await
        .unwrap();
    set_business_hours(&ingrid, Some("Europe/Oslo")).await;

    // A conversation arrives by the JSON ingest, as a mail server sends it.
    let res = reqwest::Client::new()
        .post(format!(
            "{}/api/ingest/channels/{channel_id}/conversations",
            w.base
        ))
        .bearer_auth(INGEST)
        .json(
            &json!({"contact": "ola@example.com", "subject": "Broken chain",
                      "body": "My chain snapped.", "started_at": "2026-12-04T15:00:00Z"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);

    // The move, with the history.
    open_move_dialog(&ingrid, &w, "Support email").await;
    find(&ingrid, "dialog[open] .preview-total").await;
    choose_statuses(&ingrid).await;
    click(&ingrid, "[data-action=move-channel]").await;
    says(&ingrid, ".summary", "Moved ").await;
    says(
        &ingrid,
        ".sla-applied",
        "SLA policy “Standard SLA”: first reply within 4 h",
    )
    .await;
    assert!(text(&ingrid, ".sla-applied")
        .await
        .contains("in business hours (Europe/Oslo)"));

    // The ticket's first-reply due time: counted in Oslo's business hours from
    // the ticket's creation (R8, R31), shown in the browser's time zone.
    let api = Session::sign_in_with(
        &w.base,
        "ingrid@fjordbikes.example",
        "correct horse battery",
    )
    .await;
    let tickets: Page<Ticket> = api.read("/api/tickets").await;
    let ticket = &tickets.items[0];
    let due = ticket.sla.expect("an SLA").first_reply_due;
    let hours = SlaHours::Business {
        time_zone: "Europe/Oslo".into(),
        spans: [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri]
            .into_iter()
            .map(|day| Span {
                day,
                from: "08:00".into(),
                to: "16:00".into(),
            })
            .collect(),
    };
    assert_eq!(Some(due), due_after(&hours, ticket.created_at, 4 * 3600));
    ingrid
        .goto(&format!("{}/help-desk/tickets/{}", w.base, ticket.id))
        .await
        .unwrap();
    let shown = text(&ingrid, ".ticket-facts").await;
    let expected = ingrid
        .execute(
            "return new Intl.DateTimeFormat('en-US', {dateStyle: 'medium', timeStyle: 'short'})\
             .format(new Date(arguments[0]));",
            vec![json!(due.to_rfc3339())],
        )
        .await
        .unwrap();
    let expected = expected.as_str().unwrap();
    assert!(shown.contains(expected), "{shown:?} lacks {expected:?}");
    ingrid.close().await.unwrap();
}

#[tokio::test]
async fn editing_a_bot_blocks_and_frees_its_move_at_once() {
    // R21, R30: add a "Create ticket" action → blocked, with the reason, in the
    // More menu; remove it → movable again. No reload in between.
    let axe = axe_source();
    let w = super::world().await;
    let ada = w.browser("ada").await;
    w.sign_in(&ada, "ada@demo.test", "/chatflows").await;
    click(&ada, "tr[data-channel='Website chat'] .channel-name a").await;
    says(&ada, "#channel-title", "Website chat").await;
    says(&ada, ".movability", "can move to help desk").await;
    click(&ada, "#bot-add").await;
    find(&ada, ".bot-actions li:nth-child(1) select")
        .await
        .select_by_value("create_ticket")
        .await
        .unwrap();
    assert_accessible(&ada, &axe, "the bot editor").await;
    click(&ada, ".bot-editor button[type=submit]").await;
    says(&ada, ".bot-editor", "Bot saved.").await;
    says(&ada, ".movability", "Bot action 1 “Create ticket”").await;

    click(&ada, ".back-link").await;
    ada.goto(&format!("{}/chatflows", w.base)).await.unwrap();
    click(&ada, "tr[data-channel='Website chat'] .row-menu-trigger").await;
    let item = find(&ada, "tr[data-channel='Website chat'] [data-action=move]").await;
    assert_eq!(
        item.attr("aria-disabled").await.unwrap().as_deref(),
        Some("true")
    );
    says(
        &ada,
        "tr[data-channel='Website chat'] .move-reasons",
        "help desk already creates a ticket",
    )
    .await;

    escape(&ada).await;
    click(&ada, "tr[data-channel='Website chat'] .channel-name a").await;
    click(&ada, ".bot-actions li:nth-child(1) button.danger").await;
    click(&ada, ".bot-editor button[type=submit]").await;
    says(&ada, ".bot-editor", "Bot saved.").await;
    says(&ada, ".movability", "can move to help desk").await;
    ada.close().await.unwrap();
}
