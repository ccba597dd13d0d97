//! At 390 px every screen is usable: the top bar folds into a menu, menus open
//! inside the viewport, and tables become cards whose cells say what they are.

use std::time::Duration;

use fantoccini::Client;
use serde_json::Value;

use crate::{find, world};

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap()
}

/// Whether the element is shown, whole, inside the viewport.
async fn in_view(c: &Client, css: &str) -> bool {
    js(
        c,
        &format!(
            "const e = document.querySelector({css:?}); if (!e || !e.offsetParent && getComputedStyle(e).position !== 'fixed') return false;\
             const r = e.getBoundingClientRect();\
             return r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;"
        ),
    )
    .await
    .as_bool()
    .unwrap_or(false)
}

/// Nothing on the page is wider than the phone.
async fn fits(c: &Client, page: &str) {
    let wide = js(
        c,
        "return document.documentElement.scrollWidth - innerWidth;",
    )
    .await
    .as_f64()
    .unwrap_or(f64::MAX);
    assert!(wide <= 0.0, "{page} is {wide} px wider than the phone");
}

/// Every labelled cell of the first row shows its column's name before it.
async fn cards(c: &Client, table: &str) {
    let found = js(
        c,
        &format!(
            "const tr = document.querySelector('{table} tbody tr');\
             if (!tr) return 'no row';\
             if (getComputedStyle(tr).display !== 'grid') return 'rows are not cards';\
             const cells = [...tr.querySelectorAll('td[data-label]')];\
             if (cells.length === 0) return 'no labelled cell';\
             const bad = cells.find(td => !getComputedStyle(td, '::before').content.includes(td.dataset.label));\
             return bad ? 'unlabelled: ' + bad.dataset.label : 'ok';"
        ),
    )
    .await;
    assert_eq!(found.as_str(), Some("ok"), "{table}");
}

#[tokio::test]
async fn every_screen_works_on_a_phone() {
    let w = world().await;
    let ada = w.browser("ada-phone").await;
    ada.set_window_size(390, 844).await.unwrap();
    w.sign_in(&ada, "ada@demo.test", "/settings/inboxes").await;
    find(&ada, "tr[data-channel='Support email']").await;
    fits(&ada, "settings, inboxes").await;
    cards(&ada, "table.channel-table").await;

    // The top bar: the pages' links behind Menu, which opens inside the screen.
    assert!(!in_view(&ada, "#topnav").await, "the links are folded away");
    assert!(in_view(&ada, ".nav-toggle").await);
    find(&ada, ".nav-toggle").await.click().await.unwrap();
    assert!(in_view(&ada, "#topnav").await, "the menu opens in view");
    assert!(in_view(&ada, "#topnav a[href='/chatflows']").await);
    find(&ada, "#topnav a[href='/chatflows']")
        .await
        .click()
        .await
        .unwrap();
    find(&ada, "tr[data-channel='Welcome bot']").await;
    assert!(!in_view(&ada, "#topnav").await, "a new page folds the menu");
    fits(&ada, "chatflows").await;
    cards(&ada, "table.chatflows").await;

    // A blocked channel's menu, and the user menu, inside the screen.
    find(&ada, "tr[data-channel='WhatsApp'] .row-menu-trigger")
        .await
        .click()
        .await
        .unwrap();
    find(&ada, "tr[data-channel='WhatsApp'] .move-reasons").await;
    assert!(
        in_view(&ada, "tr[data-channel='WhatsApp'] .row-menu-panel").await,
        "the Options menu opens inside the screen"
    );
    find(&ada, ".user-button").await.click().await.unwrap();
    assert!(
        in_view(&ada, ".user-panel").await,
        "the user menu opens inside the screen"
    );

    // A move, so that the progress page and Move history have something to show.
    let started = ada
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             (async () => {\
               const me = await (await fetch('/api/me')).json();\
               const inboxes = await (await fetch('/api/inboxes')).json();\
               const c = inboxes.flatMap(i => i.channels).find(c => c.name === 'Support email');\
               const p = (await (await fetch('/api/pipelines')).json())[0];\
               const status = state => p.statuses.find(s => s.state === state).id;\
               const r = await fetch('/api/moves', { method: 'POST',\
                 headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },\
                 body: JSON.stringify({ channel_id: c.id, history: { mode: 'all',\
                 open_status_id: status('open'), closed_status_id: status('closed') }, mute_notifications: true }) });\
               done(r.status === 202 ? (await r.json()).id : 'refused ' + r.status + ' ' + await r.text());\
             })().catch(e => done(String(e)));",
            vec![],
        )
        .await
        .unwrap();
    let id = started.as_str().unwrap().to_string();
    assert!(id.parse::<u64>().is_ok(), "{id}");
    ada.goto(&format!("{}/moves/{id}", w.base)).await.unwrap();
    find(&ada, "[role=progressbar]").await;
    fits(&ada, "move progress").await;

    for (path, table) in [
        ("/settings/moves", "table.moves"),
        ("/inbox", "table.conversations"),
        ("/help-desk", "table.tickets"),
    ] {
        ada.goto(&format!("{}{path}", w.base)).await.unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while js(
            &ada,
            &format!("return !!document.querySelector('{table} tbody tr');"),
        )
        .await
        .as_bool()
            != Some(true)
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{path} shows no rows"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        fits(&ada, path).await;
        cards(&ada, table).await;
    }
    ada.close().await.unwrap();
}
