//! R29: a company's people. Invitations and reset links that work once for their
//! own user, deactivation that ends sessions and streams, help desk access and the
//! tickets it takes along, the last super admin, and the move following all that.

use std::time::Duration;

use deskmove_rules::users::{Invited, LinkInfo, LinkKind, LinkUrl, UserChanged};
use deskmove_rules::{
    BlockerCode, Channel, ErrorCode, Inbox, Me, Preview, Role, User, UserState, WarningCode,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{
    client, ends_within, error_of, move_all, spawn_app, Session, TestApp, PASSWORD,
};

const NEW_PASSWORD: &str = "a long new password";

async fn users(s: &Session) -> Vec<User> {
    s.read("/api/users").await
}

async fn user(s: &Session, email: &str) -> User {
    users(s)
        .await
        .into_iter()
        .find(|u| u.email == email)
        .unwrap_or_else(|| panic!("user {email}"))
}

/// The token at the end of a link's URL.
fn token_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}

async fn invite(ada: &Session, name: &str, email: &str, role: &str) -> Invited {
    let res = ada
        .post(
            "/api/users",
            json!({"name": name, "email": email, "role": role, "help_desk_access": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "invite {email}");
    res.json().await.unwrap()
}

/// `POST /api/links/{token}` from a fresh browser.
async fn use_link(
    app: &TestApp,
    url: &str,
    password: &str,
) -> (reqwest::Client, reqwest::Response) {
    let browser = client();
    let res = browser
        .post(app.url(&format!("/api/links/{}", token_of(url))))
        .json(&json!({"password": password}))
        .send()
        .await
        .unwrap();
    (browser, res)
}

async fn me_status(browser: &reqwest::Client, app: &TestApp) -> StatusCode {
    browser
        .get(app.url("/api/me"))
        .send()
        .await
        .unwrap()
        .status()
}

async fn sign_in_status(app: &TestApp, email: &str, password: &str) -> (StatusCode, String) {
    let res = client()
        .post(app.url("/api/session"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.text().await.unwrap())
}

#[tokio::test]
async fn an_invited_agent_sets_a_password_through_the_link_once_and_signs_in() {
    // R29
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let before = chrono::Utc::now();
    let invited = invite(&ada, "Kari Nordmann", "Kari@Fjordbikes.example", "agent").await;
    assert_eq!(invited.user.state, UserState::Invited);
    assert_eq!(invited.user.email, "kari@fjordbikes.example");
    assert_eq!(invited.user.role, Role::Agent);
    assert!(!invited.user.help_desk_access);
    assert!(invited.user.last_sign_in_at.is_none());
    assert!(
        invited.link.url.starts_with(&format!("{}/link/", app.base)),
        "{}",
        invited.link.url
    );
    // ≥ 128 random bits: 43 URL-safe characters are 256.
    assert_eq!(token_of(&invited.link.url).len(), 43);
    let days = (invited.link.expires_at - before).num_hours();
    assert!((167..=168).contains(&days), "7 days: {days} h");
    // Emails are unique without case.
    let again = ada
        .post(
            "/api/users",
            json!({"name": "Kari", "email": "KARI@fjordbikes.example", "role": "agent", "help_desk_access": true}),
        )
        .await;
    assert_eq!(error_of(again).await.1, ErrorCode::Conflict);
    // An invited user has no password to sign in with.
    let (status, _) = sign_in_status(&app, "kari@fjordbikes.example", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = sign_in_status(&app, "kari@fjordbikes.example", "!").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let token = token_of(&invited.link.url);
    let info: LinkInfo = client()
        .get(app.url(&format!("/api/links/{token}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        info,
        LinkInfo {
            kind: LinkKind::Invite,
            email: "kari@fjordbikes.example".into(),
            name: "Kari Nordmann".into(),
        }
    );
    // Too short: said beside the field, and the link still works.
    let (_, res) = use_link(&app, &invited.link.url, "short").await;
    let (status, code, message) = error_of(res).await;
    assert_eq!(
        (status, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
    );
    assert!(
        message.starts_with("password: A password has 12 to 128"),
        "{message}"
    );
    let (browser, res) = use_link(&app, &invited.link.url, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let me: Me = res.json().await.unwrap();
    assert_eq!(me.email, "kari@fjordbikes.example");
    assert_eq!(me_status(&browser, &app).await, StatusCode::OK, "signed in");
    let kari = user(&ada, "kari@fjordbikes.example").await;
    assert_eq!(kari.state, UserState::Active);
    assert!(kari.last_sign_in_at.is_some());
    // Once used, the link says so.
    let (_, res) = use_link(&app, &invited.link.url, NEW_PASSWORD).await;
    assert_eq!(error_of(res).await.0, StatusCode::GONE);
    let res = client()
        .get(app.url(&format!("/api/links/{token}")))
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(res).await;
    assert_eq!((status, code), (StatusCode::GONE, ErrorCode::LinkExpired));
    for bad in ["x", &"y".repeat(500), "%00", "..%2F..%2Fsession", "%FF%FE"] {
        let res = client()
            .get(app.url(&format!("/api/links/{bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(error_of(res).await.1, ErrorCode::LinkExpired, "{bad}");
        let res = client()
            .post(app.url(&format!("/api/links/{bad}")))
            .json(&json!({"password": NEW_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(error_of(res).await.1, ErrorCode::LinkExpired, "{bad}");
    }
    Session::sign_in_with(&app.base, "kari@fjordbikes.example", NEW_PASSWORD).await;
}

async fn reset_link(ada: &Session, user: deskmove_rules::UserId) -> LinkUrl {
    let res = ada
        .post(&format!("/api/users/{user}/reset-link"), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_reset_link_works_once_for_its_own_user_and_ends_their_sessions() {
    // R29
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let sam = app.sign_in("sam@demo.test").await;
    let sam_id = sam.me.id;
    let first = reset_link(&ada, sam_id).await;
    let hours = (first.expires_at - chrono::Utc::now()).num_minutes();
    assert!(
        (24 * 60 - 2..=24 * 60).contains(&hours),
        "a day: {hours} min"
    );
    let second = reset_link(&ada, sam_id).await;
    // A newer link spends the older one.
    let (_, res) = use_link(&app, &first.url, NEW_PASSWORD).await;
    assert_eq!(error_of(res).await.1, ErrorCode::LinkExpired);
    let info: LinkInfo = client()
        .get(app.url(&format!("/api/links/{}", token_of(&second.url))))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info.kind, LinkKind::Reset);
    assert_eq!(info.email, "sam@demo.test");
    let (browser, res) = use_link(&app, &second.url, NEW_PASSWORD).await;
    let me: Me = res.json().await.unwrap();
    assert_eq!(me.id, sam_id, "the link's own user, nobody else");
    assert_eq!(me_status(&browser, &app).await, StatusCode::OK);
    assert_eq!(
        sam.get("/api/me").await.status(),
        StatusCode::UNAUTHORIZED,
        "the session from before the reset ended"
    );
    assert_eq!(
        sign_in_status(&app, "sam@demo.test", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    Session::sign_in_with(&app.base, "sam@demo.test", NEW_PASSWORD).await;
    // Nobody else's password changed.
    app.sign_in("ada@demo.test").await;
    app.sign_in("noor@demo.test").await;
    // No link for a user that isn't there.
    let res = ada.post("/api/users/999/reset-link", json!({})).await;
    assert_eq!(error_of(res).await.1, ErrorCode::NotFound);
}

#[tokio::test]
async fn deactivation_ends_sessions_and_event_streams_and_sign_in_says_why() {
    // R29
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let sam = app.sign_in("sam@demo.test").await;
    let stream = sam.get("/api/events").await;
    assert_eq!(stream.status(), StatusCode::OK);
    let res = ada
        .patch(
            &format!("/api/users/{}", sam.me.id),
            json!({"state": "deactivated"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let changed: UserChanged = res.json().await.unwrap();
    assert_eq!(changed.user.state, UserState::Deactivated);
    assert_eq!(changed.tickets_unassigned, 0);
    assert!(
        ends_within(stream, Duration::from_secs(15)).await,
        "the open stream ends"
    );
    let (status, code, _) = error_of(sam.get("/api/me").await).await;
    assert_eq!(
        (status, code),
        (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated)
    );
    let (status, body) = sign_in_status(&app, "sam@demo.test", PASSWORD).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("deactivated"), "{body}");
    let (_, body) = sign_in_status(&app, "sam@demo.test", "not sam's password").await;
    assert!(
        !body.contains("deactivated"),
        "only the right password learns it"
    );
    // A deactivated user gets no link, and nobody's conversations.
    let res = ada
        .post(&format!("/api/users/{}/reset-link", sam.me.id), json!({}))
        .await;
    assert_eq!(error_of(res).await.1, ErrorCode::Conflict);
    let conversation = app
        .ingest(ada.channel_id("Support email").await, "dana@example.com")
        .await;
    let res = ada
        .patch(
            &format!("/api/conversations/{}", conversation.id),
            json!({"owner_id": sam.me.id}),
        )
        .await;
    assert_eq!(error_of(res).await.1, ErrorCode::InvalidRequest);
    // Reactivated, Sam signs in again.
    let res = ada
        .patch(
            &format!("/api/users/{}", sam.me.id),
            json!({"state": "active"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    app.sign_in("sam@demo.test").await;
}

#[tokio::test]
async fn the_last_active_super_admin_can_be_neither_demoted_nor_deactivated() {
    // R29
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let lee = user(&ada, "lee@demo.test").await;
    let res = ada
        .patch(
            &format!("/api/users/{}", lee.id),
            json!({"state": "deactivated"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let before = app.fingerprint().await;
    for patch in [
        json!({"role": "agent"}),
        json!({"state": "deactivated"}),
        json!({"role": "agent", "name": "Ada"}),
    ] {
        let res = ada.patch(&format!("/api/users/{}", ada.me.id), patch).await;
        let (status, code, message) = error_of(res).await;
        assert_eq!(
            (status, code),
            (StatusCode::CONFLICT, ErrorCode::LastSuperAdmin)
        );
        assert!(message.contains("super admin"), "{message}");
    }
    assert_eq!(app.fingerprint().await, before, "nothing changed");
    // With Lee back, Ada may step down.
    let res = ada
        .patch(
            &format!("/api/users/{}", lee.id),
            json!({"state": "active"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = ada
        .patch(
            &format!("/api/users/{}", ada.me.id),
            json!({"role": "agent"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // Now an agent, Ada may no longer change people.
    let res = ada
        .patch(&format!("/api/users/{}", lee.id), json!({"role": "agent"}))
        .await;
    assert_eq!(error_of(res).await.1, ErrorCode::Forbidden);
}

#[tokio::test]
async fn an_agent_gets_403_on_every_user_management_route_and_csrf_applies() {
    // R29, R1
    let app = spawn_app().await;
    let sam = app.sign_in("sam@demo.test").await;
    let ada = app.sign_in("ada@demo.test").await;
    let before = app.fingerprint().await;
    let attempts = [
        (
            Method::POST,
            "/api/users".to_string(),
            json!({"name": "Eve", "email": "eve@example.com", "role": "super_admin", "help_desk_access": true}),
        ),
        (
            Method::PATCH,
            format!("/api/users/{}", sam.me.id),
            json!({"role": "super_admin"}),
        ),
        (
            Method::POST,
            format!("/api/users/{}/reset-link", ada.me.id),
            json!({}),
        ),
        (
            Method::POST,
            "/api/users/grant-help-desk-access".to_string(),
            json!({}),
        ),
    ];
    for (method, path, body) in &attempts {
        let res = sam.send(method.clone(), path, body.clone()).await;
        let (status, code, _) = error_of(res).await;
        assert_eq!(
            (status, code),
            (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            "{method} {path}"
        );
        // A super admin's request without its CSRF token changes nothing either.
        let res = ada
            .client
            .request(method.clone(), ada.url(path))
            .json(body)
            .send()
            .await
            .unwrap();
        assert_eq!(error_of(res).await.1, ErrorCode::Csrf, "{method} {path}");
    }
    assert_eq!(app.fingerprint().await, before);
    // The list is everyone's (owners are picked from it), sign-in times are not.
    let listed = users(&sam).await;
    assert_eq!(listed.len(), 4);
    assert!(listed.iter().all(|u| u.last_sign_in_at.is_none()));
    assert!(users(&ada)
        .await
        .iter()
        .any(|u| u.last_sign_in_at.is_some()));
}

/// The preview's warnings for a channel.
async fn warnings(s: &Session, channel: &str) -> Vec<WarningCode> {
    let id = s.channel_id(channel).await;
    let preview: Preview = s.read(&format!("/api/channels/{id}/move-preview")).await;
    preview.warnings.iter().map(|w| w.code).collect()
}

#[tokio::test]
async fn giving_all_agents_access_reaches_noor_and_the_warning_goes() {
    // R29, R5
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    assert!(warnings(&ada, "Support email")
        .await
        .contains(&WarningCode::AgentsWithoutAccess));
    let res = ada
        .post("/api/users/grant-help-desk-access", json!({}))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"granted": 1}));
    assert!(user(&ada, "noor@demo.test").await.help_desk_access);
    assert!(!warnings(&ada, "Support email")
        .await
        .contains(&WarningCode::AgentsWithoutAccess));
    let res = ada
        .post("/api/users/grant-help-desk-access", json!({}))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"granted": 0}));
    // Access given takes effect on Noor's next request.
    let noor = app.sign_in("noor@demo.test").await;
    assert_eq!(noor.get("/api/tickets").await.status(), StatusCode::OK);
    assert!(noor.me.help_desk_access);
}

#[tokio::test]
async fn taking_access_away_unassigns_their_help_desk_tickets_and_the_totals_hold() {
    // R29, I1–I3
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let sam = app.sign_in("sam@demo.test").await;
    let moved = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&moved.id).await;
    let owned = user(&ada, "sam@demo.test").await.help_desk_tickets;
    assert!(owned > 0, "the demo gives Sam conversations");
    let listed: Value = ada
        .get_json(&format!(
            "/api/tickets?workspace=help_desk&owner_id={}&page=1&limit=1",
            sam.me.id
        ))
        .await;
    assert_eq!(listed["total"], owned, "the list's total says the same");
    let res = ada
        .patch(
            &format!("/api/users/{}", sam.me.id),
            json!({"help_desk_access": false}),
        )
        .await;
    let changed: UserChanged = res.json().await.unwrap();
    assert_eq!(changed.tickets_unassigned, owned);
    assert!(!changed.user.help_desk_access);
    assert_eq!(changed.user.help_desk_tickets, 0);
    let listed: Value = ada
        .get_json(&format!(
            "/api/tickets?workspace=help_desk&owner_id={}&page=1&limit=1",
            sam.me.id
        ))
        .await;
    assert_eq!(listed["total"], 0);
    assert!(
        app.store.check().await.unwrap().is_empty(),
        "I1–I3 and the totals"
    );
    // Sam's next request sees no help desk.
    let some: Value = ada
        .get_json("/api/tickets?workspace=help_desk&limit=1")
        .await;
    let ticket = some["items"][0]["id"].as_str().expect("a ticket id");
    let (status, code, _) = error_of(sam.get(&format!("/api/tickets/{ticket}")).await).await;
    assert_eq!(
        (status, code),
        (StatusCode::FORBIDDEN, ErrorCode::Forbidden)
    );
    let listed: Value = sam
        .get_json("/api/tickets?workspace=help_desk&page=1&limit=1")
        .await;
    assert_eq!(listed["total"], 0);
}

#[tokio::test]
async fn the_move_treats_a_deactivated_user_as_without_access() {
    // R29, R8, R10, R11, R21
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let sam = user(&ada, "sam@demo.test").await;
    let channel = ada.channel_id("Support email").await;
    let path = format!("/api/channels/{channel}/move-preview");
    let before: Preview = ada.read(&path).await;
    let inboxes: Vec<Inbox> = ada.read("/api/inboxes").await;
    let welcome = |inboxes: &[Inbox]| -> Channel {
        inboxes
            .iter()
            .flat_map(|i| i.channels.clone())
            .find(|c| c.name == "Welcome bot")
            .unwrap()
    };
    assert!(welcome(&inboxes).movable.ok, "its bot sends to Sam");
    let res = ada
        .patch(
            &format!("/api/users/{}", sam.id),
            json!({"state": "deactivated"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let after: Preview = ada.read(&path).await;
    assert!(
        after.owners_without_access > before.owners_without_access,
        "Sam's conversations now count as owned without access: {} → {}",
        before.owners_without_access,
        after.owners_without_access
    );
    let inboxes: Vec<Inbox> = ada.read("/api/inboxes").await;
    let blocked = welcome(&inboxes);
    assert!(!blocked.movable.ok);
    assert_eq!(
        blocked.movable.reasons[0].code,
        BlockerCode::BotTargetWithoutAccess
    );
    // A deactivated user is nobody to give access to: Noor alone is named.
    let warning = after
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::AgentsWithoutAccess)
        .unwrap();
    assert!(!warning.message.contains("Sam"), "{}", warning.message);
    // The move unassigns what Sam owned (R10, R11).
    let moved = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&moved.id).await;
    let listed: Value = ada
        .get_json(&format!(
            "/api/tickets?workspace=help_desk&owner_id={}&page=1&limit=1",
            sam.id
        ))
        .await;
    assert_eq!(listed["total"], 0);
}

#[tokio::test]
async fn changing_your_own_password_needs_the_current_one_and_ends_your_other_sessions() {
    // R29
    let app = spawn_app().await;
    let laptop = app.sign_in("sam@demo.test").await;
    let phone = app.sign_in("sam@demo.test").await;
    let res = phone
        .post(
            "/api/me/password",
            json!({"current_password": "not it", "new_password": NEW_PASSWORD}),
        )
        .await;
    let (status, code, message) = error_of(res).await;
    assert_eq!(
        (status, code),
        (StatusCode::FORBIDDEN, ErrorCode::Forbidden)
    );
    assert_eq!(message, "That isn't your current password.");
    let res = phone
        .post(
            "/api/me/password",
            json!({"current_password": PASSWORD, "new_password": "too short"}),
        )
        .await;
    let (_, code, message) = error_of(res).await;
    assert_eq!(code, ErrorCode::InvalidRequest);
    assert!(message.starts_with("new_password:"), "{message}");
    let res = phone
        .post(
            "/api/me/password",
            json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        phone.get("/api/me").await.status(),
        StatusCode::OK,
        "this one goes on"
    );
    assert_eq!(
        laptop.get("/api/me").await.status(),
        StatusCode::UNAUTHORIZED,
        "the other one ended"
    );
    assert_eq!(
        sign_in_status(&app, "sam@demo.test", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    Session::sign_in_with(&app.base, "sam@demo.test", NEW_PASSWORD).await;
}

#[tokio::test]
async fn a_new_company_s_channel_previews_its_move_with_the_warnings_that_lead_to_fixes() {
    // R28, R29, R5: the move dialog's preview (with its sample) of a new
    // company's first channel, before it has history or an SLA.
    use deskmove_rules::{ChannelKind, ChannelSettings, Workspace};
    use deskmove_server::store::{insert_channel, insert_inbox, NewChannel};
    let (app, ingrid) = crate::helpers::set_up_company().await;
    let mut tx = app.store.begin_write().await.unwrap();
    let account = deskmove_rules::AccountId::of(1);
    let inbox = insert_inbox(&mut tx, account, "Support").await.unwrap();
    let channel = insert_channel(
        &mut tx,
        account,
        &NewChannel {
            inbox,
            kind: ChannelKind::Email,
            name: "Support email",
            address: "support@fjordbikes.example",
            workspace: Workspace::Inbox,
            settings: &ChannelSettings::default(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    invite(&ingrid, "Kari Nordmann", "kari@fjordbikes.example", "agent").await;
    let preview: Preview = ingrid
        .read(&format!("/api/channels/{channel}/move-preview?sample=10"))
        .await;
    let codes: Vec<WarningCode> = preview.warnings.iter().map(|w| w.code).collect();
    assert!(
        codes.contains(&WarningCode::AgentsWithoutAccess),
        "{codes:?}"
    );
    assert!(codes.contains(&WarningCode::NoSlaPolicy), "{codes:?}");
    assert!(preview.sample.is_empty());
    let res = ingrid
        .post("/api/users/grant-help-desk-access", json!({}))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"granted": 1}));
    let preview: Preview = ingrid
        .read(&format!("/api/channels/{channel}/move-preview?sample=10"))
        .await;
    assert!(!preview
        .warnings
        .iter()
        .any(|w| w.code == WarningCode::AgentsWithoutAccess));
}

#[tokio::test]
async fn deactivating_unassigns_their_help_desk_tickets_and_nobody_keeps_tickets_without_access() {
    // R29: a deactivated user, and one without access, own no help desk ticket,
    // whatever order the changes come in; the check says so too.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let moved = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&moved.id).await;
    let sam = user(&ada, "sam@demo.test").await;
    assert!(sam.help_desk_tickets > 0);
    let path = format!("/api/users/{}", sam.id);
    let changed: UserChanged = ada
        .patch(&path, json!({"state": "deactivated"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(changed.tickets_unassigned, sam.help_desk_tickets);
    assert!(app.store.check().await.unwrap().is_empty());
    for patch in [
        json!({"help_desk_access": false}),
        json!({"state": "active"}),
    ] {
        let changed: UserChanged = ada.patch(&path, patch).await.json().await.unwrap();
        assert_eq!(changed.tickets_unassigned, 0);
        assert_eq!(changed.user.help_desk_tickets, 0);
    }
    assert!(app.store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_super_admin_demoted_a_moment_ago_changes_nobody() {
    // R1, R29: the store asks again, under its write lock, whether whoever asks
    // is still an active super admin.
    use deskmove_rules::users::UserPatch;
    use deskmove_server::store::PeopleError;
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let sam = user(&ada, "sam@demo.test").await;
    let account = deskmove_rules::AccountId::of(1);
    let promote = UserPatch {
        role: Some(Role::SuperAdmin),
        ..UserPatch::default()
    };
    let refused = app
        .store
        .change_user(account, Some(sam.id), sam.id, &promote, 0)
        .await;
    assert!(
        matches!(refused, Err(PeopleError::NotAllowed)),
        "{refused:?}"
    );
    let refused = app.store.grant_all_agents(account, Some(sam.id)).await;
    assert!(
        matches!(refused, Err(PeopleError::NotAllowed)),
        "{refused:?}"
    );
    assert_eq!(user(&ada, "sam@demo.test").await.role, Role::Agent);
}

#[tokio::test]
async fn with_a_relay_invitations_and_reset_links_are_mailed_too() {
    // R29, R33
    if deskmove_testkit::postfix::skip_unless_available() {
        return;
    }
    let relay = deskmove_testkit::postfix::Postfix::start(None);
    let url = relay.smtp_url();
    let app = deskmove_testkit::spawn_app_with(move |s| {
        s.smtp_url = Some(url);
        s.mail_from_domain = Some("demo.test".into());
    })
    .await;
    let ada = app.sign_in("ada@demo.test").await;
    let invited = invite(&ada, "Jonas Berg", "jonas@example.com", "agent").await;
    assert!(invited.link.mailed, "the admin is told it was mailed");
    let caught = relay.until_caught(1).await;
    let letter = mail_parser::MessageParser::default()
        .parse(caught[0].as_bytes())
        .unwrap();
    let to = letter.to().unwrap().first().unwrap();
    assert_eq!(to.address(), Some("jonas@example.com"));
    assert_eq!(to.name(), Some("Jonas Berg"));
    let from = letter.from().unwrap().first().unwrap();
    assert_eq!(from.address(), Some("no-reply@demo.test"));
    assert_eq!(from.name(), Some("Demo Co"));
    assert_eq!(
        letter.header("Auto-Submitted").and_then(|h| h.as_text()),
        Some("auto-generated")
    );
    let body = letter.body_text(0).unwrap();
    assert!(body.contains(&invited.link.url), "{body}");
    assert!(body.contains("Ada Admin invited you"), "{body}");

    // The mailed link is the one shown, and it works once.
    let (_, res) = use_link(&app, &invited.link.url, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);

    // A reset link, in the language the person chose.
    let jonas = user(&ada, "jonas@example.com").await;
    let signed_in = Session::sign_in_with(&app.base, "jonas@example.com", NEW_PASSWORD).await;
    let res = signed_in
        .send(Method::PATCH, "/api/me", json!({"locale": "nb"}))
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let reset = reset_link(&ada, jonas.id).await;
    assert!(reset.mailed);
    let caught = relay.until_caught(2).await;
    let letter = mail_parser::MessageParser::default()
        .parse(caught[1].as_bytes())
        .unwrap();
    assert_eq!(letter.subject(), Some("Nytt passord for Demo Co"));
    assert!(letter.body_text(0).unwrap().contains(&reset.url));
}

#[tokio::test]
async fn a_link_used_or_replaced_before_its_mail_went_is_never_mailed() {
    // R29, R33: the relay is down, so the mails wait; by the retry their
    // links are spent.
    let app = deskmove_testkit::spawn_app_with(|s| {
        s.smtp_url = Some("smtp://127.0.0.1:9?tls=none".into());
    })
    .await;
    let ada = app.sign_in("ada@demo.test").await;
    let invited = invite(&ada, "Jonas Berg", "jonas@example.com", "agent").await;
    assert!(invited.link.mailed);
    let sam = user(&ada, "sam@demo.test").await;
    let first = reset_link(&ada, sam.id).await;
    let second = reset_link(&ada, sam.id).await;
    assert!(first.mailed && second.mailed);
    let (_, res) = use_link(&app, &invited.link.url, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    // A spent link's mail keeps no copy of it: only the newest reset's is left.
    let holding = || async {
        sqlx::query("SELECT state FROM link_mail WHERE raw IS NOT NULL")
            .fetch_all(app.store.pool())
            .await
            .unwrap()
            .len()
    };
    assert_eq!(holding().await, 1);
    // The next try, whenever it comes: only the newest reset is still worth sending.
    let later = chrono::Utc::now() + chrono::Duration::hours(2);
    let due = app.store.claim_link_mail(later, 60_000, 100).await.unwrap();
    assert_eq!(due.len(), 1, "{due:?}");
    let raw = String::from_utf8_lossy(&due[0].raw).replace("=\r\n", "");
    assert!(raw.contains(token_of(&second.url)), "{raw}");
    let again = app.store.claim_link_mail(later, 60_000, 100).await.unwrap();
    assert!(again.is_empty(), "claimed once");
    // Once its link ran out, nobody ever sends it: its copy goes too.
    let after_a_day = (chrono::Utc::now() + chrono::Duration::hours(25)).timestamp_millis();
    assert_eq!(
        app.store.drop_expired_link_mail(after_a_day).await.unwrap(),
        1
    );
    assert_eq!(holding().await, 0);
}
