//! What a move does to a channel and its history: the engine against the rules crate's plan.

use std::collections::HashMap;

use deskmove_rules::plan::{
    plan_history_ticket, ExistingTicket, HistoricalConversation, TicketPlan,
};
use deskmove_rules::{
    BlockerCode, Channel, Conversation, ConversationId, Inbox, Preview, SlaPolicy, SlaPolicyId,
    StatusMapping, Ticket, User, Workspace,
};
use reqwest::StatusCode;
use serde_json::json;

use super::history;
use crate::helpers::{channel_id, move_all, spawn_app, spawn_app_with, status_id, Session};

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
        hours: deskmove_rules::sla::SlaHours::Always,
    };
    let plans = plans_before(&ada, &history, &mapping, &sla).await;

    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    let done = ada.wait_for_move(&m.id).await;
    let created = plans.values().filter(|(_, p)| p.creates_ticket()).count() as u64;
    let unassigned = plans
        .values()
        .filter(|(_, p)| p.leaves_unassigned())
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
            (Some(before), TicketPlan::Keep { add_sla, unassign }) => {
                assert_eq!(ticket.id, before.id, "R10: the same ticket");
                let owner = before.owner_id.filter(|_| !unassign);
                assert_eq!(
                    (&ticket.status_id, &ticket.owner_id, ticket.created_at),
                    (&before.status_id, &owner, before.created_at),
                    "R10, and its decision: an owner without access is unassigned"
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
