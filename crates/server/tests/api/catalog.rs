use deskmove_rules::{
    BlockerCode, Channel, ChannelKind, ChannelSettings, Chatflow, ErrorCode, Inbox, Pipeline, Role,
    Routing, StatusState, User, Workspace,
};
use deskmove_server::store;
use reqwest::StatusCode;

use crate::helpers::{client, error_of, spawn_app};

fn by_name<'a>(inboxes: &'a [Inbox], name: &str) -> &'a Channel {
    inboxes
        .iter()
        .flat_map(|i| &i.channels)
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("channel {name}"))
}

fn codes(c: &Channel) -> Vec<BlockerCode> {
    c.movable.reasons.iter().map(|r| r.code).collect()
}

#[tokio::test]
async fn inboxes_list_their_channels_with_movability_from_the_rules() {
    // R2, R21
    let app = spawn_app().await;
    let s = app.sign_in("ada@demo.test").await;
    let inboxes: Vec<Inbox> = serde_json::from_value(s.get_json("/api/inboxes").await).unwrap();
    assert_eq!(
        inboxes.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
        ["Support", "Sales"]
    );
    for name in [
        "Support email",
        "Contact us form",
        "Support line",
        "Website chat",
        "Welcome bot",
        "Sales email",
    ] {
        let c = by_name(&inboxes, name);
        assert!(c.movable.ok, "{name}: {:?}", c.movable);
        assert!(c.movable.reasons.is_empty());
    }
    assert_eq!(
        codes(by_name(&inboxes, "WhatsApp")),
        [BlockerCode::NotMovableKind]
    );
    assert_eq!(
        codes(by_name(&inboxes, "Facebook Messenger")),
        [BlockerCode::NotMovableKind]
    );
    assert_eq!(
        codes(by_name(&inboxes, "Fallback address")),
        [BlockerCode::FallbackAddress]
    );
    let pricing = by_name(&inboxes, "Pricing bot");
    assert_eq!(codes(pricing), [BlockerCode::BotCreateTicketAction]);
    assert!(pricing.movable.reasons[0]
        .message
        .contains("Bot action 2 “Create ticket”"));
    assert!(by_name(&inboxes, "WhatsApp").movable.reasons[0]
        .message
        .contains("Delete the channel from the inbox and connect it to help desk"));
}

#[tokio::test]
async fn agents_read_the_same_channels_as_admins() {
    // R1: the server decides movability for everyone; only moving is refused to agents.
    let app = spawn_app().await;
    let admin = app
        .sign_in("ada@demo.test")
        .await
        .get_json("/api/inboxes")
        .await;
    let agent = app
        .sign_in("noor@demo.test")
        .await
        .get_json("/api/inboxes")
        .await;
    assert_eq!(admin, agent);
}

#[tokio::test]
async fn a_channel_answers_by_id_and_keeps_its_settings() {
    // R6
    let app = spawn_app().await;
    let s = app.sign_in("sam@demo.test").await;
    let inboxes: Vec<Inbox> = serde_json::from_value(s.get_json("/api/inboxes").await).unwrap();
    let email = by_name(&inboxes, "Support email");
    let one: Channel =
        serde_json::from_value(s.get_json(&format!("/api/channels/{}", email.id)).await).unwrap();
    assert_eq!(&one, email);
    assert_eq!(one.kind, ChannelKind::Email);
    assert_eq!(one.address, "support@demo.test");
    assert_eq!(one.workspace, Workspace::Inbox);
    assert_eq!(
        one.settings.signature.as_deref(),
        Some("— The Demo Co support team")
    );
    let welcome = by_name(&inboxes, "Welcome bot");
    let sam = s.me.id;
    assert_eq!(welcome.settings.routing, Routing::User { user_id: sam });
}

#[tokio::test]
async fn unknown_and_foreign_ids_are_404() {
    let app = spawn_app().await;
    // Another account's channel must not be readable by the demo account.
    let mut tx = app.store.begin().await.unwrap();
    let other = store::insert_account(&mut tx, "Other Co").await.unwrap();
    let inbox = store::insert_inbox(&mut tx, other, "Theirs").await.unwrap();
    let foreign = store::insert_channel(
        &mut tx,
        other,
        &store::NewChannel {
            inbox,
            kind: ChannelKind::Email,
            name: "Their email",
            address: "x@other.test",
            workspace: Workspace::Inbox,
            settings: &ChannelSettings::default(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let s = app.sign_in("ada@demo.test").await;
    for id in [
        foreign.to_string(),
        "999999".into(),
        "abc".into(),
        "-1".into(),
        "0".into(),
        "1e3".into(),
    ] {
        let (status, code, message) = error_of(s.get(&format!("/api/channels/{id}")).await).await;
        assert_eq!(
            (status, code),
            (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            "{id}"
        );
        assert_eq!(message, "No channel with that id.");
    }
    let inboxes = s.get_json("/api/inboxes").await;
    assert!(!inboxes.to_string().contains("Their email"));
}

#[tokio::test]
async fn chatflows_list_kinds_bots_and_workspace() {
    // R2, R21
    let app = spawn_app().await;
    let s = app.sign_in("ada@demo.test").await;
    let flows: Vec<Chatflow> = serde_json::from_value(s.get_json("/api/chatflows").await).unwrap();
    let names: Vec<_> = flows
        .iter()
        .map(|f| (f.name.as_str(), f.kind.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("Website chat", "chat"),
            ("Welcome bot", "chat"),
            ("Pricing bot", "chat"),
            ("WhatsApp", "whatsapp"),
            ("Facebook Messenger", "messenger")
        ]
    );
    assert!(flows[0].bot.is_none());
    let welcome = flows[1].bot.as_ref().unwrap();
    let sam = app.sign_in("sam@demo.test").await.me.id;
    assert_eq!(welcome.actions.last().unwrap().target_user_ids, [sam]);
    assert!(flows.iter().all(|f| f.workspace == Workspace::Inbox));
}

#[tokio::test]
async fn the_pipeline_users_and_help_desk_channels_read_as_the_demo_says() {
    let app = spawn_app().await;
    let s = app.sign_in("noor@demo.test").await;
    let pipelines: Vec<Pipeline> =
        serde_json::from_value(s.get_json("/api/pipelines").await).unwrap();
    assert_eq!(pipelines.len(), 1);
    let labels: Vec<_> = pipelines[0]
        .statuses
        .iter()
        .map(|s| (s.label.as_str(), s.state))
        .collect();
    assert_eq!(
        labels,
        [
            ("New", StatusState::Open),
            ("Waiting on contact", StatusState::Open),
            ("Waiting on us", StatusState::Open),
            ("Closed", StatusState::Closed)
        ]
    );
    let users: Vec<User> = serde_json::from_value(s.get_json("/api/users").await).unwrap();
    let summary: Vec<_> = users
        .iter()
        .map(|u| (u.email.as_str(), u.role, u.help_desk_access))
        .collect();
    assert_eq!(
        summary,
        [
            ("ada@demo.test", Role::SuperAdmin, true),
            ("sam@demo.test", Role::Agent, true),
            ("noor@demo.test", Role::Agent, false),
            ("lee@demo.test", Role::SuperAdmin, true)
        ]
    );
    let help_desk: Vec<Channel> =
        serde_json::from_value(s.get_json("/api/help-desk/channels").await).unwrap();
    assert!(help_desk.is_empty(), "nothing has moved yet");
}

#[tokio::test]
async fn unknown_api_paths_and_methods_answer_with_the_error_body() {
    let app = spawn_app().await;
    let (status, code, _) = error_of(
        client()
            .get(app.url("/api/nothing-here"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, code), (StatusCode::NOT_FOUND, ErrorCode::NotFound));
    let (status, code, _) =
        error_of(client().put(app.url("/api/inboxes")).send().await.unwrap()).await;
    assert_eq!(
        (status, code),
        (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed)
    );
}

#[tokio::test]
async fn client_routes_are_answered_with_the_app() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/login",
        "/settings/inboxes",
        "/settings/inboxes?inbox=2",
        "/moves/7",
    ] {
        let res = client().get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("<title>Deskmove</title>"),
            "{path}"
        );
    }
    assert!(app.static_dir.join("index.html").exists());
}
