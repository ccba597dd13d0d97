//! R27 in the real browser: the app follows the browser's language, a choice in the
//! user menu redraws every screen in it, and the server remembers it for the user.

use std::time::Duration;

use fantoccini::Client;

use crate::{find, text, world};

async fn attr(c: &Client, script: &str) -> String {
    c.execute(script, vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Waits until the page's heading reads `want` (a redraw in another language).
async fn heading(c: &Client, want: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        // Read by script: a redraw replaces the element between a find and a read.
        let now = attr(
            c,
            "const h = document.querySelector('main h1'); return h ? h.textContent : '';",
        )
        .await;
        if now == want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the heading reads {now:?}, not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_app_follows_the_browser_then_the_language_the_user_chose_everywhere() {
    // R27
    let w = world().await;
    let german = w.browser_speaking("sam-de", "de-DE").await;
    german.goto(&format!("{}/login", w.base)).await.unwrap();
    heading(&german, "Anmelden").await;
    assert_eq!(
        attr(&german, "return document.documentElement.lang;").await,
        "de"
    );
    assert_eq!(
        attr(&german, "return document.title;").await,
        "Anmelden · Deskmove"
    );
    // A sign-in that lacks its password says so in German, beside the field.
    find(&german, "button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(
        text(&german, "#login-password-error").await,
        "Das Passwort darf nicht leer sein."
    );
    w.sign_in(&german, "sam@demo.test", "/inbox").await;
    heading(&german, "Posteingang").await;
    assert_eq!(
        text(&german, ".topnav a[href='/help-desk']").await,
        "Helpdesk"
    );

    // Sam chooses Norwegian in the user menu: the page redraws in it at once.
    find(&german, ".user-button").await.click().await.unwrap();
    find(&german, "#language-nb").await.click().await.unwrap();
    heading(&german, "Innboks").await;
    assert_eq!(
        attr(&german, "return document.documentElement.lang;").await,
        "nb"
    );
    assert_eq!(
        attr(&german, "return document.title;").await,
        "Innboks · Deskmove"
    );
    german.refresh().await.unwrap();
    heading(&german, "Innboks").await;

    // The choice is Sam's, not the browser's: an English browser shows it too.
    let english = w.browser("sam-en").await;
    w.sign_in(&english, "sam@demo.test", "/settings/inboxes")
        .await;
    heading(&english, "Innbokser").await;
    find(&english, "table.channel-table th").await;
    // (The heading is upper case by style only.)
    assert_eq!(
        attr(
            &english,
            "return document.querySelector('table.channel-table th').textContent;"
        )
        .await,
        "Kanal"
    );
    find(&english, ".user-button").await.click().await.unwrap();
    find(&english, "#language-browser")
        .await
        .click()
        .await
        .unwrap();
    heading(&english, "Inboxes").await;
    german.refresh().await.unwrap();
    heading(&german, "Posteingang").await;
    german.close().await.unwrap();
    english.close().await.unwrap();
}
