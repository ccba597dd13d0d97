//! R25: the preview's sample says, for real conversations, what the move will do,
//! and the move then does exactly that.

use std::collections::HashMap;

use deskmove_rules::{
    Conversation, ConversationId, ErrorCode, Preview, SampleConversation, Ticket, TicketFate,
    TicketId, UnassignedReason,
};
use reqwest::StatusCode;

use crate::helpers::{channel_id, error_of, spawn_app_with, status_id, Session};

async fn sample(s: &Session, query: &str) -> Vec<SampleConversation> {
    let id = channel_id(s, "Support email").await;
    let p: Preview = serde_json::from_value(
        s.get_json(&format!("/api/channels/{id}/move-preview?{query}"))
            .await,
    )
    .unwrap();
    p.sample
}

async fn ticket_of(s: &Session, c: ConversationId) -> Option<Ticket> {
    let conversation: Conversation =
        serde_json::from_value(s.get_json(&format!("/api/conversations/{c}")).await).unwrap();
    match conversation.ticket_id {
        None => None,
        Some(t) => serde_json::from_value(s.get_json(&format!("/api/tickets/{t}")).await).ok(),
    }
}

#[tokio::test]
async fn every_sampled_conversation_gets_the_ticket_the_sample_said() {
    // R25, R10, R11, R13
    let app = spawn_app_with(|s| s.demo_conversations = 400).await;
    let ada = app.sign_in("ada@demo.test").await;
    let (waiting, closed) = (
        status_id(&ada, "Waiting on us").await,
        status_id(&ada, "Closed").await,
    );
    let shown = sample(
        &ada,
        &format!("open_status_id={waiting}&closed_status_id={closed}&sample=50"),
    )
    .await;
    assert_eq!(shown.len(), 50, "25 oldest and 25 newest");
    assert!(
        shown.windows(2).all(|w| w[0].started_at <= w[1].started_at),
        "oldest first"
    );
    assert!(shown.iter().any(|c| c.ticket == TicketFate::Kept));
    assert!(shown.iter().any(|c| c.ticket == TicketFate::Created));
    assert!(shown
        .iter()
        .any(|c| c.unassigned_reason == Some(UnassignedReason::OwnerWithoutAccess)));
    let mut before: HashMap<ConversationId, Option<TicketId>> = HashMap::new();
    for c in &shown {
        before.insert(
            c.conversation_id,
            ticket_of(&ada, c.conversation_id).await.map(|t| t.id),
        );
    }

    let m = ada.start_move(ada.move_all("Support email").await).await;
    ada.wait_for_move(&m.id).await;
    for c in &shown {
        let t = ticket_of(&ada, c.conversation_id)
            .await
            .expect("every moved conversation has a ticket (I1)");
        let was = before[&c.conversation_id];
        match c.ticket {
            TicketFate::Kept => assert_eq!(Some(t.id), was, "kept: the same ticket"),
            TicketFate::Created => assert_eq!(was, None, "created: it had none"),
        }
        assert_eq!(
            (t.status_id, t.owner_id, t.created_at, t.sla),
            (c.status_id, c.owner_id, c.created_at, c.sla),
            "conversation {}",
            c.conversation_id
        );
        assert_eq!(c.owner_id.is_none(), c.unassigned_reason.is_some());
    }
}

#[tokio::test]
async fn the_sample_follows_the_statuses_and_refuses_what_a_start_refuses() {
    // R25, R9, R1, I5
    let app = spawn_app_with(|s| s.demo_conversations = 120).await;
    let ada = app.sign_in("ada@demo.test").await;
    let (new, waiting, closed) = (
        status_id(&ada, "New").await,
        status_id(&ada, "Waiting on us").await,
        status_id(&ada, "Closed").await,
    );
    let natural = sample(&ada, "sample=10").await;
    assert_eq!(natural.len(), 10);
    let chosen = sample(
        &ada,
        &format!("open_status_id={waiting}&closed_status_id={closed}&sample=10"),
    )
    .await;
    for (a, b) in natural.iter().zip(&chosen) {
        assert_eq!(a.conversation_id, b.conversation_id);
        match (a.ticket, a.status) {
            (TicketFate::Created, deskmove_rules::ConversationStatus::Open) => {
                assert_eq!((a.status_id, b.status_id), (new, waiting));
            }
            (TicketFate::Created, _) => assert_eq!(b.status_id, closed),
            (TicketFate::Kept, _) => {
                assert_eq!(a.status_id, b.status_id, "a kept ticket keeps its status")
            }
        }
    }
    assert!(sample(&ada, "").await.is_empty(), "no sample unless asked");

    let id = channel_id(&ada, "Support email").await;
    for bad in [
        "sample=51".to_string(),
        "sample=-1".into(),
        "sample=many".into(),
        format!("sample=5&open_status_id=999999&closed_status_id={closed}"),
        format!("sample=5&open_status_id={waiting}&closed_status_id=x"),
    ] {
        let res = ada
            .get(&format!("/api/channels/{id}/move-preview?{bad}"))
            .await;
        let (status, code, message) = error_of(res).await;
        assert_eq!(
            (status, code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest),
            "{bad}: {message}"
        );
    }
    let sam = app.sign_in("sam@demo.test").await;
    let res = sam
        .get(&format!("/api/channels/{id}/move-preview?sample=5"))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "R1");
}
