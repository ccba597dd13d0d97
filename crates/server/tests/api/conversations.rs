use deskmove_rules::{
    Conversation, ConversationStatus, ErrorCode, Message, Notification, NotificationKind, Page,
    Ticket, Workspace,
};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{channel_id, client, error_of, move_all, spawn_app, status_id, INGEST_TOKEN};

#[tokio::test]
async fn conversations_page_newest_first_with_filters_and_opaque_cursors() {
    let app = spawn_app().await;
    let sam = app.sign_in("sam@demo.test").await;
    let all: Vec<Conversation> = sam.all_pages("/api/conversations").await;
    assert_eq!(all.len(), 120);
    let first: Page<Conversation> =
        serde_json::from_value(sam.get_json("/api/conversations?limit=50").await).unwrap();
    assert_eq!(first.items.len(), 50);
    assert_eq!(first.items[..], all[..50]);
    let next: Page<Conversation> = serde_json::from_value(
        sam.get_json(&format!(
            "/api/conversations?limit=50&cursor={}",
            first.next_cursor.unwrap()
        ))
        .await,
    )
    .unwrap();
    assert_eq!(next.items[..], all[50..100]);
    let ids: Vec<i64> = all.iter().map(|c| c.id.get()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");

    let email = channel_id(&sam, "Support email").await;
    let current: Vec<Conversation> = sam
        .all_pages(&format!("/api/conversations?channel_id={email}"))
        .await;
    assert!(current.iter().all(|c| c.current_channel_id == email));
    let original: Vec<Conversation> = sam
        .all_pages(&format!("/api/conversations?original_channel_id={email}"))
        .await;
    assert!(original.iter().all(|c| c.original_channel_id == email));
    assert!(
        current.len() > original.len(),
        "transferred threads count on their current channel"
    );
    let help_desk: Vec<Conversation> = sam
        .all_pages("/api/conversations?workspace=help_desk")
        .await;
    assert!(help_desk.is_empty());
    let nothing: Vec<Conversation> = sam.all_pages("/api/conversations?channel_id=nope").await;
    assert!(nothing.is_empty());

    for bad in [
        "limit=0",
        "limit=501",
        "limit=x",
        "cursor=garbage",
        "workspace=attic",
    ] {
        let (status, code, _) = error_of(sam.get(&format!("/api/conversations?{bad}")).await).await;
        assert_eq!(
            (status, code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn agents_change_status_and_owner_in_the_inbox() {
    let app = spawn_app().await;
    let noor = app.sign_in("noor@demo.test").await;
    let c = &noor
        .all_pages::<Conversation>("/api/conversations?workspace=inbox")
        .await[0];
    let res = noor
        .patch(
            &format!("/api/conversations/{}", c.id),
            json!({"status": "closed", "owner_id": noor.me.id}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let after: Conversation = res.json().await.unwrap();
    assert_eq!(after.status, ConversationStatus::Closed);
    assert_eq!(
        after.owner_id,
        Some(noor.me.id),
        "anyone may own an inbox conversation"
    );
    let res = noor
        .patch(
            &format!("/api/conversations/{}", c.id),
            json!({"owner_id": null}),
        )
        .await;
    let after: Conversation = res.json().await.unwrap();
    assert_eq!(after.owner_id, None);
    assert_eq!(
        after.status,
        ConversationStatus::Closed,
        "an absent field is left alone"
    );

    let before = app.fingerprint().await;
    for (body, field) in [
        (json!({"owner_id": "999"}), "owner_id"),
        (json!({"status": "snoozed"}), ""),
        (json!({"workspace": "help_desk"}), ""),
    ] {
        let (status, code, message) = error_of(
            noor.patch(&format!("/api/conversations/{}", c.id), body.clone())
                .await,
        )
        .await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
        assert_eq!(code, ErrorCode::InvalidRequest);
        assert!(message.contains(field));
    }
    let (status, _, _) = error_of(
        noor.patch("/api/conversations/99999", json!({"status": "open"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.fingerprint().await, before, "I5");
}

#[tokio::test]
async fn in_help_desk_the_owner_is_the_ticket_s_and_needs_access() {
    // R8, R13, R22
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&m.id).await;
    let c = &ada
        .all_pages::<Conversation>("/api/conversations?workspace=help_desk")
        .await[0];
    let noor = app.sign_in("noor@demo.test").await;
    let sam = app.sign_in("sam@demo.test").await;
    let before = app.fingerprint().await;
    let (status, code, message) = error_of(
        ada.patch(
            &format!("/api/conversations/{}", c.id),
            json!({"owner_id": noor.me.id}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
    );
    assert!(
        message.contains("Noor Sales has no help desk access"),
        "{message}"
    );
    assert_eq!(app.fingerprint().await, before);

    let notes_before: Vec<Notification> = sam.get("/api/notifications").await.json().await.unwrap();
    let res = ada
        .patch(
            &format!("/api/conversations/{}", c.id),
            json!({"owner_id": sam.me.id}),
        )
        .await;
    let after: Conversation = res.json().await.unwrap();
    assert_eq!(after.owner_id, Some(sam.me.id));
    let t: Ticket = serde_json::from_value(
        ada.get_json(&format!("/api/tickets/{}", after.ticket_id.unwrap()))
            .await,
    )
    .unwrap();
    assert_eq!(t.owner_id, after.owner_id, "setting the owner sets both");
    let notes: Vec<Notification> = sam.get("/api/notifications").await.json().await.unwrap();
    let expected = if c.owner_id == Some(sam.me.id) { 0 } else { 1 };
    assert_eq!(notes.len(), notes_before.len() + expected);
    if expected == 1 {
        assert_eq!(notes[0].kind, NotificationKind::TicketAssigned);
        assert_eq!(notes[0].ticket_id, t.id);
    }
}

#[tokio::test]
async fn a_transfer_changes_the_current_channel_never_the_original() {
    // R19
    let app = spawn_app().await;
    let sam = app.sign_in("sam@demo.test").await;
    let line = channel_id(&sam, "Support line").await;
    let c = &sam
        .all_pages::<Conversation>(&format!(
            "/api/conversations?original_channel_id={}",
            channel_id(&sam, "Website chat").await
        ))
        .await[0];
    let res = sam
        .post(
            &format!("/api/conversations/{}/transfer", c.id),
            json!({"channel_id": line}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let after: Conversation = res.json().await.unwrap();
    assert_eq!(after.current_channel_id, line);
    assert_eq!(after.original_channel_id, c.original_channel_id);
    let (status, code, message) = error_of(
        sam.post(
            &format!("/api/conversations/{}/transfer", c.id),
            json!({"channel_id": "999"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
    );
    assert!(message.starts_with("channel_id"));
}

#[tokio::test]
async fn an_agent_makes_at_most_one_ticket_for_an_inbox_conversation() {
    // I1, R22
    let app = spawn_app().await;
    let sam = app.sign_in("sam@demo.test").await;
    let mine = sam
        .all_pages::<Conversation>("/api/conversations?workspace=inbox")
        .await
        .into_iter()
        .find(|c| c.ticket_id.is_none() && c.owner_id == Some(sam.me.id))
        .expect("an unticketed conversation of Sam's");
    let new = status_id(&sam, "New").await;
    let res = sam
        .post(
            &format!("/api/conversations/{}/ticket", mine.id),
            json!({"status_id": new}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let t: Ticket = res.json().await.unwrap();
    assert_eq!(
        (t.owner_id, t.sla, t.status_id),
        (Some(sam.me.id), None, new)
    );
    let notes: Vec<Notification> = sam.get("/api/notifications").await.json().await.unwrap();
    assert_eq!(
        (notes[0].kind, notes[0].ticket_id),
        (NotificationKind::TicketCreated, t.id)
    );
    let before = app.fingerprint().await;
    let (status, code, _) = error_of(
        sam.post(
            &format!("/api/conversations/{}/ticket", mine.id),
            json!({"status_id": new}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::CONFLICT, ErrorCode::TicketExists)
    );
    let other = sam
        .all_pages::<Conversation>("/api/conversations")
        .await
        .into_iter()
        .find(|c| c.ticket_id.is_none())
        .unwrap();
    let (status, code, _) = error_of(
        sam.post(
            &format!("/api/conversations/{}/ticket", other.id),
            json!({"status_id": "4242"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
    );
    assert_eq!(app.fingerprint().await, before, "I5");

    // Many concurrent attempts on one conversation: exactly one ticket.
    let sam = std::sync::Arc::new(sam);
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let (sam, id, new) = (sam.clone(), other.id, new);
            tokio::spawn(async move {
                sam.post(
                    &format!("/api/conversations/{id}/ticket"),
                    json!({"status_id": new}),
                )
                .await
                .status()
            })
        })
        .collect();
    let mut created = 0;
    for t in tasks {
        if t.await.unwrap() == StatusCode::CREATED {
            created += 1;
        }
    }
    assert_eq!(created, 1);
    assert!(app.store.check().await.unwrap().is_empty());
}

#[tokio::test]
async fn tickets_filter_by_status_owner_state_and_assignment() {
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&m.id).await;
    let all: Vec<Ticket> = ada.all_pages("/api/tickets").await;
    assert!(!all.is_empty());
    let closed = status_id(&ada, "Closed").await;
    let by_status: Vec<Ticket> = ada
        .all_pages(&format!("/api/tickets?status_id={closed}"))
        .await;
    assert_eq!(
        by_status.len(),
        all.iter().filter(|t| t.status_id == closed).count()
    );
    let closed_state: Vec<Ticket> = ada.all_pages("/api/tickets?state=closed").await;
    assert_eq!(
        closed_state, by_status,
        "Closed is the pipeline's only closed status"
    );
    let unassigned: Vec<Ticket> = ada.all_pages("/api/tickets?unassigned=true").await;
    assert_eq!(
        unassigned.len(),
        all.iter().filter(|t| t.owner_id.is_none()).count()
    );
    let mine: Vec<Ticket> = ada
        .all_pages(&format!("/api/tickets?owner_id={}", ada.me.id))
        .await;
    assert!(mine.iter().all(|t| t.owner_id == Some(ada.me.id)));
    let in_help_desk: Vec<Ticket> = ada.all_pages("/api/tickets?workspace=help_desk").await;
    let moved: Vec<Conversation> = ada
        .all_pages("/api/conversations?workspace=help_desk")
        .await;
    assert_eq!(in_help_desk.len(), moved.len(), "I1: one ticket each");
    for bad in ["unassigned=maybe", "state=pending", "limit=1000"] {
        let (status, code, _) = error_of(ada.get(&format!("/api/tickets?{bad}")).await).await;
        assert_eq!(
            (status, code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest),
            "{bad}"
        );
    }
    let (status, _, _) = error_of(ada.get("/api/tickets/987654").await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn inbound_traffic_needs_the_ingest_token_and_a_valid_body() {
    let app = spawn_app().await;
    let sam = app.sign_in("sam@demo.test").await;
    let email = channel_id(&sam, "Support email").await;
    let url = app.url(&format!("/api/ingest/channels/{email}/conversations"));
    let body = json!({"contact": "Maria", "subject": "Hi", "body": "Hello"});
    let before = app.fingerprint().await;
    for token in [None, Some("wrong"), Some("")] {
        let mut req = client().post(&url).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let (status, code, _) = error_of(req.send().await.unwrap()).await;
        assert_eq!(
            (status, code),
            (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated),
            "{token:?}"
        );
    }
    // A user's session is not an ingest token.
    let (status, _, _) = error_of(
        sam.post(
            &format!("/api/ingest/channels/{email}/conversations"),
            body.clone(),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for (bad, field) in [
        (
            json!({"contact": "", "subject": "x", "body": "y"}),
            "contact",
        ),
        (
            json!({"contact": "a", "subject": "x", "body": "y", "started_at": "2999-01-01T00:00:00Z"}),
            "started_at",
        ),
        (
            json!({"contact": "a", "subject": "x", "body": "y".repeat(100_001)}),
            "body",
        ),
    ] {
        let res = client()
            .post(&url)
            .bearer_auth(INGEST_TOKEN)
            .json(&bad)
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_of(res).await;
        assert_eq!(
            (status, code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
        );
        assert!(message.starts_with(field), "{message}");
    }
    let res = client()
        .post(app.url("/api/ingest/channels/9999/conversations"))
        .bearer_auth(INGEST_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.fingerprint().await, before, "I5");

    let imported = client()
        .post(&url)
        .bearer_auth(INGEST_TOKEN)
        .json(&json!({"contact": "Old", "subject": "From 2024", "body": "x", "started_at": "2024-03-01T10:00:00Z"}))
        .send()
        .await
        .unwrap();
    let c: Conversation = imported.json().await.unwrap();
    assert_eq!(c.started_at.to_rfc3339(), "2024-03-01T10:00:00+00:00");
    assert_eq!(
        (c.workspace, c.ticket_id),
        (Workspace::Inbox, None),
        "R7: not moving yet"
    );
}

#[tokio::test]
async fn a_ticket_reads_with_its_conversation_s_contact_subject_channel_and_messages() {
    // Daily use: a ticket was only a number; its row and page show who and what.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let line = channel_id(&ada, "Support line").await;
    let m = ada.start_move(move_all(&ada, "Support line").await).await;
    ada.wait_for_move(&m.id).await;
    let arrived = app.ingest(line, "Maria Keller").await;
    let res = client()
        .post(app.url(&format!(
            "/api/ingest/conversations/{}/messages",
            arrived.id
        )))
        .bearer_auth(INGEST_TOKEN)
        .json(&json!({"body": "Any news?"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let ticket: Ticket = ada
        .read(&format!("/api/tickets/{}", arrived.ticket_id.expect("R7")))
        .await;
    assert_eq!(
        (
            ticket.contact.as_str(),
            ticket.subject.as_str(),
            ticket.channel_id
        ),
        ("Maria Keller", "Help", line)
    );
    let page: Page<Ticket> = ada.read("/api/tickets?workspace=help_desk").await;
    assert!(page.items.iter().all(|t| !t.contact.is_empty()));
    let said: Vec<Message> = ada
        .read(&format!("/api/conversations/{}/messages", arrived.id))
        .await;
    let bodies: Vec<_> = said.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["Hello there", "Any news?"], "oldest first");
    // R23: not for someone without help desk access.
    let noor = app.sign_in("noor@demo.test").await;
    let (status, _, _) = error_of(
        noor.get(&format!("/api/conversations/{}/messages", arrived.id))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_ticket_moves_along_its_pipeline_and_nothing_else_is_taken() {
    // Daily use: the ticket page's status control; R23 for the change.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&m.id).await;
    let page: Page<Ticket> = ada.read("/api/tickets?workspace=help_desk").await;
    let ticket = &page.items[0];
    let closed = status_id(&ada, "Closed").await;
    let res = ada
        .patch(
            &format!("/api/tickets/{}", ticket.id),
            json!({"status_id": closed.to_string()}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let after: Ticket = res.json().await.unwrap();
    assert_eq!(after.status_id, closed);
    let before = app.fingerprint().await;
    for (body, field) in [
        (json!({"status_id": "999"}), "status_id"),
        (
            json!({"status_id": closed.to_string(), "owner_id": "2"}),
            "owner_id",
        ),
    ] {
        let (status, code, message) = error_of(
            ada.patch(&format!("/api/tickets/{}", ticket.id), body)
                .await,
        )
        .await;
        assert_eq!(
            (status, code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
        );
        assert!(message.contains(field), "{message}");
    }
    let (status, _, _) = error_of(
        ada.patch(
            "/api/tickets/999999",
            json!({"status_id": closed.to_string()}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let noor = app.sign_in("noor@demo.test").await;
    let (status, code, _) = error_of(
        noor.patch(
            &format!("/api/tickets/{}", ticket.id),
            json!({"status_id": closed.to_string()}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code),
        (StatusCode::FORBIDDEN, ErrorCode::Forbidden)
    );
    assert_eq!(app.fingerprint().await, before);
}
