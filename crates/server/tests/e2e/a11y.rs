//! Accessibility, checked by axe-core (the npm package `scripts/setup` installs) on
//! every screen in the states that matter, at a desktop and a phone width. Any
//! violation, of any impact, fails the run.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::Client;
use serde_json::Value;

use crate::{find, world};

/// Desktop and phone.
const WIDTHS: [(u32, u32); 2] = [(1440, 900), (390, 844)];

/// axe-core's browser build: `DESKMOVE_AXE`, else the tools folder's npm copy.
fn axe_source() -> String {
    let path = std::env::var_os("DESKMOVE_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let tools = std::env::var_os("DESKMOVE_TOOLS")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                        .join(".cache/deskmove-tools")
                });
            tools.join("npm/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core at {}: {e} (scripts/setup installs it)",
            path.display()
        )
    })
}

/// Runs axe-core on the page as it stands, at each width; panics with every
/// violation it finds, and where.
async fn assert_accessible(c: &Client, axe: &str, state: &str) {
    for (width, height) in WIDTHS {
        c.set_window_size(width, height).await.unwrap();
        tokio::time::sleep(Duration::from_millis(250)).await;
        c.execute(&format!("{axe}\n;return true;"), vec![])
            .await
            .unwrap();
        let found = c
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, { resultTypes: ['violations'] })\
                   .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,\
                      where: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }))))\
                   .catch(e => done([{ id: 'axe-failed', help: String(e) }]));",
                vec![],
            )
            .await
            .unwrap();
        let violations = found.as_array().cloned().unwrap_or_default();
        assert!(
            violations.is_empty(),
            "{state} at {width} px: axe-core found {}",
            serde_json::to_string_pretty(&Value::Array(violations)).unwrap()
        );
    }
    c.set_window_size(1280, 900).await.unwrap();
}

async fn title(c: &Client) -> String {
    c.execute("return document.title;", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Waits until the page names itself `want` (its content has rendered by then).
async fn titled(c: &Client, want: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let now = title(c).await;
        if now == want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the title is {now:?}, not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn every_screen_passes_axe_core_at_desktop_and_phone_width() {
    let axe = axe_source();
    let w = world().await;
    let ada = w.browser("ada-a11y").await;

    ada.goto(&format!("{}/login", w.base)).await.unwrap();
    find(&ada, "#login-email").await;
    titled(&ada, "Sign in · Deskmove").await;
    assert_accessible(&ada, &axe, "sign-in").await;
    find(&ada, "button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    find(&ada, "#login-email-error").await;
    assert_accessible(&ada, &axe, "sign-in with errors").await;

    w.sign_in(&ada, "ada@demo.test", "/inbox").await;
    find(&ada, "table.conversations tbody tr").await;
    titled(&ada, "Inbox · Deskmove").await;
    assert_accessible(&ada, &axe, "inbox").await;

    ada.goto(&format!("{}/help-desk", w.base)).await.unwrap();
    titled(&ada, "Help Desk · Deskmove").await;
    find(&ada, "main h1").await;
    assert_accessible(&ada, &axe, "help desk").await;

    ada.goto(&format!("{}/chatflows", w.base)).await.unwrap();
    find(&ada, "tr[data-channel='Welcome bot']").await;
    titled(&ada, "Chatflows · Deskmove").await;
    assert_accessible(&ada, &axe, "chatflows").await;

    ada.goto(&format!("{}/settings/inboxes", w.base))
        .await
        .unwrap();
    find(&ada, "tr[data-channel='Support email']").await;
    titled(&ada, "Inboxes · Settings · Deskmove").await;
    assert_accessible(&ada, &axe, "settings, inboxes").await;

    // The menu of a channel that can't move, with its reasons.
    find(&ada, "tr[data-channel='WhatsApp'] .row-menu-trigger")
        .await
        .click()
        .await
        .unwrap();
    find(&ada, "tr[data-channel='WhatsApp'] .move-reasons").await;
    assert_accessible(&ada, &axe, "menu open on WhatsApp").await;
    ada.active_element()
        .await
        .unwrap()
        .send_keys("\u{e00c}")
        .await
        .unwrap();

    // The move dialog, then the move's progress and the banner.
    find(&ada, "tr[data-channel='Support email'] .row-menu-trigger")
        .await
        .click()
        .await
        .unwrap();
    find(&ada, "tr[data-channel='Support email'] [data-action=move]")
        .await
        .click()
        .await
        .unwrap();
    find(&ada, "dialog[open] .move-form").await;
    assert_accessible(&ada, &axe, "move dialog").await;
    find(&ada, "#open-status")
        .await
        .select_by_label("Waiting on us")
        .await
        .unwrap();
    find(&ada, "#closed-status")
        .await
        .select_by_label("Closed")
        .await
        .unwrap();
    find(&ada, "[data-action=move-channel]")
        .await
        .click()
        .await
        .unwrap();
    find(&ada, "[role=progressbar]").await;
    titled(&ada, "Move progress · Deskmove").await;
    assert_accessible(&ada, &axe, "move in progress").await;
    ada.goto(&format!("{}/inbox", w.base)).await.unwrap();
    find(&ada, ".move-banner").await;
    assert_accessible(&ada, &axe, "inbox with the move banner").await;

    ada.goto(&format!("{}/settings/moves", w.base))
        .await
        .unwrap();
    titled(&ada, "Move history · Settings · Deskmove").await;
    find(&ada, "table.moves tbody tr").await;
    assert_accessible(&ada, &axe, "move history").await;

    ada.goto(&format!("{}/no/such/page", w.base)).await.unwrap();
    titled(&ada, "Page not found · Deskmove").await;
    assert_accessible(&ada, &axe, "page not found").await;

    // A ticket of the moved channel, once the move has made some.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let ticket = loop {
        let found = ada
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 fetch('/api/tickets?limit=1').then(r => r.json())\
                   .then(p => done(p.items && p.items.length ? String(p.items[0].id) : null))\
                   .catch(() => done(null));",
                vec![],
            )
            .await
            .unwrap();
        if let Some(id) = found.as_str() {
            break id.to_string();
        }
        assert!(tokio::time::Instant::now() < deadline, "no ticket to open");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    ada.goto(&format!("{}/help-desk/tickets/{ticket}", w.base))
        .await
        .unwrap();
    titled(&ada, "Ticket · Deskmove").await;
    find(&ada, "main h1").await;
    assert_accessible(&ada, &axe, "ticket").await;
    ada.close().await.unwrap();
}
