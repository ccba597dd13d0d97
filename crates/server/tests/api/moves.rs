use std::collections::HashMap;

use deskmove_rules::plan::{
    plan_history_ticket, ExistingTicket, HistoricalConversation, TicketPlan,
};
use deskmove_rules::{
    BlockerCode, Channel, Conversation, ConversationId, ConversationStatus, ErrorCode, Inbox, Move,
    MoveState, Notification, NotificationKind, Preview, SlaPolicy, SlaPolicyId, StatusMapping,
    Ticket, User, WarningCode, Workspace,
};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    assert_never_two_running, channel_id, error_of, move_all, spawn_app, spawn_app_with, status_id,
    Session,
};

async fn preview(s: &Session, channel: &str) -> Preview {
    let id = channel_id(s, channel).await;
    serde_json::from_value(
        s.get_json(&format!("/api/channels/{id}/move-preview"))
            .await,
    )
    .unwrap()
}

async fn history(s: &Session, channel: &str) -> Vec<Conversation> {
    let id = channel_id(s, channel).await;
    s.all_pages(&format!("/api/conversations?original_channel_id={id}"))
        .await
}

#[tokio::test]
async fn an_agent_can_neither_preview_nor_start_a_move_and_nothing_changes() {
    // R1, I5
    let app = spawn_app().await;
    let sam = app.sign_in("sam@demo.test").await;
    let body = move_all(&sam, "Support email").await;
    let before = app.fingerprint().await;
    let (status, code, message) = error_of(sam.post("/api/moves", body).await).await;
    assert_eq!(
        (status, code),
        (StatusCode::FORBIDDEN, ErrorCode::Forbidden)
    );
    assert!(message.contains("super admin"));
    let id = channel_id(&sam, "Support email").await;
    let (status, _, _) = error_of(sam.get(&format!("/api/channels/{id}/move-preview")).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.fingerprint().await, before);
}

#[tokio::test]
async fn a_move_refuses_in_the_order_of_the_api() {
    // R1, R2, R9, R21, I5: csrf, role, body, channel, kind and bot, statuses.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let before = app.fingerprint().await;
    let no_csrf = ada
        .client
        .post(app.url("/api/moves"))
        .json(&json!({"channel_id": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(no_csrf).await.1, ErrorCode::Csrf);
    for bad in [
        json!([]),
        json!({"channel_id": 5}),
        json!({"channel_id": "1"}),
        json!({"channel_id": "1", "history": {"mode": "some"}}),
    ] {
        let (status, code, _) = error_of(ada.post("/api/moves", bad.clone()).await).await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}"
        );
        assert_eq!(code, ErrorCode::InvalidRequest, "{bad}");
    }
    let (status, code, _) = error_of(
        ada.post(
            "/api/moves",
            json!({"channel_id": "424242", "history": {"mode": "none"}}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code), (StatusCode::NOT_FOUND, ErrorCode::NotFound));
    for (name, reason) in [
        ("WhatsApp", "Delete the channel"),
        ("Facebook Messenger", "Delete the channel"),
        ("Fallback address", "fallback"),
        ("Pricing bot", "Create ticket"),
    ] {
        let id = channel_id(&ada, name).await;
        // Kind is checked before the statuses: even a bad mapping answers not_movable.
        let (status, code, message) = error_of(
            ada.post(
                "/api/moves",
                json!({"channel_id": id, "history": {"mode": "all", "open_status_id": "nope"}}),
            )
            .await,
        )
        .await;
        assert_eq!(
            (status, code),
            (StatusCode::CONFLICT, ErrorCode::NotMovable),
            "{name}"
        );
        assert!(message.contains(reason), "{name}: {message}");
    }
    let email = channel_id(&ada, "Support email").await;
    let (status, code, message) = error_of(
        ada.post(
            "/api/moves",
            json!({"channel_id": email, "history": {"mode": "all", "open_status_id": "999"}}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
    );
    assert!(
        message.contains("history.open_status_id") && message.contains("history.closed_status_id")
    );
    assert_eq!(app.fingerprint().await, before);
}

#[tokio::test]
async fn a_second_move_is_refused_while_one_runs() {
    // R4, I3, I5
    let app = spawn_app_with(|s| {
        s.demo_conversations = 3000;
        s.move_batch = 20;
        s.move_pause_ms = 40;
    })
    .await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    assert_eq!(m.state, MoveState::Running);
    let before_second = {
        let current: Option<Move> = ada.get("/api/moves/current").await.json().await.unwrap();
        current.expect("a running move").id
    };
    assert_eq!(before_second, m.id);
    let (status, code, message) = error_of(
        ada.post("/api/moves", move_all(&ada, "Sales email").await)
            .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::CONFLICT, ErrorCode::MoveInProgress)
    );
    assert!(message.contains("Support email is moving"), "{message}");
    // Every channel says why it can't move now.
    let inboxes: Vec<Inbox> = serde_json::from_value(ada.get_json("/api/inboxes").await).unwrap();
    let sales = inboxes
        .iter()
        .flat_map(|i| &i.channels)
        .find(|c| c.name == "Sales email")
        .unwrap();
    assert_eq!(sales.movable.reasons[0].code, BlockerCode::MoveInProgress);
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!(done.state, MoveState::Completed);
    let moves: Vec<Move> = ada.get("/api/moves").await.json().await.unwrap();
    assert_eq!(moves.len(), 1, "the refused move left no trace");
    // Once it is done, the next one may start.
    ada.start_move(move_all(&ada, "Sales email").await).await;
}

#[tokio::test]
async fn many_concurrent_starts_make_exactly_one_running_move() {
    // I3, R4
    let app = spawn_app().await;
    let ada = std::sync::Arc::new(app.sign_in("ada@demo.test").await);
    let mut bodies = Vec::new();
    for name in [
        "Support email",
        "Contact us form",
        "Support line",
        "Website chat",
        "Welcome bot",
        "Sales email",
    ] {
        for mode in ["all", "none"] {
            let mut b = move_all(&ada, name).await;
            if mode == "none" {
                b["history"] = json!({"mode": "none"});
            }
            bodies.push(b);
        }
    }
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|b| {
            let ada = ada.clone();
            tokio::spawn(async move { ada.post("/api/moves", b).await.status() })
        })
        .collect();
    let mut accepted = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::ACCEPTED => accepted += 1,
            s => assert_eq!(s, StatusCode::CONFLICT),
        }
    }
    assert!(accepted >= 1);
    // "Don't move any conversations" finishes at once, so later starts may succeed;
    // what must never happen is two moves running at the same time.
    let moves: Vec<Move> = ada.get("/api/moves").await.json().await.unwrap();
    assert_eq!(moves.len(), accepted);
    assert_never_two_running(moves);
    assert!(app.store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn there_is_no_way_to_cancel_a_move_or_move_a_channel_back() {
    // R3, R17
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = ada.start_move(move_all(&ada, "Support line").await).await;
    for (method, path) in [
        (reqwest::Method::DELETE, format!("/api/moves/{}", m.id)),
        (reqwest::Method::PATCH, format!("/api/moves/{}", m.id)),
        (reqwest::Method::POST, format!("/api/moves/{}/cancel", m.id)),
        (reqwest::Method::DELETE, "/api/moves/current".to_string()),
    ] {
        let status = ada
            .send(method.clone(), &path, json!({"state": "failed"}))
            .await
            .status();
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {status}"
        );
    }
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!(done.state, MoveState::Completed);
    let line = channel_id(&ada, "Support line").await;
    let (status, code, _) = error_of(
        ada.post(
            "/api/moves",
            json!({"channel_id": line, "history": {"mode": "none"}}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::CONFLICT, ErrorCode::AlreadyInHelpDesk)
    );
}

#[tokio::test]
async fn a_moved_channel_leaves_the_inbox_for_help_desk_with_its_settings() {
    // R6, R14, R16
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let id = channel_id(&ada, "Support email").await;
    let before: Channel =
        serde_json::from_value(ada.get_json(&format!("/api/channels/{id}")).await).unwrap();
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&m.id).await;
    let inboxes: Vec<Inbox> = serde_json::from_value(ada.get_json("/api/inboxes").await).unwrap();
    assert!(
        inboxes.iter().flat_map(|i| &i.channels).all(|c| c.id != id),
        "no longer in the inbox"
    );
    let help_desk: Vec<Channel> =
        serde_json::from_value(ada.get_json("/api/help-desk/channels").await).unwrap();
    assert_eq!(help_desk.iter().map(|c| c.id).collect::<Vec<_>>(), [id]);
    let after: Channel =
        serde_json::from_value(ada.get_json(&format!("/api/channels/{id}")).await).unwrap();
    assert_eq!(after.workspace, Workspace::HelpDesk);
    assert_eq!(
        after.settings, before.settings,
        "R6: settings carried over unchanged"
    );
    assert_eq!(
        after.movable.reasons[0].code,
        BlockerCode::AlreadyInHelpDesk,
        "R14"
    );
    let p: Preview = serde_json::from_value(
        ada.get_json(&format!("/api/channels/{id}/move-preview"))
            .await,
    )
    .unwrap();
    assert_eq!(p.blockers[0].code, BlockerCode::AlreadyInHelpDesk);
}

/// What the rules crate plans for each history conversation, from the state before the move.
async fn plans_before(
    s: &Session,
    history: &[Conversation],
    mapping: &StatusMapping,
    sla: &SlaPolicy,
) -> HashMap<ConversationId, (Option<Ticket>, TicketPlan)> {
    let users: Vec<User> = serde_json::from_value(s.get_json("/api/users").await).unwrap();
    let mut out = HashMap::new();
    for c in history {
        let ticket: Option<Ticket> = match &c.ticket_id {
            Some(t) => Some(
                serde_json::from_value(s.get_json(&format!("/api/tickets/{t}")).await).unwrap(),
            ),
            None => None,
        };
        let plan = plan_history_ticket(
            &HistoricalConversation {
                status: c.status,
                owner_id: c.owner_id,
                started_at: c.started_at,
                ticket: ticket.as_ref().map(|t| ExistingTicket {
                    status_id: t.status_id,
                    owner_id: t.owner_id,
                    created_at: t.created_at,
                    sla: t.sla,
                }),
            },
            mapping,
            |id| deskmove_rules::has_help_desk_access(&users, id),
            Some(sla),
        );
        out.insert(c.id, (ticket, plan));
    }
    out
}

#[tokio::test]
async fn the_engine_does_exactly_what_the_rules_plan_for_every_conversation() {
    // R10, R11, R13, I1: the set-based SQL and the rules crate never disagree.
    let app = spawn_app_with(|s| {
        s.demo_conversations = 600;
        s.move_batch = 37;
    })
    .await;
    let ada = app.sign_in("ada@demo.test").await;
    let history = history(&ada, "Support email").await;
    let with_ticket = history.iter().filter(|c| c.ticket_id.is_some()).count();
    assert!(
        history.len() > 100 && with_ticket > 10,
        "a mixed data set: {} / {with_ticket}",
        history.len()
    );
    let mapping = StatusMapping {
        pipeline_id: deskmove_rules::demo::PIPELINE,
        open_status_id: status_id(&ada, "Waiting on us").await,
        closed_status_id: status_id(&ada, "Closed").await,
    };
    let sla = SlaPolicy {
        id: SlaPolicyId::of(1),
        name: "Standard".into(),
        first_reply_seconds: 4 * 3600,
        close_seconds: 48 * 3600,
    };
    let plans = plans_before(&ada, &history, &mapping, &sla).await;

    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    let done = ada.wait_for_move(&m.id).await;
    let created = plans.values().filter(|(_, p)| p.creates_ticket()).count() as u64;
    let unassigned = plans
        .values()
        .filter(|(_, p)| p.creates_unassigned())
        .count() as u64;
    assert_eq!(
        (done.total, done.moved),
        (history.len() as u64, history.len() as u64)
    );
    assert_eq!(
        (done.tickets_created, done.unassigned),
        (created, unassigned)
    );

    for c in &history {
        let after: Conversation =
            serde_json::from_value(ada.get_json(&format!("/api/conversations/{}", c.id)).await)
                .unwrap();
        assert_eq!(after.workspace, Workspace::HelpDesk);
        let ticket: Ticket = serde_json::from_value(
            ada.get_json(&format!(
                "/api/tickets/{}",
                after.ticket_id.expect("I1: a ticket")
            ))
            .await,
        )
        .unwrap();
        assert_eq!(
            after.owner_id, ticket.owner_id,
            "in help desk the owner is the ticket's"
        );
        match &plans[&c.id] {
            (Some(before), TicketPlan::Keep { add_sla }) => {
                assert_eq!(ticket.id, before.id, "R10: the same ticket");
                assert_eq!(
                    (&ticket.status_id, &ticket.owner_id, ticket.created_at),
                    (&before.status_id, &before.owner_id, before.created_at)
                );
                assert_eq!(ticket.sla, before.sla.or(*add_sla), "R10 decision, R13");
            }
            (None, TicketPlan::Create(planned)) => {
                assert_eq!(ticket.status_id, planned.status_id, "R11 status");
                assert_eq!(ticket.owner_id, planned.owner_id, "R11 owner");
                assert_eq!(ticket.created_at, planned.created_at, "R11 created_at");
                assert_eq!(ticket.sla, planned.sla, "R13 SLA");
            }
            other => panic!("inconsistent plan {other:?}"),
        }
    }
    assert!(app.store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn history_is_matched_by_original_channel() {
    // R19, R20
    let app = spawn_app_with(|s| s.demo_conversations = 600).await;
    let ada = app.sign_in("ada@demo.test").await;
    let email = channel_id(&ada, "Support email").await;
    let chat = channel_id(&ada, "Website chat").await;
    let form = channel_id(&ada, "Contact us form").await;
    let all: Vec<Conversation> = ada.all_pages("/api/conversations").await;
    let chat_on_email: Vec<_> = all
        .iter()
        .filter(|c| c.original_channel_id == chat && c.current_channel_id == email)
        .collect();
    let form_on_email: Vec<_> = all
        .iter()
        .filter(|c| c.original_channel_id == form && c.current_channel_id == email)
        .collect();
    assert!(
        !chat_on_email.is_empty() && !form_on_email.is_empty(),
        "the demo has transferred threads"
    );
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&m.id).await;
    for c in chat_on_email.iter().chain(&form_on_email) {
        let after: Conversation =
            serde_json::from_value(ada.get_json(&format!("/api/conversations/{}", c.id)).await)
                .unwrap();
        assert_eq!(
            after.workspace,
            Workspace::Inbox,
            "started elsewhere: stays (R19)"
        );
    }
    // R20: the form's threads, even those that went on by email, move with the form.
    let m = ada
        .start_move(move_all(&ada, "Contact us form").await)
        .await;
    ada.wait_for_move(&m.id).await;
    for c in &form_on_email {
        let after: Conversation =
            serde_json::from_value(ada.get_json(&format!("/api/conversations/{}", c.id)).await)
                .unwrap();
        assert_eq!(after.workspace, Workspace::HelpDesk);
        assert_eq!(after.current_channel_id, email, "the transfer is kept");
    }
    assert!(app.store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_transfer_during_the_move_does_not_change_where_a_conversation_ends() {
    // R19, I2
    let app = spawn_app_with(|s| {
        s.demo_conversations = 3000;
        s.move_batch = 10;
        s.move_pause_ms = 10;
    })
    .await;
    let ada = app.sign_in("ada@demo.test").await;
    let email = channel_id(&ada, "Support email").await;
    let line = channel_id(&ada, "Support line").await;
    let email_history = history(&ada, "Support email").await;
    let leaving = email_history.last().unwrap().id;
    let line_history = history(&ada, "Support line").await;
    let joining = line_history[0].id;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    assert_eq!(
        ada.post(
            &format!("/api/conversations/{leaving}/transfer"),
            json!({"channel_id": line})
        )
        .await
        .status(),
        StatusCode::OK
    );
    assert_eq!(
        ada.post(
            &format!("/api/conversations/{joining}/transfer"),
            json!({"channel_id": email})
        )
        .await
        .status(),
        StatusCode::OK
    );
    ada.wait_for_move(&m.id).await;
    let left: Conversation =
        serde_json::from_value(ada.get_json(&format!("/api/conversations/{leaving}")).await)
            .unwrap();
    let joined: Conversation =
        serde_json::from_value(ada.get_json(&format!("/api/conversations/{joining}")).await)
            .unwrap();
    assert_eq!(
        (left.workspace, left.current_channel_id),
        (Workspace::HelpDesk, line)
    );
    assert_eq!(
        (joined.workspace, joined.current_channel_id),
        (Workspace::Inbox, email)
    );
}

#[tokio::test]
async fn conversations_arriving_during_the_move_land_in_help_desk_with_one_ticket() {
    // R7, R8, R18, I1, I2
    let app = std::sync::Arc::new(
        // A throttled move keeps running while every arrival comes in.
        spawn_app_with(|s| {
            s.demo_conversations = 4000;
            s.move_batch = 5;
            s.move_pause_ms = 5;
        })
        .await,
    );
    let ada = app.sign_in("ada@demo.test").await;
    let email = channel_id(&ada, "Support email").await;
    let other = channel_id(&ada, "Support line").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    let writer = {
        let app = app.clone();
        let (email, other) = (email, other);
        tokio::spawn(async move {
            let mut mine = Vec::new();
            for i in 0..60 {
                mine.push(app.ingest(&email, &format!("Arrival {i}")).await);
                let elsewhere = app.ingest(&other, &format!("Elsewhere {i}")).await;
                assert_eq!(
                    elsewhere.workspace,
                    Workspace::Inbox,
                    "R7 only for the moving channel"
                );
                assert_eq!(elsewhere.ticket_id, None);
            }
            mine
        })
    };
    let arrivals = writer.await.unwrap();
    let current: Option<Move> = ada.get("/api/moves/current").await.json().await.unwrap();
    assert_eq!(
        current.map(|c| c.id),
        Some(m.id),
        "the move outlasted the arrivals"
    );
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!(done.arrived, 60);
    let sla = SlaPolicy {
        id: SlaPolicyId::of(1),
        name: "Standard".into(),
        first_reply_seconds: 4 * 3600,
        close_seconds: 48 * 3600,
    };
    for c in &arrivals {
        assert_eq!(c.workspace, Workspace::HelpDesk, "R18");
        let ticket: Ticket = serde_json::from_value(
            ada.get_json(&format!("/api/tickets/{}", c.ticket_id.expect("R7")))
                .await,
        )
        .unwrap();
        assert_eq!(
            ticket.status_id,
            status_id(&ada, "New").await,
            "the pipeline's first open status"
        );
        assert_eq!(
            ticket.sla,
            Some(deskmove_rules::plan::sla_due(&sla, ticket.created_at)),
            "R8"
        );
    }
    // After the move, new conversations still land in help desk.
    let later = app.ingest(&email, "After").await;
    assert_eq!(later.workspace, Workspace::HelpDesk);
    assert!(later.ticket_id.is_some());
    assert!(app.store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_arrival_s_routing_owner_without_access_is_not_kept() {
    // R8, R6
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    // Welcome bot routes to Sam (help desk access): kept.
    let m = ada.start_move(move_all(&ada, "Welcome bot").await).await;
    ada.wait_for_move(&m.id).await;
    let bot = channel_id(&ada, "Welcome bot").await;
    let c = app.ingest(&bot, "Visitor").await;
    let sam = app.sign_in("sam@demo.test").await.me.id;
    assert_eq!(c.owner_id, Some(sam));
    let t: Ticket = serde_json::from_value(
        ada.get_json(&format!("/api/tickets/{}", c.ticket_id.unwrap()))
            .await,
    )
    .unwrap();
    assert_eq!(t.owner_id, Some(sam));
}

#[tokio::test]
async fn replies_stay_where_the_conversation_is() {
    // R12
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let moved = history(&ada, "Support email").await[0].clone();
    let left = history(&ada, "Support line").await[0].clone();
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&m.id).await;
    let m = ada.start_move(json!({"channel_id": channel_id(&ada, "Support line").await, "history": {"mode": "none"}})).await;
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!((done.total, done.moved), (0, 0));
    for (c, workspace) in [(&moved, Workspace::HelpDesk), (&left, Workspace::Inbox)] {
        let res = crate::helpers::client()
            .post(app.url(&format!("/api/ingest/conversations/{}/messages", c.id)))
            .bearer_auth(crate::helpers::INGEST_TOKEN)
            .json(&json!({"body": "Any news?"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let after: Conversation = res.json().await.unwrap();
        assert_eq!(after.workspace, workspace);
        assert_eq!(
            after.ticket_id.is_some(),
            workspace == Workspace::HelpDesk || c.ticket_id.is_some()
        );
    }
}

async fn notifications(app: &crate::helpers::TestApp, email: &str) -> Vec<Notification> {
    app.sign_in(email)
        .await
        .get("/api/notifications")
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn created_tickets_notify_their_owners_unless_the_move_is_muted() {
    // R22
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    assert!(notifications(&app, "sam@demo.test").await.is_empty());
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    let done = ada.wait_for_move(&m.id).await;
    let sam_notes = notifications(&app, "sam@demo.test").await;
    assert!(!sam_notes.is_empty() && done.tickets_created > 0);
    assert!(sam_notes
        .iter()
        .all(|n| n.kind == NotificationKind::TicketCreated));
    assert!(
        notifications(&app, "noor@demo.test").await.is_empty(),
        "Noor gets no tickets (R11)"
    );

    // Muted: nothing for the move's duration...
    let mut body = move_all(&ada, "Contact us form").await;
    body["mute_notifications"] = json!(true);
    let before = notifications(&app, "sam@demo.test").await.len();
    let m = ada.start_move(body).await;
    let form = channel_id(&ada, "Contact us form").await;
    let during = app.ingest(&form, "While muted").await;
    assert!(during.ticket_id.is_some());
    let done = ada.wait_for_move(&m.id).await;
    assert!(done.mute_notifications && done.tickets_created > 0);
    assert_eq!(notifications(&app, "sam@demo.test").await.len(), before);
    // ...and back on when it ends.
    let conversation = app.ingest(&form, "After").await;
    let sam = app.sign_in("sam@demo.test").await;
    let res = ada
        .patch(
            &format!("/api/conversations/{}", conversation.id),
            json!({"owner_id": sam.me.id}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let notes = notifications(&app, "sam@demo.test").await;
    assert_eq!(notes.len(), before + 1);
    assert_eq!(notes[0].kind, NotificationKind::TicketAssigned);
    assert_eq!(Some(notes[0].ticket_id), conversation.ticket_id);
}

#[tokio::test]
async fn the_preview_counts_the_history_and_warns() {
    // R5, R11, R19, R20
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let history = history(&ada, "Support email").await;
    let p = preview(&ada, "Support email").await;
    assert_eq!(p.conversations as usize, history.len());
    assert_eq!(
        p.with_ticket as usize,
        history.iter().filter(|c| c.ticket_id.is_some()).count()
    );
    assert_eq!(p.with_ticket + p.without_ticket, p.conversations);
    assert_eq!(
        p.open as usize,
        history
            .iter()
            .filter(|c| c.status == ConversationStatus::Open)
            .count()
    );
    assert_eq!(p.open + p.closed, p.conversations);
    let noor = app.sign_in("noor@demo.test").await.me.id;
    let noor_owned = history
        .iter()
        .filter(|c| c.ticket_id.is_none() && c.owner_id == Some(noor))
        .count();
    assert_eq!(p.owners_without_access as usize, noor_owned);
    assert!(p.blockers.is_empty());
    let codes: Vec<_> = p.warnings.iter().map(|w| w.code).collect();
    assert_eq!(
        codes,
        [WarningCode::AgentsWithoutAccess, WarningCode::Notifications]
    );
    assert!(p.warnings[0].message.contains("Noor Sales"));

    let form = preview(&ada, "Contact us form").await;
    let form_warning = form
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::FormLinkedEmail)
        .expect("R20");
    assert!(form_warning.message.contains("Support email"));

    // A burst of new conversations makes the channel busy.
    let line = channel_id(&ada, "Support line").await;
    for i in 0..21 {
        app.ingest(&line, &format!("Caller {i}")).await;
    }
    let busy = preview(&ada, "Support line").await;
    assert!(
        busy.warnings
            .iter()
            .any(|w| w.code == WarningCode::BusyChannel),
        "{:?}",
        busy.warnings
    );
    let whatsapp = preview(&ada, "WhatsApp").await;
    assert_eq!(whatsapp.blockers[0].code, BlockerCode::NotMovableKind);
}

#[tokio::test]
async fn progress_is_reported_live_with_an_estimate() {
    // R15, R17: a second client of the account hears start, progress and end.
    let app = spawn_app_with(|s| {
        s.demo_conversations = 6000;
        s.move_batch = 10;
        s.move_pause_ms = 8;
    })
    .await;
    let ada = app.sign_in("ada@demo.test").await;
    let sam = app.sign_in("sam@demo.test").await;
    let events = sam.client.get(app.url("/api/events")).send().await.unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    assert!(events.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut events = events.bytes_stream().eventsource();
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    let mut seen: Vec<Move> = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while seen.last().is_none_or(|m| m.state == MoveState::Running) {
        let event = tokio::time::timeout_at(deadline, events.next())
            .await
            .expect("events in time")
            .expect("the stream stays open")
            .unwrap();
        if event.event == "move" {
            seen.push(serde_json::from_str(&event.data).unwrap());
        }
    }
    assert!(seen.len() >= 3, "start, progress and end: {}", seen.len());
    assert_eq!(seen[0].id, m.id);
    assert!(
        seen.windows(2).all(|w| w[0].moved <= w[1].moved),
        "progress only grows"
    );
    assert!(
        seen.iter()
            .any(|e| e.state == MoveState::Running && e.moved > 0 && e.eta_seconds.is_some()),
        "an estimate while running"
    );
    let last = seen.last().unwrap();
    assert_eq!((last.state, last.moved), (MoveState::Completed, last.total));
    assert!(last.finished_at.is_some());
}
