//! Accessibility, checked by axe-core (the npm package `scripts/setup` installs) on
//! every screen in the states that matter, at a desktop and a phone width. Any
//! violation, of any impact, fails the run.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::Client;
use serde_json::Value;

use crate::{escape, find, world};

/// Desktop and phone.
const WIDTHS: [(u32, u32); 2] = [(1440, 900), (390, 844)];

/// axe-core's browser build: `DESKMOVE_AXE`, else the tools folder's npm copy.
pub(crate) fn axe_source() -> String {
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
pub(crate) async fn assert_accessible(c: &Client, axe: &str, state: &str) {
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

/// Each page's title, in one language.
struct Titles {
    language: &'static str,
    sign_in: &'static str,
    inbox: &'static str,
    help_desk: &'static str,
    chatflows: &'static str,
    inboxes: &'static str,
    progress: &'static str,
    history: &'static str,
    users: &'static str,
    not_found: &'static str,
    ticket: &'static str,
}

const LANGUAGES: [Titles; 3] = [
    Titles {
        language: "en-US",
        sign_in: "Sign in",
        inbox: "Inbox",
        help_desk: "Help Desk",
        chatflows: "Chatflows",
        inboxes: "Inboxes · Settings",
        progress: "Move progress",
        history: "Move history · Settings",
        users: "Users · Settings",
        not_found: "Page not found",
        ticket: "Ticket",
    },
    Titles {
        language: "de-DE",
        sign_in: "Anmelden",
        inbox: "Posteingang",
        help_desk: "Helpdesk",
        chatflows: "Chatflows",
        inboxes: "Posteingänge · Einstellungen",
        progress: "Fortschritt der Verschiebung",
        history: "Verschiebungsverlauf · Einstellungen",
        users: "Benutzer · Einstellungen",
        not_found: "Seite nicht gefunden",
        ticket: "Ticket",
    },
    Titles {
        language: "nb-NO",
        sign_in: "Logg inn",
        inbox: "Innboks",
        help_desk: "Helpdesk",
        chatflows: "Chatflyter",
        inboxes: "Innbokser · Innstillinger",
        progress: "Fremdrift for flyttingen",
        history: "Flyttehistorikk · Innstillinger",
        users: "Brukere · Innstillinger",
        not_found: "Fant ikke siden",
        ticket: "Billett",
    },
];

#[tokio::test]
async fn every_screen_passes_axe_core_at_desktop_and_phone_width_in_every_language() {
    // R27: each language in a browser that reads it first.
    let axe = axe_source();
    let w = world().await;
    let mut moving = None;
    for t in &LANGUAGES {
        let c = w
            .browser_speaking(&format!("ada-a11y-{}", t.language), t.language)
            .await;
        moving = Some(screens(&w, &c, &axe, t, moving).await);
        c.close().await.unwrap();
    }
}

/// Every screen in the states that matter. The first language starts the move of
/// Support email (dialog, progress, banner); the others see it running or done,
/// and open the dialog of Sales email, which it may block.
async fn screens(
    w: &crate::World,
    ada: &crate::Browser,
    axe: &str,
    t: &Titles,
    moving: Option<String>,
) -> String {
    let title = |page: &str| format!("{page} · Deskmove");
    let at = |state: &str| format!("{state} ({})", t.language);
    ada.goto(&format!("{}/login", w.base)).await.unwrap();
    find(ada, "#login-email").await;
    titled(ada, &title(t.sign_in)).await;
    assert_accessible(ada, axe, &at("sign-in")).await;
    find(ada, "button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    find(ada, "#login-email-error").await;
    assert_accessible(ada, axe, &at("sign-in with errors")).await;

    w.sign_in(ada, "ada@demo.test", "/inbox").await;
    find(ada, "table.conversations tbody tr").await;
    titled(ada, &title(t.inbox)).await;
    assert_accessible(ada, axe, &at("inbox")).await;
    // The user menu, with its language choice.
    find(ada, ".user-button").await.click().await.unwrap();
    find(ada, ".user-panel fieldset.language").await;
    assert_accessible(ada, axe, &at("user menu open")).await;
    find(ada, ".user-button").await.click().await.unwrap();

    ada.goto(&format!("{}/help-desk", w.base)).await.unwrap();
    titled(ada, &title(t.help_desk)).await;
    find(ada, "main h1").await;
    assert_accessible(ada, axe, &at("help desk")).await;

    ada.goto(&format!("{}/chatflows", w.base)).await.unwrap();
    find(ada, "tr[data-channel='Welcome bot']").await;
    titled(ada, &title(t.chatflows)).await;
    assert_accessible(ada, axe, &at("chatflows")).await;

    ada.goto(&format!("{}/settings/inboxes", w.base))
        .await
        .unwrap();
    find(ada, "tr[data-channel='Support email']").await;
    titled(ada, &title(t.inboxes)).await;
    assert_accessible(ada, axe, &at("settings, inboxes")).await;

    // The menu of a channel that can't move, with its reasons.
    find(ada, "tr[data-channel='WhatsApp'] .row-menu-trigger")
        .await
        .click()
        .await
        .unwrap();
    find(ada, "tr[data-channel='WhatsApp'] .move-reasons").await;
    assert_accessible(ada, axe, &at("menu open on WhatsApp")).await;
    escape(ada).await;

    let first = moving.is_none();
    let mut held = None;
    let id = match moving {
        None => {
            // The move dialog, then the move's progress.
            open_dialog(ada, "Support email").await;
            find(ada, "dialog[open] .move-form").await;
            assert_accessible(ada, axe, &at("move dialog")).await;
            find(ada, "#open-status")
                .await
                .select_by_label("Waiting on us")
                .await
                .unwrap();
            find(ada, "#closed-status")
                .await
                .select_by_label("Closed")
                .await
                .unwrap();
            let store = w.store().await;
            find(ada, "[data-action=move-channel]")
                .await
                .click()
                .await
                .unwrap();
            // Held running until the banner has been checked, on any machine.
            held = Some((w.hold_current(&store).await, store));
            find(ada, "[role=progressbar]").await;
            let url = ada.current_url().await.unwrap();
            url.path().trim_start_matches("/moves/").to_string()
        }
        Some(id) => {
            ada.goto(&format!("{}/settings/inboxes", w.base))
                .await
                .unwrap();
            find(ada, "#inbox-picker").await;
            ada.execute(
                "const s = document.getElementById('inbox-picker');\
                 const o = [...s.options].find(o => o.text === 'Sales');\
                 s.value = o.value; s.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![],
            )
            .await
            .unwrap();
            open_dialog(ada, "Sales email").await;
            find(ada, "dialog[open] .preview").await;
            assert_accessible(ada, axe, &at("move dialog, another move known")).await;
            ada.goto(&format!("{}/moves/{id}", w.base)).await.unwrap();
            find(ada, "[role=progressbar]").await;
            id
        }
    };
    titled(ada, &title(t.progress)).await;
    assert_accessible(ada, axe, &at("move progress")).await;
    ada.goto(&format!("{}/inbox", w.base)).await.unwrap();
    find(ada, "table.conversations").await;
    if first {
        find(ada, ".move-banner").await;
    }
    assert_accessible(ada, axe, &at("inbox, banner while it runs")).await;
    if let Some((id, store)) = held {
        deskmove_testkit::let_go(&store, id).await;
    }

    ada.goto(&format!("{}/settings/moves", w.base))
        .await
        .unwrap();
    titled(ada, &title(t.history)).await;
    find(ada, "table.moves tbody tr").await;
    assert_accessible(ada, axe, &at("move history")).await;

    // R29: the people, and the dialogs that change them.
    ada.goto(&format!("{}/settings/users", w.base))
        .await
        .unwrap();
    titled(ada, &title(t.users)).await;
    find(ada, "tr[data-user='noor@demo.test']").await;
    assert_accessible(ada, axe, &at("users")).await;
    find(ada, "tr[data-user='sam@demo.test'] .row-actions button")
        .await
        .click()
        .await
        .unwrap();
    find(ada, "dialog[open] #edit-access")
        .await
        .click()
        .await
        .unwrap();
    assert_accessible(ada, axe, &at("edit a user, taking access away")).await;
    close_dialog(ada).await;
    find(ada, "tr[data-user='noor@demo.test'] .row-actions .danger")
        .await
        .click()
        .await
        .unwrap();
    find(ada, "dialog[open] #deactivate-title").await;
    assert_accessible(ada, axe, &at("deactivate a user")).await;
    close_dialog(ada).await;
    find(ada, ".user-button").await.click().await.unwrap();
    find(ada, "#change-password").await.click().await.unwrap();
    find(ada, "dialog[open] #password-title").await;
    assert_accessible(ada, axe, &at("change password")).await;
    close_dialog(ada).await;

    ada.goto(&format!("{}/no/such/page", w.base)).await.unwrap();
    titled(ada, &title(t.not_found)).await;
    assert_accessible(ada, axe, &at("page not found")).await;

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
    titled(ada, &title(t.ticket)).await;
    find(ada, "main h1").await;
    assert_accessible(ada, axe, &at("ticket")).await;
    id
}

/// Closes the open dialog with a real Esc, and waits until it is gone.
async fn close_dialog(c: &Client) {
    escape(c).await;
    crate::gone(c, "dialog[open]", Duration::from_secs(10)).await;
}

async fn open_dialog(c: &Client, channel: &str) {
    find(
        c,
        &format!("tr[data-channel='{channel}'] .row-menu-trigger"),
    )
    .await
    .click()
    .await
    .unwrap();
    find(
        c,
        &format!("tr[data-channel='{channel}'] [data-action=move]"),
    )
    .await
    .click()
    .await
    .unwrap();
}
