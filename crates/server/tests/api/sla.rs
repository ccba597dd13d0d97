//! R31: the account's SLA policy over the API: read by everyone, set by super
//! admins, checked by the rules crate (the same sentence as the browser's), and
//! counted in business hours on the tickets that arrive after it.

use deskmove_rules::sla::{due_after, SlaHours};
use deskmove_rules::{ErrorCode, Preview, SlaPolicy, Ticket, WarningCode};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{error_of, move_all, spawn_app, Session};

fn business() -> Value {
    json!({
        "name": "Office hours",
        "first_reply_seconds": 4 * 3600,
        "close_seconds": 48 * 3600,
        "hours": {"mode": "business", "time_zone": "Europe/Oslo", "spans": [
            {"day": "mon", "from": "08:00", "to": "16:00"},
            {"day": "tue", "from": "08:00", "to": "16:00"},
            {"day": "wed", "from": "08:00", "to": "16:00"},
            {"day": "thu", "from": "08:00", "to": "16:00"},
            {"day": "fri", "from": "08:00", "to": "16:00"},
        ]},
    })
}

async fn warnings(s: &Session, channel: &str) -> Vec<WarningCode> {
    let id = s.channel_id(channel).await;
    let p: Preview = s.read(&format!("/api/channels/{id}/move-preview")).await;
    p.warnings.iter().map(|w| w.code).collect()
}

#[tokio::test]
async fn super_admins_set_business_hours_and_new_tickets_count_in_them() {
    // R31, R8, R13
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let sam = app.sign_in("sam@demo.test").await;
    let standard: Option<SlaPolicy> = sam.read("/api/sla-policy").await;
    let standard = standard.expect("the demo's Standard policy");
    assert_eq!(standard.hours, SlaHours::Always);
    let res = sam
        .send(reqwest::Method::PUT, "/api/sla-policy", business())
        .await;
    assert_eq!(error_of(res).await.1, ErrorCode::Forbidden);

    // Refused whole, each field named; nothing changes.
    let before = app.fingerprint().await;
    let mut wrong = business();
    wrong["first_reply_seconds"] = json!(0);
    wrong["hours"]["time_zone"] = json!("Europe/Olso");
    wrong["hours"]["spans"][0]["to"] = json!("07:00");
    let res = ada
        .send(reqwest::Method::PUT, "/api/sla-policy", wrong)
        .await;
    let (status, code, message) = error_of(res).await;
    assert_eq!(
        (status, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest)
    );
    for said in [
        "first_reply_seconds: A target is more than zero",
        "time_zone: “Europe/Olso” is not a time zone",
        "spans: Monday 08:00–07:00 ends before it starts",
    ] {
        assert!(message.contains(said), "{said} in {message}");
    }
    let mut empty = business();
    empty["hours"]["spans"] = json!([]);
    let res = ada
        .send(reqwest::Method::PUT, "/api/sla-policy", empty)
        .await;
    assert!(error_of(res)
        .await
        .2
        .contains("spans: Give at least one span"));
    assert_eq!(app.fingerprint().await, before);

    let res = ada
        .send(reqwest::Method::PUT, "/api/sla-policy", business())
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let set: SlaPolicy = res.json().await.unwrap();
    assert_eq!(set.name, "Office hours");
    let read: Option<SlaPolicy> = sam.read("/api/sla-policy").await;
    assert_eq!(read.as_ref(), Some(&set));

    // A conversation arriving in a channel in help desk: its ticket is due in
    // business hours from its creation.
    let moved = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&moved.id).await;
    let arrived = app
        .ingest(ada.channel_id("Support email").await, "dana@example.com")
        .await;
    let ticket_id = arrived.ticket_id.expect("a ticket for the arrival (R7)");
    let ticket: Ticket = ada.read(&format!("/api/tickets/{ticket_id}")).await;
    let due = ticket.sla.expect("an SLA");
    assert_eq!(
        Some(due.first_reply_due),
        due_after(&set.hours, ticket.created_at, 4 * 3600)
    );
    assert_eq!(
        Some(due.close_due),
        due_after(&set.hours, ticket.created_at, 48 * 3600)
    );

    // Removed, R5's warning is back.
    assert!(!warnings(&ada, "Sales email")
        .await
        .contains(&WarningCode::NoSlaPolicy));
    let res = ada.delete("/api/sla-policy").await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let none: Option<SlaPolicy> = ada.read("/api/sla-policy").await;
    assert_eq!(none, None);
    assert!(warnings(&ada, "Sales email")
        .await
        .contains(&WarningCode::NoSlaPolicy));
}

#[tokio::test]
async fn a_move_fixes_the_policy_at_its_start_and_counts_its_history_in_business_hours() {
    // R31, R13, R11, R10: scheduled under one policy, started under business
    // hours; every ticket it made, and every kept one that had no due times, is
    // due as the rules count it; a later change leaves the move's policy be.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let mut body = move_all(&ada, "Support email").await;
    body["start_at"] = json!((chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339());
    let m = ada.start_move(body).await;
    assert_eq!(m.sla_policy, None, "fixed only when it starts");
    let res = ada
        .send(reqwest::Method::PUT, "/api/sla-policy", business())
        .await;
    let office: SlaPolicy = res.json().await.unwrap();
    deskmove_testkit::make_due(&app.store, m.id).await;
    let done = ada.wait_for_move(&m.id).await;
    assert_eq!(done.sla_policy.as_ref(), Some(&office));
    let channel = ada.channel_id("Support email").await;
    let tickets: Vec<Ticket> = ada
        .all_pages(&format!(
            "/api/tickets?workspace=help_desk&channel_id={channel}"
        ))
        .await;
    assert!(tickets.len() > 10, "{}", tickets.len());
    for t in &tickets {
        let due = t.sla.as_ref().expect("every moved ticket has due times");
        assert_eq!(
            Some(due.first_reply_due),
            due_after(&office.hours, t.created_at, 4 * 3600),
            "ticket {}",
            t.id
        );
        assert_eq!(
            Some(due.close_due),
            due_after(&office.hours, t.created_at, 48 * 3600)
        );
    }
    // The account's policy changes; the move's stays as it started.
    let mut later = business();
    later["name"] = json!("Later");
    let res = ada
        .send(reqwest::Method::PUT, "/api/sla-policy", later)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let after: deskmove_rules::Move = ada.read(&format!("/api/moves/{}", m.id)).await;
    assert_eq!(
        after.sla_policy.map(|p| p.name).as_deref(),
        Some("Office hours")
    );
    assert!(app.store.check().await.unwrap().is_empty());
}
