//! R30: super admins make inboxes, connect channels of every kind (to an inbox or
//! straight to help desk), change a channel's name and R6 settings, and edit a
//! chatflow's bot; routing really routes, before and after a move.

use deskmove_rules::{
    BlockerCode, Channel, ChannelKind, Chatflow, Conversation, ErrorCode, Inbox, Routing, Ticket,
    Workspace,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{error_of, move_all, set_up_company, spawn_app, Session, INGEST_TOKEN};

async fn created<T: serde::de::DeserializeOwned>(res: reqwest::Response) -> T {
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.expect("the created row")
}

async fn connect(s: &Session, body: Value) -> Channel {
    created(s.post("/api/channels", body).await).await
}

/// The 422's message for one body, which names the field first.
async fn refused(s: &Session, method: Method, path: &str, body: Value) -> String {
    let (status, code, message) = error_of(s.send(method, path, body).await).await;
    assert_eq!(
        (status, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
    );
    message
}

#[tokio::test]
async fn a_company_makes_its_inboxes_and_connects_every_kind_of_channel() {
    // R30
    let (app, ingrid) = set_up_company().await;
    let before: Vec<Inbox> = ingrid.read("/api/inboxes").await;
    assert!(before.is_empty(), "a new company has no inbox yet");
    let first: Inbox = created(
        ingrid
            .post("/api/inboxes", json!({"name": "Support"}))
            .await,
    )
    .await;

    let sales: Inbox = created(ingrid.post("/api/inboxes", json!({"name": "Sales"})).await).await;
    assert_eq!(sales.name, "Sales");
    assert!(sales.channels.is_empty());
    let taken = refused(
        &ingrid,
        Method::POST,
        "/api/inboxes",
        json!({"name": " sales "}),
    )
    .await;
    assert_eq!(taken, "name: There is an inbox called “sales” already.");
    let res = ingrid
        .patch(
            &format!("/api/inboxes/{}", sales.id),
            json!({"name": "Sales team"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Inbox>().await.unwrap().name, "Sales team");

    let email = connect(
        &ingrid,
        json!({"inbox_id": first.id, "kind": "email", "name": "Support email",
               "address": "support@fjordbikes.example"}),
    )
    .await;
    assert_eq!(
        (email.kind, email.workspace, email.inbox_id),
        (ChannelKind::Email, Workspace::Inbox, Some(first.id))
    );
    assert!(email.movable.ok, "a new email channel can move");
    assert_eq!(
        refused(
            &ingrid,
            Method::POST,
            "/api/channels",
            json!({"inbox_id": sales.id, "kind": "email", "name": "Again",
                   "address": "SUPPORT@fjordbikes.example"}),
        )
        .await,
        "address: The channel “Support email” has this address already."
    );
    assert_eq!(
        refused(
            &ingrid,
            Method::POST,
            "/api/channels",
            json!({"inbox_id": sales.id, "kind": "calling", "name": "Line", "address": "22 12 34 56"}),
        )
        .await,
        "address: Give the number in international form: + and the country code, like +47 22 12 34 56."
    );
    let line = connect(
        &ingrid,
        json!({"inbox_id": sales.id, "kind": "calling", "name": "Sales line",
               "address": "+47 22 12 34 56"}),
    )
    .await;
    assert_eq!(line.address, "+47 22 12 34 56");

    let form = connect(
        &ingrid,
        json!({"inbox_id": first.id, "kind": "form", "name": "Contact us"}),
    )
    .await;
    assert_eq!(form.address, "contact-us", "a form is known by its name");
    assert!(
        form.form_key.as_deref().is_some_and(|k| k.len() >= 32),
        "a form gets its public key"
    );
    assert!(email.form_key.is_none());

    let chat = connect(
        &ingrid,
        json!({"inbox_id": first.id, "kind": "chat", "name": "Website chat"}),
    )
    .await;
    let flows: Vec<Chatflow> = ingrid.read("/api/chatflows").await;
    assert!(
        flows
            .iter()
            .any(|f| f.channel_id == chat.id && f.bot.is_none()),
        "a chat channel gets its chatflow"
    );

    let fallback = json!({"inbox_id": first.id, "kind": "fallback_email", "name": "Fallback",
                          "address": "fallback@fjordbikes.example"});
    let fb = connect(&ingrid, fallback.clone()).await;
    assert_eq!(fb.movable.reasons[0].code, BlockerCode::FallbackAddress);
    let second = json!({"inbox_id": first.id, "kind": "fallback_email", "name": "Fallback 2",
                        "address": "fallback2@fjordbikes.example"});
    assert!(refused(&ingrid, Method::POST, "/api/channels", second)
        .await
        .starts_with("kind: "));

    // Straight to help desk: never offered a move (R2, R14).
    let direct = connect(
        &ingrid,
        json!({"inbox_id": null, "kind": "email", "name": "Billing",
               "address": "billing@fjordbikes.example"}),
    )
    .await;
    assert_eq!(
        (direct.workspace, direct.inbox_id),
        (Workspace::HelpDesk, None)
    );
    assert_eq!(
        direct.movable.reasons[0].code,
        BlockerCode::AlreadyInHelpDesk
    );
    let help_desk: Vec<Channel> = ingrid.read("/api/help-desk/channels").await;
    assert_eq!(help_desk, std::slice::from_ref(&direct));
    let conversation = app.ingest(direct.id, "ole@example.com").await;
    assert_eq!(conversation.workspace, Workspace::HelpDesk);
    assert!(
        conversation.ticket_id.is_some(),
        "a help desk channel's arrival has a ticket"
    );

    let inboxes: Vec<Inbox> = ingrid.read("/api/inboxes").await;
    let names: Vec<Vec<&str>> = inboxes
        .iter()
        .map(|i| i.channels.iter().map(|c| c.name.as_str()).collect())
        .collect();
    assert_eq!(
        names,
        [
            vec!["Support email", "Contact us", "Website chat", "Fallback"],
            vec!["Sales line"]
        ]
    );
}

#[tokio::test]
async fn only_super_admins_change_inboxes_channels_and_bots_and_bad_input_changes_nothing() {
    // R30
    let app = spawn_app().await;
    let sam = app.sign_in("sam@demo.test").await;
    let ada = app.sign_in("ada@demo.test").await;
    let email = sam.channel_id("Support email").await;
    let flows: Vec<Chatflow> = ada.read("/api/chatflows").await;
    let before = app.fingerprint().await;
    for (method, path, body) in [
        (
            Method::POST,
            "/api/inboxes".to_string(),
            json!({"name": "Mine"}),
        ),
        (
            Method::PATCH,
            "/api/inboxes/1".to_string(),
            json!({"name": "Mine"}),
        ),
        (
            Method::POST,
            "/api/channels".to_string(),
            json!({"inbox_id": null, "kind": "chat", "name": "Mine"}),
        ),
        (
            Method::PATCH,
            format!("/api/channels/{email}"),
            json!({"name": "Mine"}),
        ),
        (
            Method::PUT,
            format!("/api/chatflows/{}/bot", flows[0].id),
            json!(null),
        ),
    ] {
        let (status, code, _) = error_of(sam.send(method.clone(), &path, body.clone()).await).await;
        assert_eq!(
            (status, code),
            (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            "{path}"
        );
    }
    for (method, path, body) in [
        (
            Method::POST,
            "/api/inboxes".to_string(),
            json!({"name": ""}),
        ),
        (
            Method::POST,
            "/api/inboxes".to_string(),
            json!({"name": "x", "extra": 1}),
        ),
        (
            Method::POST,
            "/api/channels".to_string(),
            json!({"inbox_id": "1", "kind": "email", "name": "No address"}),
        ),
        (
            Method::POST,
            "/api/channels".to_string(),
            json!({"inbox_id": "1", "kind": "carrier_pigeon", "name": "Coo"}),
        ),
        (
            Method::PATCH,
            format!("/api/channels/{email}"),
            json!({"settings": {"routing": {"mode": "user", "user_id": "999"}}}),
        ),
        (
            Method::PATCH,
            format!("/api/channels/{email}"),
            json!({"settings": {"ticket_status_id": "999"}}),
        ),
        (
            Method::PATCH,
            format!("/api/channels/{email}"),
            json!({"settings": {"signature": "x".repeat(2001)}}),
        ),
        (
            Method::PUT,
            format!("/api/chatflows/{}/bot", flows[0].id),
            json!({"actions": [{"kind": "send_message"}]}),
        ),
    ] {
        let res = ada.send(method, &path, body).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
    }
    for (method, path) in [
        (Method::PATCH, "/api/inboxes/999".to_string()),
        (Method::PATCH, "/api/channels/999".to_string()),
        (Method::PUT, "/api/chatflows/999/bot".to_string()),
        (Method::PUT, "/api/chatflows/x/bot".to_string()),
    ] {
        let body = if method == Method::PUT {
            json!(null)
        } else {
            json!({"name": "Any"})
        };
        let (status, code, _) = error_of(ada.send(method, &path, body).await).await;
        assert_eq!(
            (status, code),
            (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            "{path}"
        );
    }
    assert_eq!(app.fingerprint().await, before, "nothing changed");
}

async fn settings(s: &Session, channel: impl std::fmt::Display, settings: Value) -> Channel {
    let res = s
        .patch(
            &format!("/api/channels/{channel}"),
            json!({"settings": settings}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[tokio::test]
async fn routing_gives_arrivals_to_one_user_in_turn_or_nobody() {
    // R30
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let chat = ada.channel_id("Website chat").await;
    let sam = app.sign_in("sam@demo.test").await.me.id;

    let changed = settings(
        &ada,
        chat,
        json!({"signature": "  — Demo chat  ", "routing": {"mode": "user", "user_id": sam},
               "automation": true, "ticket_status_id": null}),
    )
    .await;
    assert_eq!(changed.settings.signature.as_deref(), Some("— Demo chat"));
    assert_eq!(changed.settings.routing, Routing::User { user_id: sam });
    assert_eq!(app.ingest(chat, "a@example.com").await.owner_id, Some(sam));

    settings(
        &ada,
        chat,
        json!({"routing": {"mode": "user", "user_id": sam}, "automation": false}),
    )
    .await;
    assert_eq!(
        app.ingest(chat, "b@example.com").await.owner_id,
        None,
        "automation off: the channel sets no owner"
    );

    settings(&ada, chat, json!({"routing": {"mode": "round_robin"}})).await;
    let mut owners = Vec::new();
    for n in 0..5 {
        owners.push(
            app.ingest(chat, &format!("c{n}@example.com"))
                .await
                .owner_id,
        );
    }
    let users: Vec<deskmove_rules::User> = ada.read("/api/users").await;
    let mut ids: Vec<_> = users.iter().map(|u| Some(u.id)).collect();
    ids.sort();
    assert_eq!(owners[..4], ids[..], "each active user in turn");
    assert_eq!(owners[4], ids[0], "and round again");
}

#[tokio::test]
async fn a_moved_channel_keeps_its_settings_and_routing_still_applies() {
    // R6, R30
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let email = ada.channel_id("Support email").await;
    let sam = app.sign_in("sam@demo.test").await.me.id;
    let waiting = ada.status_id("Waiting on contact").await;
    let before = settings(
        &ada,
        email,
        json!({"signature": "— Support, Demo Co", "routing": {"mode": "user", "user_id": sam},
               "automation": true, "ticket_status_id": waiting}),
    )
    .await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&m.id).await;
    let after: Channel = ada.read(&format!("/api/channels/{email}")).await;
    assert_eq!(after.workspace, Workspace::HelpDesk);
    assert_eq!(after.settings, before.settings, "R6: unchanged by the move");

    let arrival: Conversation = app.ingest(email, "late@example.com").await;
    let ticket: Ticket = ada
        .read(&format!("/api/tickets/{}", arrival.ticket_id.unwrap()))
        .await;
    assert_eq!((ticket.owner_id, ticket.status_id), (Some(sam), waiting));

    // The same page edits the same settings after the move.
    let changed = settings(&ada, email, json!({"routing": {"mode": "none"}})).await;
    assert_eq!(changed.settings.routing, Routing::None);
    assert_eq!(
        changed.settings.signature, None,
        "settings are replaced whole"
    );
    let arrival = app.ingest(email, "later@example.com").await;
    assert_eq!(arrival.owner_id, None);
    // Noor has no help desk access: routing a help desk channel to her is refused.
    let users: Vec<deskmove_rules::User> = ada.read("/api/users").await;
    let noor = users.iter().find(|u| u.name == "Noor Sales").unwrap().id;
    assert_eq!(
        refused(
            &ada,
            Method::PATCH,
            &format!("/api/channels/{email}"),
            json!({"settings": {"routing": {"mode": "user", "user_id": noor}}}),
        )
        .await,
        "settings.routing.user_id: Noor Sales has no help desk access, so can't own this channel's tickets: give them access or choose someone else."
    );
}

#[tokio::test]
async fn editing_a_bot_changes_whether_its_channel_can_move_at_once() {
    // R21, R30
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let chat = ada.channel_id("Website chat").await;
    let flows: Vec<Chatflow> = ada.read("/api/chatflows").await;
    let flow = flows.iter().find(|f| f.channel_id == chat).unwrap();
    let path = format!("/api/chatflows/{}/bot", flow.id);
    let mut events = ada.events().await;

    let res = ada
        .send(
            Method::PUT,
            &path,
            json!({"actions": [{"kind": "send_message", "text": "Hi!"}, {"kind": "create_ticket"}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let edited: Chatflow = res.json().await.unwrap();
    assert_eq!(edited.bot.as_ref().unwrap().actions.len(), 2);
    let channel: Channel = ada.read(&format!("/api/channels/{chat}")).await;
    assert!(!channel.movable.ok);
    assert_eq!(
        channel.movable.reasons[0].code,
        BlockerCode::BotCreateTicketAction
    );
    assert_eq!(
        channel.movable.reasons[0].message,
        "Bot action 2 “Create ticket”: help desk already creates a ticket for every conversation. Remove this action from the bot first."
    );
    let (status, code, _) = error_of(
        ada.post("/api/moves", move_all(&ada, "Website chat").await)
            .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::CONFLICT, ErrorCode::NotMovable)
    );
    assert!(
        events.next_channel().await.id == chat,
        "every open app hears that the channel changed"
    );

    let res = ada
        .send(
            Method::PUT,
            &path,
            json!({"actions": [{"kind": "send_message", "text": "Hi!"}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let channel: Channel = ada.read(&format!("/api/channels/{chat}")).await;
    assert!(channel.movable.ok, "movable again");
    let res = ada.send(Method::PUT, &path, json!(null)).await;
    assert_eq!(res.json::<Chatflow>().await.unwrap().bot, None);
}

#[tokio::test]
async fn an_ingest_token_is_needed_for_a_company_s_own_channel_too() {
    // R30, R32: a channel a company made takes arrivals like the demo's.
    let (app, ingrid) = set_up_company().await;
    let inbox: Inbox = created(
        ingrid
            .post("/api/inboxes", json!({"name": "Support"}))
            .await,
    )
    .await;
    let email = connect(
        &ingrid,
        json!({"inbox_id": inbox.id, "kind": "email", "name": "Support",
               "address": "support@fjordbikes.example"}),
    )
    .await;
    let res = crate::helpers::ingest(&app.base, "wrong", email.id, "x@example.com").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = crate::helpers::ingest(&app.base, INGEST_TOKEN, email.id, "x@example.com").await;
    assert_eq!(res.status(), StatusCode::CREATED);
}
