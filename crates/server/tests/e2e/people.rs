//! R28, R29 in the real browser, as a company's admin meets them on day one: set
//! up without the demo, invite an agent, who signs in through the link; the move
//! dialog's warning about them leads to Settings ▸ Users, where the admin gives
//! help desk access, and back, where the warning is gone.

use std::time::Duration;

use deskmove_rules::{AccountId, ChannelKind, ChannelSettings, Workspace};
use deskmove_server::store::{insert_channel, insert_inbox, NewChannel};
use fantoccini::Locator;

use super::a11y::{assert_accessible, axe_source};
use super::{find, gone, text, world_with, World};

const TOKEN: &str = "the-set-up-token-of-the-people-test";

/// Waits until `css` shows text containing `words`.
async fn says(c: &fantoccini::Client, css: &str, words: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let said = text(c, css).await;
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

async fn type_into(c: &fantoccini::Client, css: &str, typed: &str) {
    find(c, css).await.send_keys(typed).await.unwrap();
}

async fn click(c: &fantoccini::Client, css: &str) {
    find(c, css).await.click().await.unwrap();
}

async fn lands_on(c: &fantoccini::Client, w: &World, path: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_url(&url::Url::parse(&format!("{}{path}", w.base)).unwrap())
        .await
        .unwrap_or_else(|e| panic!("lands on {path}: {e}"));
}

/// Until channels can be connected in the product (issue 27), the company's
/// first email channel is connected in the database, as that screen will.
async fn connect_support_email(w: &World) {
    let store = w.store().await;
    let mut tx = store.begin_write().await.unwrap();
    let account = AccountId::of(1);
    let inbox = insert_inbox(&mut tx, account, "Support").await.unwrap();
    let settings = ChannelSettings::default();
    insert_channel(
        &mut tx,
        account,
        &NewChannel {
            inbox,
            kind: ChannelKind::Email,
            name: "Support email",
            address: "support@fjordbikes.example",
            workspace: Workspace::Inbox,
            settings: &settings,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_company_invites_an_agent_and_gives_access_from_the_move_warning() {
    // R28, R29, R5
    let axe = axe_source();
    let w = world_with(&["--setup-token", TOKEN, "--ingest-token", "people-ingest"]).await;

    // Ingrid sets the company up.
    let ingrid = w.browser("ingrid").await;
    ingrid
        .goto(&format!("{}/setup?token={TOKEN}", w.base))
        .await
        .unwrap();
    type_into(&ingrid, "#setup-account", "Fjord Bikes").await;
    type_into(&ingrid, "#setup-name", "Ingrid Admin").await;
    type_into(&ingrid, "#setup-email", "ingrid@fjordbikes.example").await;
    type_into(&ingrid, "#setup-password", "correct horse battery").await;
    click(&ingrid, ".setup-card button[type=submit]").await;
    lands_on(&ingrid, &w, "/settings/inboxes").await;
    connect_support_email(&w).await;

    // She invites Kari, an agent without help desk access yet.
    ingrid
        .goto(&format!("{}/settings/users", w.base))
        .await
        .unwrap();
    find(&ingrid, "tr[data-user='ingrid@fjordbikes.example']").await;
    assert_accessible(&ingrid, &axe, "Settings ▸ Users").await;
    click(&ingrid, "#invite-user").await;
    find(&ingrid, "dialog[open] #invite-title").await;
    type_into(&ingrid, "#invite-name", "Kari Nordmann").await;
    type_into(&ingrid, "#invite-email", "kari@fjordbikes.example").await;
    click(&ingrid, "#invite-access").await;
    assert_accessible(&ingrid, &axe, "the invite dialog").await;
    click(&ingrid, "dialog[open] button[type=submit]").await;
    says(&ingrid, "#link-title", "Invitation for Kari Nordmann").await;
    let link = find(&ingrid, "#link-url")
        .await
        .prop("value")
        .await
        .unwrap()
        .expect("the link, shown once");
    assert!(link.starts_with(&format!("{}/link/", w.base)), "{link}");
    assert_accessible(&ingrid, &axe, "the link shown once").await;
    click(&ingrid, "dialog[open] .button.primary").await;
    says(
        &ingrid,
        "tr[data-user='kari@fjordbikes.example']",
        "Invited",
    )
    .await;

    // Kari opens the link in her own browser, sets a password and is signed in.
    let kari = w.browser("kari").await;
    kari.goto(&link).await.unwrap();
    says(&kari, "#link-page-title", "Welcome to Deskmove").await;
    assert_accessible(&kari, &axe, "the link's page").await;
    type_into(&kari, "#link-password", "short").await;
    click(&kari, ".link-form button[type=submit]").await;
    says(&kari, "#link-password-error", "12 to 128").await;
    type_into(&kari, "#link-password", " but now long enough").await;
    click(&kari, ".link-form button[type=submit]").await;
    lands_on(&kari, &w, "/inbox").await;
    assert_eq!(text(&kari, ".user-name").await, "Kari Nordmann");
    // The link worked once.
    let again = w.browser("again").await;
    again.goto(&link).await.unwrap();
    says(&again, ".link-page h1", "This link no longer works").await;
    // The one error this page logs: the browser's note of the 410 it was told.
    let logged = again.console_errors().await;
    assert!(
        logged.len() == 1 && logged[0].contains("status of 410 (Gone)"),
        "{logged:?}"
    );
    again.close().await.unwrap();

    // The move dialog warns about Kari and leads to the fix.
    ingrid
        .goto(&format!("{}/settings/inboxes", w.base))
        .await
        .unwrap();
    click(
        &ingrid,
        "tr[data-channel='Support email'] .row-menu-trigger",
    )
    .await;
    click(
        &ingrid,
        "tr[data-channel='Support email'] [data-action=move]",
    )
    .await;
    let warning = "dialog[open] li.warning[data-code=AgentsWithoutAccess]";
    says(&ingrid, warning, "Kari Nordmann").await;
    click(&ingrid, &format!("{warning} a.warning-fix")).await;
    find(&ingrid, "tr[data-user='kari@fjordbikes.example']").await;
    assert!(
        ingrid
            .find_all(Locator::Css("tr[data-user='ingrid@fjordbikes.example']"))
            .await
            .unwrap()
            .is_empty(),
        "filtered to those without access"
    );
    says(&ingrid, "#grant-all", "Give 1 agent help desk access").await;
    click(&ingrid, "#grant-all").await;
    says(&ingrid, ".users-said", "1 agent now has help desk access.").await;
    find(&ingrid, "#users-show").await;
    says(&ingrid, ".users-page", "Everyone has help desk access.").await;

    // Back to the move: the dialog opens again, read anew, without the warning.
    click(&ingrid, "a.back-link").await;
    find(&ingrid, "dialog[open] .move-form").await;
    find(&ingrid, "dialog[open] li.warning[data-code=NoSlaPolicy]").await;
    gone(&ingrid, warning, Duration::from_secs(10)).await;
    kari.close().await.unwrap();
    ingrid.close().await.unwrap();
}
