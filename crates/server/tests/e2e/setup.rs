//! R28 in the real browser: a server started without `--demo` leads every page to
//! its set-up, which passes axe-core in each language and is done with the
//! keyboard alone; the first super admin lands signed in.

use std::time::Duration;

use fantoccini::key::Key;

use super::a11y::{assert_accessible, axe_source};
use super::{find, text, world_with};

const TOKEN: &str = "the-set-up-token-of-this-e2e-test";

#[tokio::test]
async fn a_company_sets_itself_up_with_the_keyboard_and_lands_signed_in() {
    let axe = axe_source();
    let w = world_with(&[
        "--setup-token",
        TOKEN,
        "--ingest-token",
        "the-ingest-token-of-this-e2e-test",
    ])
    .await;
    // Every language's set-up page passes axe-core; any page leads there.
    for (language, title) in [
        ("en-US", "Set up Deskmove"),
        ("nb-NO", "Sett opp Deskmove"),
        ("de-DE", "Deskmove einrichten"),
    ] {
        let b = w
            .browser_speaking(&format!("setup-{language}"), language)
            .await;
        b.goto(&format!("{}/inbox", w.base)).await.unwrap();
        let setup = url::Url::parse(&format!("{}/setup", w.base)).unwrap();
        b.wait()
            .at_most(Duration::from_secs(20))
            .for_url(&setup)
            .await
            .unwrap_or_else(|e| panic!("{language}: /inbox leads to /setup: {e}"));
        assert_eq!(text(&b, "#setup-title").await, title);
        assert_accessible(&b, &axe, &format!("set-up ({language})")).await;
        b.close().await.unwrap();
    }

    // Ingrid, in German, with the keyboard alone.
    let ingrid = w.browser_speaking("ingrid", "de-DE").await;
    ingrid
        .goto(&format!("{}/setup?token={TOKEN}", w.base))
        .await
        .unwrap();
    let token = find(&ingrid, "#setup-token").await;
    assert_eq!(token.prop("value").await.unwrap().as_deref(), Some(TOKEN));
    let tab = Key::Tab.to_string();
    token.send_keys(&tab).await.unwrap();
    for typed in [
        "Fjord Bikes",
        "Ingrid Admin",
        "ingrid@fjordbikes.example",
        "kurz",
    ] {
        let here = ingrid.active_element().await.unwrap();
        here.send_keys(typed).await.unwrap();
        here.send_keys(&tab).await.unwrap();
    }
    // A short password is said beside its field, in German, before anything is sent.
    find(&ingrid, "#setup-password")
        .await
        .send_keys(&Key::Enter.to_string())
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let said = text(&ingrid, "#setup-password-error").await;
        if said == "Ein Passwort hat 12 bis 128 Zeichen." {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "said: {said:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Focus went to the field that is wrong, and the link no longer shows the token.
    let focused = ingrid.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some("setup-password")
    );
    let here = ingrid.current_url().await.unwrap();
    assert_eq!((here.path(), here.query()), ("/setup", None));
    let password = find(&ingrid, "#setup-password").await;
    password.send_keys(" und lang genug").await.unwrap();
    password.send_keys(&Key::Enter.to_string()).await.unwrap();
    let landed = url::Url::parse(&format!("{}/settings/inboxes", w.base)).unwrap();
    ingrid
        .wait()
        .at_most(Duration::from_secs(20))
        .for_url(&landed)
        .await
        .expect("signed in, on the settings");
    let me = text(&ingrid, ".user-name").await;
    assert_eq!(me, "Ingrid Admin");

    // Set up now: the set-up page says so and leads to sign-in.
    let other = w.browser("latecomer").await;
    other.goto(&format!("{}/setup", w.base)).await.unwrap();
    let notice = text(&other, ".setup-card .notice").await;
    assert!(notice.contains("set up already"), "{notice}");
    other.close().await.unwrap();
    ingrid.close().await.unwrap();
}
