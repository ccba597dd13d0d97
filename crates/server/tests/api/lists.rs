//! The lists' numbered pages: order, filters, totals, search, and an index for each.

use deskmove_rules::{
    Conversation, ConversationSort, ConversationStatus, ErrorCode, Page, StatusState, Ticket,
    TicketSort, Workspace,
};
use deskmove_server::store::{self, ConversationFilter, TicketFilter, COUNTED_UP_TO};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{channel_id, error_of, move_all, spawn_app, status_id};

#[tokio::test]
async fn lists_page_by_number_in_a_named_order_with_filters_and_a_total() {
    // Daily use: lists paged with Next only, with no total, no sort, no filter, and
    // "newest first" was not in started order.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let all: Vec<Conversation> = ada.all_pages("/api/conversations?workspace=inbox").await;
    let first: Page<Conversation> = ada
        .read("/api/conversations?workspace=inbox&sort=newest&page=1&limit=10")
        .await;
    assert_eq!(first.total, Some(all.len() as u64));
    assert_eq!(first.items.len(), 10);
    let mut by_start = all.clone();
    by_start.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(b.id.cmp(&a.id)));
    let ids = |cs: &[Conversation]| cs.iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(&first.items), ids(&by_start[..10]), "started order");
    let second: Page<Conversation> = ada
        .read("/api/conversations?workspace=inbox&sort=newest&page=2&limit=10")
        .await;
    assert_eq!(ids(&second.items), ids(&by_start[10..20]));
    let oldest: Page<Conversation> = ada
        .read("/api/conversations?workspace=inbox&sort=oldest&page=1&limit=5")
        .await;
    assert_eq!(oldest.items[0].id, by_start.last().unwrap().id);
    let beyond: Page<Conversation> = ada
        .read("/api/conversations?workspace=inbox&page=9999&limit=10")
        .await;
    assert!(beyond.items.is_empty());
    assert_eq!(beyond.total, first.total);

    // Filters: status, owner, unassigned, channel; counted the same way.
    let sam = ada.read::<Vec<deskmove_rules::User>>("/api/users").await;
    let sam = sam.iter().find(|u| u.email == "sam@demo.test").unwrap().id;
    let email = channel_id(&ada, "Support email").await;
    for (query, keep) in [
        (
            "status=closed".to_string(),
            Box::new(|c: &Conversation| c.status == ConversationStatus::Closed)
                as Box<dyn Fn(&Conversation) -> bool>,
        ),
        (
            format!("owner_id={sam}"),
            Box::new(move |c| c.owner_id == Some(sam)),
        ),
        ("unassigned=true".into(), Box::new(|c| c.owner_id.is_none())),
        (
            format!("channel_id={email}"),
            Box::new(move |c| c.current_channel_id == email),
        ),
    ] {
        let page: Page<Conversation> = ada
            .read(&format!(
                "/api/conversations?workspace=inbox&{query}&page=1&limit=500"
            ))
            .await;
        let want = all.iter().filter(|c| keep(c)).count() as u64;
        assert_eq!(page.total, Some(want), "{query}");
        assert!(page.items.iter().all(&keep), "{query}");
    }
    for bad in ["page=0", "page=x", "sort=sideways", "status=snoozed"] {
        let (status, code, message) =
            error_of(ada.get(&format!("/api/conversations?{bad}")).await).await;
        assert_eq!(
            (status, code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest),
            "{bad}"
        );
        assert!(
            message.contains(bad.split('=').next().unwrap()),
            "{message}"
        );
    }

    // Tickets: by channel, soonest due first, with the total.
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&m.id).await;
    let due: Page<Ticket> = ada
        .read(&format!(
            "/api/tickets?workspace=help_desk&channel_id={email}&sort=due&page=1&limit=20"
        ))
        .await;
    assert!(due.total.unwrap() >= 20);
    assert!(due.items.iter().all(|t| t.channel_id == email));
    let times: Vec<_> = due
        .items
        .iter()
        .map(|t| t.sla.map(|s| s.first_reply_due))
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by_key(|d| (d.is_none(), *d));
    assert_eq!(times, sorted, "soonest first, no SLA last");
}

#[tokio::test]
async fn each_list_page_walks_an_index_in_its_order() {
    // Daily use: counts and pages stay fast at 1M only if no page sorts the table.
    let app = spawn_app().await;
    for (workspace, sort) in [
        (Workspace::Inbox, ConversationSort::Newest),
        (Workspace::HelpDesk, ConversationSort::Oldest),
    ] {
        let plan = app
            .store
            .plan_of_conversations(
                deskmove_rules::AccountId::of(1),
                &ConversationFilter {
                    workspace: Some(workspace),
                    sort: Some((sort, 0)),
                    limit: 51,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .join("\n");
        assert!(plan.contains("conversations_list_order"), "{plan}");
        assert!(!sorts(&plan), "sorted without the index:\n{plan}");
    }
    // R33: the overdue tickets are a range of the due order's index.
    let overdue = Some(chrono::Utc::now().timestamp_millis());
    for (sort, overdue_at, index) in [
        (TicketSort::Newest, None, "tickets_created_order"),
        (TicketSort::Oldest, None, "tickets_created_order"),
        (TicketSort::Due, None, "tickets_due_order"),
        (TicketSort::Due, overdue, "tickets_due_order"),
    ] {
        let plan = app
            .store
            .plan_of_tickets(
                deskmove_rules::AccountId::of(1),
                &TicketFilter {
                    workspace: Some(Workspace::HelpDesk),
                    state: Some(StatusState::Open),
                    overdue_at,
                    sort: Some((sort, 0)),
                    limit: 51,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .join("\n");
        assert!(plan.contains(index), "{sort:?}: {plan}");
        assert!(!sorts(&plan), "{sort:?} sorted:\n{plan}");
    }
}

/// Whether a plan sorts rows itself (SQLite's temp B-tree, PostgreSQL's Sort node).
fn sorts(plan: &str) -> bool {
    plan.contains("TEMP B-TREE") || plan.contains("Sort  (cost")
}

#[tokio::test]
async fn lists_search_the_contact_and_subject_for_what_was_typed() {
    // Daily use: no search over contact and subject.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let line = channel_id(&ada, "Support line").await;
    let found = app.ingest(line, "Zoë O'Hara-Quint").await;
    for q in ["o'hara-qu", "ZOE", "Quint", "zo hara"] {
        let page: Page<Conversation> = ada
            .read(&format!("/api/conversations?q={}&page=1", url_encode(q)))
            .await;
        assert_eq!(page.total, Some(1), "{q}");
        assert_eq!(page.items[0].id, found.id, "{q}");
    }
    // Whatever is typed is text, never query syntax.
    for q in ["\"Quint", "Quint OR a*", "NEAR(a b)"] {
        let res = ada
            .get(&format!("/api/conversations?q={}&page=1", url_encode(q)))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{q}");
    }
    for (q, says) in [("a", "at least 2"), ("%2A%2A%2A", "letters or digits")] {
        let (status, _, message) =
            error_of(ada.get(&format!("/api/conversations?q={q}")).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert!(message.contains(says), "{message}");
    }
    // Tickets search their conversation's contact and subject.
    let m = ada.start_move(move_all(&ada, "Support line").await).await;
    ada.wait_for_move(&m.id).await;
    let tickets: Page<Ticket> = ada.read("/api/tickets?q=Quint&page=1").await;
    assert_eq!(tickets.total, Some(1));
    assert_eq!(tickets.items[0].conversation_id, found.id);
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn totals_stay_true_through_moves_arrivals_and_changes() {
    // Daily use: totals are kept by triggers, not counted; every way a row changes
    // must keep them equal to the rows.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let sam = ada.read::<Vec<deskmove_rules::User>>("/api/users").await;
    let sam = sam.iter().find(|u| u.email == "sam@demo.test").unwrap().id;
    let line = channel_id(&ada, "Support line").await;
    let email = channel_id(&ada, "Support email").await;
    let closed = status_id(&ada, "Closed").await;

    let arrived = app.ingest(line, "Totals Person").await;
    let res = ada
        .patch(
            &format!("/api/conversations/{}", arrived.id),
            json!({"status": "closed", "owner_id": sam.to_string()}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = ada
        .post(
            &format!("/api/conversations/{}/ticket", arrived.id),
            json!({"status_id": closed.to_string()}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let chat = channel_id(&ada, "Website chat").await;
    let chatted = app.ingest(chat, "Transferred Person").await;
    let res = ada
        .post(
            &format!("/api/conversations/{}/transfer", chatted.id),
            json!({"channel_id": email.to_string()}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&m.id).await;
    let moved_in = app.ingest(email, "Arrives After").await;
    let ticket = ada
        .read::<Page<Ticket>>(&format!(
            "/api/tickets?workspace=help_desk&channel_id={email}&page=1&limit=1"
        ))
        .await
        .items
        .remove(0);
    let res = ada
        .patch(
            &format!("/api/tickets/{}", ticket.id),
            json!({"status_id": closed.to_string()}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(moved_in.ticket_id.is_some());
    assert_eq!(
        app.store.miscounted_groups().await.unwrap(),
        Vec::<String>::new()
    );

    // And each total is the number of rows its pages hold.
    for query in [
        "workspace=inbox".to_string(),
        "workspace=help_desk".into(),
        "workspace=inbox&status=closed".into(),
        format!("workspace=inbox&owner_id={sam}&status=open"),
        "workspace=inbox&unassigned=true".into(),
        format!("channel_id={line}"),
    ] {
        let all: Vec<Conversation> = ada.all_pages(&format!("/api/conversations?{query}")).await;
        let page: Page<Conversation> = ada
            .read(&format!("/api/conversations?{query}&page=1"))
            .await;
        assert_eq!(page.total, Some(all.len() as u64), "{query}");
        assert!(!page.total_at_least, "{query}");
    }
    for query in [
        "workspace=help_desk&state=open".to_string(),
        "workspace=help_desk&state=closed".into(),
        format!("workspace=help_desk&channel_id={email}&unassigned=true"),
        format!("owner_id={sam}&status_id={closed}"),
    ] {
        let all: Vec<Ticket> = ada.all_pages(&format!("/api/tickets?{query}")).await;
        let page: Page<Ticket> = ada.read(&format!("/api/tickets?{query}&page=1")).await;
        assert_eq!(page.total, Some(all.len() as u64), "{query}");
    }
}

#[tokio::test]
async fn a_search_matching_more_than_is_counted_says_at_least_and_still_pages_on() {
    // Daily use: a search's total is counted, so up to a bound; past it the page
    // says "at least", and a deeper page counts far enough for its Next.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let line = channel_id(&ada, "Support line").await;
    let many = COUNTED_UP_TO as usize + 60;
    let mut tx = app.store.begin().await.unwrap();
    let rows: Vec<_> = (0..many)
        .map(|i| {
            (
                store::NewConversation {
                    original_channel_id: line,
                    current_channel_id: line,
                    status: "open",
                    owner_id: None,
                    started_at: 1_700_000_000_000 + i as i64,
                    workspace: Workspace::Inbox,
                    contact: "Quillon Verbeek".into(),
                    subject: format!("Bulk {i}"),
                },
                None,
            )
        })
        .collect();
    let pipeline = app
        .store
        .pipeline(deskmove_rules::AccountId::of(1))
        .await
        .unwrap()
        .unwrap()
        .id;
    store::insert_conversations(&mut tx, deskmove_rules::AccountId::of(1), pipeline, &rows)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let first: Page<Conversation> = ada.read("/api/conversations?q=quillon&page=1").await;
    assert_eq!(first.total, Some(COUNTED_UP_TO));
    assert!(first.total_at_least);
    let last_counted = COUNTED_UP_TO as u32 / 50;
    for page in [last_counted, last_counted + 1] {
        let deep: Page<Conversation> = ada
            .read(&format!("/api/conversations?q=quillon&page={page}"))
            .await;
        assert!(
            deep.total.unwrap() > u64::from(page) * 50,
            "a Next beyond {page}"
        );
        assert_eq!(deep.items.len(), 50);
    }
    let end: Page<Conversation> = ada
        .read(&format!(
            "/api/conversations?q=quillon&page={}",
            last_counted + 2
        ))
        .await;
    assert_eq!(
        end.total,
        Some(many as u64),
        "exact once the count reaches the end"
    );
    assert!(!end.total_at_least);
    assert_eq!(end.items.len(), 10);
    // Without a search, the kept totals are exact at any size.
    let all: Page<Conversation> = ada
        .read(&format!("/api/conversations?channel_id={line}&page=1"))
        .await;
    assert!(all.total.unwrap() > many as u64);
    assert!(!all.total_at_least);
}
