//! R26: every move keeps a report of what it did to each conversation it moved,
//! history and arrivals, paged with filters and as a streamed CSV.

use std::collections::{HashMap, HashSet};

use deskmove_rules::{
    Conversation, ConversationId, ErrorCode, ItemOutcome, MoveItem, Page, Ticket, TicketFate,
    TicketId, UnassignedReason,
};
use reqwest::StatusCode;
use serde_json::json;

use super::history;
use crate::helpers::{client, error_of, move_all, spawn_app_with, TestApp, INGEST_TOKEN};

/// A conversation arriving with the subject given.
async fn arrive(app: &TestApp, channel: impl std::fmt::Display, contact: &str, subject: &str) {
    let res = client()
        .post(app.url(&format!("/api/ingest/channels/{channel}/conversations")))
        .bearer_auth(INGEST_TOKEN)
        .json(&json!({"contact": contact, "subject": subject, "body": "Hello"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_report_holds_every_moved_conversation_as_the_move_left_it() {
    // R26, R10, R11, R7, R18, I1
    let app = std::sync::Arc::new(
        spawn_app_with(|s| {
            s.demo_conversations = 600;
            s.move_batch = 10;
            s.move_pause_ms = 20;
        })
        .await,
    );
    let ada = app.sign_in("ada@demo.test").await;
    let email = ada.channel_id("Support email").await;
    let before: HashMap<ConversationId, Option<TicketId>> = history(&ada, "Support email")
        .await
        .into_iter()
        .map(|c| (c.id, c.ticket_id))
        .collect();
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    // Held running while the arrivals come, however slow the machine.
    deskmove_testkit::hold(&app.store, m.id).await;
    let mut arrivals = HashSet::new();
    for i in 0..12 {
        arrivals.insert(app.ingest(email, &format!("Arrival {i}")).await.id);
    }
    deskmove_testkit::let_go(&app.store, m.id).await;
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!(done.arrived, 12, "the arrivals came while it ran");

    let report: Vec<MoveItem> = ada.all_pages(&format!("/api/moves/{}/items", m.id)).await;
    assert_eq!(report.len() as u64, done.moved + done.arrived);
    assert!(
        report
            .windows(2)
            .all(|w| w[0].conversation_id < w[1].conversation_id),
        "in conversation order, each once"
    );
    let mut kinds = HashSet::new();
    for item in &report {
        let c: Conversation = ada
            .read(&format!("/api/conversations/{}", item.conversation_id))
            .await;
        assert_eq!(
            c.ticket_id,
            Some(item.ticket_id),
            "I1: the conversation's ticket"
        );
        assert_eq!(c.original_channel_id, item.original_channel_id);
        assert_eq!(
            (c.contact.as_str(), c.subject.as_str()),
            (item.contact.as_str(), item.subject.as_str())
        );
        let t: Ticket = ada.read(&format!("/api/tickets/{}", item.ticket_id)).await;
        assert_eq!((t.status_id, t.owner_id), (item.status_id, item.owner_id));
        assert_eq!(item.owner_id.is_none(), item.unassigned_reason.is_some());
        if item.arrived {
            assert!(arrivals.contains(&item.conversation_id));
            assert_eq!(
                item.ticket,
                TicketFate::Created,
                "R7: an arrival gets a ticket"
            );
        } else {
            let was = before[&item.conversation_id];
            match item.ticket {
                TicketFate::Kept => assert_eq!(was, Some(item.ticket_id), "R10: the same ticket"),
                TicketFate::Created => assert_eq!(was, None, "R11: it had none"),
            }
        }
        kinds.insert((item.ticket, item.arrived, item.unassigned_reason));
    }
    assert_eq!(
        report.iter().filter(|i| !i.arrived).count(),
        before.len(),
        "every conversation of the history"
    );
    assert_eq!(
        report
            .iter()
            .filter(|i| i.ticket == TicketFate::Created && !i.arrived)
            .count() as u64,
        done.tickets_created
    );
    for seen in [
        (TicketFate::Kept, false, None),
        (TicketFate::Created, false, None),
        (
            TicketFate::Created,
            false,
            Some(UnassignedReason::OwnerWithoutAccess),
        ),
        (TicketFate::Created, false, Some(UnassignedReason::NoOwner)),
    ] {
        assert!(kinds.contains(&seen), "the demo shows {seen:?}");
    }

    // Each filter is exactly its part of the report, paged with small pages.
    for outcome in ItemOutcome::ALL {
        let filtered: Vec<MoveItem> = {
            let mut out = Vec::new();
            let mut cursor = String::new();
            loop {
                let page: Page<MoveItem> = ada
                    .read(&format!(
                        "/api/moves/{}/items?outcome={}&limit=7&cursor={cursor}",
                        m.id,
                        outcome.as_str()
                    ))
                    .await;
                assert!(page.items.len() <= 7);
                out.extend(page.items);
                match page.next_cursor {
                    Some(c) => cursor = c,
                    None => break out,
                }
            }
        };
        let want: Vec<&MoveItem> = report
            .iter()
            .filter(|i| match outcome {
                ItemOutcome::Created => i.ticket == TicketFate::Created,
                ItemOutcome::Kept => i.ticket == TicketFate::Kept,
                ItemOutcome::Arrived => i.arrived,
                ItemOutcome::Unassigned => i.unassigned_reason.is_some(),
            })
            .collect();
        assert!(!want.is_empty(), "{outcome:?}");
        assert_eq!(filtered.iter().collect::<Vec<_>>(), want, "{outcome:?}");
    }
}

#[tokio::test]
async fn the_csv_streams_the_whole_report_with_a_header_and_no_formulas() {
    // R26
    let app = spawn_app_with(|s| s.demo_conversations = 8000).await;
    let ada = app.sign_in("ada@demo.test").await;
    let email = ada.channel_id("Support email").await;
    arrive(
        &app,
        email,
        "=HYPERLINK(\"http://evil.test\",\"Click\")",
        "Invoice, \"final\"\nsecond line",
    )
    .await;
    arrive(&app, email, "Åse Ærlig", "-2+3").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    let done = ada.wait_for_move(&m.id).await;
    let items: Vec<MoveItem> = ada.all_pages(&format!("/api/moves/{}/items", m.id)).await;
    assert!(
        items.len() > 2_000,
        "more rows than one page the stream reads"
    );

    let res = ada.get(&format!("/api/moves/{}/report.csv", m.id)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let header = |h: &str| res.headers()[h].to_str().unwrap().to_string();
    assert!(header("content-type").starts_with("text/csv; charset=utf-8"));
    assert_eq!(
        header("content-disposition"),
        format!("attachment; filename=\"deskmove-move-{}-report.csv\"", m.id)
    );
    let body = res.bytes().await.unwrap();
    let text = std::str::from_utf8(&body).expect("UTF-8");
    assert!(text.starts_with("conversation_id,contact,subject,original_channel_id,original_channel,ticket_id,ticket,arrived,status_id,status,owner_id,owner,unassigned_reason\r\n"));
    assert!(text.ends_with("\r\n"), "RFC 4180: CRLF after every record");
    let mut rows = csv::ReaderBuilder::new().from_reader(body.as_ref());
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), items.len());
    assert_eq!(records.len() as u64, done.moved);
    for (r, i) in records.iter().zip(&items) {
        assert_eq!(r[0], i.conversation_id.to_string());
        assert_eq!(r[5], i.ticket_id.to_string());
        assert_eq!(&r[6], i.ticket.as_str());
        assert_eq!(r[8], i.status_id.to_string());
        assert_eq!(
            &r[12],
            i.unassigned_reason.map(|u| u.as_str()).unwrap_or("")
        );
        assert_eq!(&r[4], "Support email");
    }
    let row_of = |contact: &str| {
        records
            .iter()
            .find(|r| r[1].contains(contact))
            .unwrap_or_else(|| panic!("{contact} is in the CSV"))
            .clone()
    };
    let evil = row_of("HYPERLINK");
    assert_eq!(
        &evil[1], "'=HYPERLINK(\"http://evil.test\",\"Click\")",
        "never a formula"
    );
    assert_eq!(
        &evil[2], "Invoice, \"final\"\nsecond line",
        "quoted as RFC 4180 says"
    );
    let nordic = row_of("Åse");
    assert_eq!((&nordic[1], &nordic[2]), ("Åse Ærlig", "'-2+3"));
}

#[tokio::test]
async fn only_a_super_admin_reads_a_report_and_bad_queries_change_nothing() {
    // R26, R1, I5
    let app = spawn_app_with(|s| s.demo_conversations = 100).await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&m.id).await;
    let sam = app.sign_in("sam@demo.test").await;
    for path in [
        format!("/api/moves/{}/items", m.id),
        format!("/api/moves/{}/report.csv", m.id),
    ] {
        let (status, code, _) = error_of(sam.get(&path).await).await;
        assert_eq!(
            (status, code),
            (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            "{path}"
        );
        let anonymous = client().get(app.url(&path)).send().await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    for path in ["/api/moves/999999/items", "/api/moves/999999/report.csv"] {
        let (status, code, _) = error_of(ada.get(path).await).await;
        assert_eq!(
            (status, code),
            (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            "{path}"
        );
    }
    let before = app.fingerprint().await;
    for query in [
        "outcome=lost",
        "limit=0",
        "limit=501",
        "cursor=nonsense",
        "limit=ten",
    ] {
        let res = ada.get(&format!("/api/moves/{}/items?{query}", m.id)).await;
        let (status, code, message) = error_of(res).await;
        assert_eq!(
            (status, code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest),
            "{query}: {message}"
        );
    }
    assert_eq!(app.fingerprint().await, before, "I5");
    // A move that moved no history and had no arrivals has an empty report.
    let none = ada
        .start_move(json!({
            "channel_id": ada.channel_id("Sales email").await.to_string(),
            "history": {"mode": "none"},
        }))
        .await;
    ada.wait_for_move(&none.id).await;
    let page: Page<MoveItem> = ada.read(&format!("/api/moves/{}/items", none.id)).await;
    assert_eq!((page.items.len(), page.next_cursor), (0, None));
    let csv = ada
        .get(&format!("/api/moves/{}/report.csv", none.id))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 1, "the header alone: {csv}");
}

#[tokio::test]
async fn finding_2_a_super_admin_without_help_desk_access_reads_no_report() {
    // Issue 30, finding 2; R23, R26: every row of a report is a help desk
    // conversation and ticket, which a person without help desk access may not see.
    let app = spawn_app_with(|s| s.demo_conversations = 100).await;
    let ada = app.sign_in("ada@demo.test").await;
    let m = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&m.id).await;
    // Lee is a super admin; take his help desk access (the people settings will).
    sqlx::query("UPDATE users SET help_desk_access = 0 WHERE email = 'lee@demo.test'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let lee = app.sign_in("lee@demo.test").await;
    for path in [
        format!("/api/moves/{}/items", m.id),
        format!("/api/moves/{}/items?outcome=arrived", m.id),
        format!("/api/moves/{}/report.csv", m.id),
    ] {
        let res = lee.get(&path).await;
        let (status, code, message) = error_of(res).await;
        assert_eq!(
            (status, code),
            (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            "{path}"
        );
        assert!(message.contains("help desk access"), "{message}");
    }
    // The move itself (counts, no conversation) stays readable, as in Move history.
    assert_eq!(
        lee.get(&format!("/api/moves/{}", m.id)).await.status(),
        StatusCode::OK
    );
    // With access, the same super admin reads it.
    assert_eq!(
        ada.get(&format!("/api/moves/{}/report.csv", m.id))
            .await
            .status(),
        StatusCode::OK
    );
}
