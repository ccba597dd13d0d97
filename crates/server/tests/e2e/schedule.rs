//! R24 in the real browser: a move scheduled a few seconds ahead from the dialog,
//! started by the server at its time, heard by a second person's browser.

use std::time::Duration;

use fantoccini::{key::Key, Locator};

use super::{find, gone, text, world};

/// Waits until `css` holds text containing `want`.
async fn says(c: &fantoccini::Client, css: &str, want: &str, within: Duration) -> String {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if !c.find_all(Locator::Css(css)).await.unwrap().is_empty() {
            let t = text(c, css).await;
            if t.contains(want) {
                return t;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{css} never said {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_move_scheduled_seconds_ahead_starts_by_itself_and_a_second_browser_sees_it() {
    // R24, R17
    let w = world().await;
    let sam = w.browser("sam").await;
    w.sign_in(&sam, "sam@demo.test", "/inbox").await;
    find(&sam, "table.conversations").await;

    let ada = w.browser("ada").await;
    w.sign_in(&ada, "ada@demo.test", "/settings/inboxes").await;
    find(&ada, "tr[data-channel='Contact us form'] .row-menu-trigger")
        .await
        .click()
        .await
        .unwrap();
    find(
        &ada,
        "tr[data-channel='Contact us form'] [data-action=move]",
    )
    .await
    .click()
    .await
    .unwrap();
    find(&ada, "dialog[open] .move-form").await;
    // The arrivals chart draws its 24 bars under the page's CSP, which refuses a
    // `style` attribute (the console check at the end catches one that tried).
    let heights = ada
        .execute(
            "return [...document.querySelectorAll('.activity-bars .bar')]\
               .map(b => b.getBoundingClientRect().height);",
            vec![],
        )
        .await
        .unwrap();
    let heights: Vec<f64> = serde_json::from_value(heights).unwrap();
    assert_eq!(heights.len(), 24, "a bar an hour");
    assert!(
        heights.iter().all(|h| *h > 0.0),
        "every bar drawn: {heights:?}"
    );
    // The keyboard: from Start now, the arrow key chooses Start at, as on any
    // radio group.
    let now_radio = find(&ada, "#when-now").await;
    ada.execute("document.querySelector('#when-now').focus();", vec![])
        .await
        .unwrap();
    now_radio.send_keys(&Key::Down.to_string()).await.unwrap();
    assert_eq!(
        find(&ada, "#when-at")
            .await
            .prop("checked")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        text(&ada, "#start-at-error").await,
        "Choose the date and time to start at."
    );
    assert_eq!(
        text(&ada, "[data-action=move-channel]").await,
        "Schedule move"
    );
    // The field, ten minutes ahead in the browser's own clock and zone, as the
    // picker would write it; once both people have seen it scheduled, the test
    // makes it due (a start seconds ahead could come before a slow machine
    // looked).
    ada.execute(
        r#"const d = new Date(Date.now() + 600000);
           const p = n => String(n).padStart(2, '0');
           const v = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
           const f = document.querySelector('#start-at');
           f.focus();
           f.value = v;
           f.dispatchEvent(new Event('input', { bubbles: true }));"#,
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(text(&ada, "#start-at-error").await, "");
    find(&ada, "[data-action=move-channel]")
        .await
        .send_keys(&Key::Enter.to_string())
        .await
        .unwrap();

    // Ada's page says when; Sam's banner says so too, without a reload.
    let heading = says(
        &ada,
        "#progress-title",
        "Contact us form moves to help desk at",
        Duration::from_secs(20),
    )
    .await;
    assert!(
        ada.current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/moves/"),
        "{heading}"
    );
    let banner = says(
        &sam,
        ".move-banner.scheduled",
        "Contact us form moves to help desk at",
        Duration::from_secs(20),
    )
    .await;
    assert!(banner.contains("reschedule or cancel"), "{banner}");

    // At its time the server starts it: both hear it run (held there while they
    // look, however slow the machine), then finish.
    let store = w.store().await;
    let id = w.hold_current(&store).await;
    deskmove_testkit::make_due(&store, id).await;
    says(
        &sam,
        ".move-banner",
        "Contact us form is moving to help desk.",
        Duration::from_secs(30),
    )
    .await;
    says(
        &ada,
        "#progress-title",
        "in progress",
        Duration::from_secs(30),
    )
    .await;
    assert!(
        ada.find_all(Locator::Css("[data-action=cancel-move]"))
            .await
            .unwrap()
            .is_empty(),
        "R17: a started move has no cancel"
    );
    deskmove_testkit::let_go(&store, id).await;
    gone(&sam, ".move-banner", Duration::from_secs(90)).await;
    let summary = says(&ada, ".summary", "Moved ", Duration::from_secs(30)).await;
    assert!(summary.contains("Moved "), "{summary}");
    ada.close().await.unwrap();
    sam.close().await.unwrap();
}
