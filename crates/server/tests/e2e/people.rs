//! R28, R29, R31 in the real browser, as a company's admin meets them on day one:
//! set up without the demo, invite an agent, who signs in through the link; the
//! move dialog's warning about them leads to Settings ▸ Users, where the admin
//! gives help desk access, and back, where the warning is gone; its warning about
//! the SLA leads to Settings ▸ Help desk, where she sets business hours, and back.

use std::time::Duration;

use fantoccini::Locator;

use super::a11y::{assert_accessible, axe_source};
use super::company::{
    click, connect_channel, lands_on, open_move_dialog, says, set_business_hours, set_up, type_into,
};
use super::{find, gone, text, world_with};

const TOKEN: &str = "the-set-up-token-of-the-people-test";

#[tokio::test]
async fn a_company_invites_an_agent_and_gives_access_from_the_move_warning() {
    // R28, R29, R5
    let axe = axe_source();
    let w = world_with(&["--setup-token", TOKEN, "--ingest-token", "people-ingest"]).await;

    // Ingrid sets the company up and connects its support email (R30).
    let ingrid = w.browser("ingrid").await;
    set_up(&ingrid, &w, TOKEN).await;
    connect_channel(&ingrid, &w, "Support email", "support@fjordbikes.example").await;

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
    open_move_dialog(&ingrid, &w, "Support email").await;
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
    let no_sla = "dialog[open] li.warning[data-code=NoSlaPolicy]";
    find(&ingrid, no_sla).await;
    gone(&ingrid, warning, Duration::from_secs(10)).await;

    // R31: the SLA warning leads to Settings ▸ Help desk: business hours, Mon–Fri
    // 08:00–16:00 in the browser's time zone, as the form suggests.
    click(&ingrid, &format!("{no_sla} a.warning-fix")).await;
    says(&ingrid, ".help-desk-settings", "No SLA policy yet").await;
    find(&ingrid, "tr[data-status='Waiting on us']").await;
    assert_accessible(&ingrid, &axe, "Settings ▸ Help desk").await;
    set_business_hours(&ingrid, None).await;
    assert_accessible(&ingrid, &axe, "the SLA form with business hours").await;
    // A status of her own, at the pipeline's end.
    type_into(&ingrid, "#new-status-label", "Escalated").await;
    click(&ingrid, ".add-status button[type=submit]").await;
    find(&ingrid, "tr[data-status='Escalated']").await;
    click(&ingrid, "a.back-link").await;
    find(&ingrid, "dialog[open] .move-form").await;
    find(&ingrid, "dialog[open] .preview-total").await;
    gone(&ingrid, no_sla, Duration::from_secs(10)).await;
    kari.close().await.unwrap();
    ingrid.close().await.unwrap();
}
