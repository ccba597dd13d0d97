//! The JSON shapes of API.md, and codes that round-trip through their names.

use super::*;
use chrono::{TimeZone, Utc};
use serde_json::json;

#[test]
fn a_channel_has_the_json_shape_of_the_api() {
    let c = Channel {
        id: ChannelId::of(1),
        inbox_id: Some(InboxId::of(2)),
        kind: ChannelKind::FallbackEmail,
        name: "Fallback address".into(),
        address: "fallback@inbox.demo.test".into(),
        workspace: Workspace::HelpDesk,
        settings: ChannelSettings::default(),
        movable: Movability::from_blockers(vec![Blocker::new(
            BlockerCode::FallbackAddress,
            crate::Said::FallbackAddress,
        )]),
        form_key: None,
    };
    assert_eq!(
        serde_json::to_value(&c).unwrap(),
        json!({"id":"1","inbox_id":"2","kind":"fallback_email","name":"Fallback address",
            "address":"fallback@inbox.demo.test","workspace":"help_desk",
            "settings":{"signature":null,"routing":{"mode":"none"},"automation":true,
                "ticket_status_id":null},
            "movable":{"ok":false,"reasons":[{"code":"fallback_address",
                "message":"The inbox's fallback email address can't be moved to help desk.",
                "said":{"say":"fallback_address"}}]}})
    );
}

#[test]
fn a_move_has_the_json_shape_of_the_api() {
    let m = Move {
        id: MoveId::of(9),
        channel_id: ChannelId::of(1),
        requested_by: UserId::of(3),
        history: MoveHistory::All {
            open_status_id: StatusId::of(1),
            closed_status_id: StatusId::of(4),
        },
        mute_notifications: true,
        state: MoveState::Running,
        total: 10,
        moved: 4,
        tickets_created: 3,
        unassigned: 1,
        arrived: 2,
        started_at: Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap(),
        finished_at: None,
        eta_seconds: Some(7),
        paused_reason: None,
        start_at: None,
        failed_reason: None,
        failure: Vec::new(),
        reported: true,
        sla_policy: None,
    };
    let v = serde_json::to_value(&m).unwrap();
    assert!(v.get("start_at").is_none() && v.get("failure").is_none());
    assert_eq!(
        v["history"],
        json!({"mode":"all","open_status_id":"1","closed_status_id":"4"})
    );
    assert_eq!(v["state"], "running");
    assert_eq!(v["started_at"], "2026-11-22T08:00:00Z");
    assert_eq!(v["finished_at"], serde_json::Value::Null);
    assert_eq!(serde_json::from_value::<Move>(v).unwrap(), m);
    // R24: a scheduled move says when it starts.
    let scheduled = Move {
        state: MoveState::Scheduled,
        start_at: Some(Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()),
        ..m.clone()
    };
    let v = serde_json::to_value(&scheduled).unwrap();
    assert_eq!(
        (&v["state"], &v["start_at"]),
        (&json!("scheduled"), &json!("2026-11-23T02:00:00Z"))
    );
    assert!(MoveState::Scheduled.is_active() && MoveState::Running.is_active());
    assert!(!MoveState::Canceled.is_active() && !MoveState::Failed.is_active());
    assert_eq!(
        serde_json::to_value(HistoryChoice::None).unwrap(),
        json!({"mode":"none"})
    );
}

#[test]
fn codes_round_trip_through_their_names() {
    for k in ChannelKind::ALL {
        assert_eq!(ChannelKind::parse(k.as_str()), Some(k));
        assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
    }
    for r in [Role::SuperAdmin, Role::Agent] {
        assert_eq!(Role::parse(r.as_str()), Some(r));
    }
    for w in [Workspace::Inbox, Workspace::HelpDesk] {
        assert_eq!(Workspace::parse(w.as_str()), Some(w));
    }
    for s in [MoveState::Running, MoveState::Completed, MoveState::Failed] {
        assert_eq!(MoveState::parse(s.as_str()), Some(s));
    }
    assert_eq!(ChannelKind::parse("fax"), None);
    assert_eq!(
        serde_json::to_value(crate::ErrorBody {
            error: crate::ApiError::new(crate::ErrorCode::MoveInProgress, "busy"),
            request_id: None,
        })
        .unwrap(),
        json!({"error":{"code":"move_in_progress","message":"busy"}})
    );
    assert_eq!(crate::ErrorCode::MoveInProgress.http_status(), 409);
    assert_eq!(crate::ErrorCode::Csrf.http_status(), 403);
}

#[test]
fn an_identifier_address_reads_as_words_and_the_dialog_names_the_channel() {
    // Daily use: "contact-form" showed where a person reads a name.
    let channel =
        |kind, name: &str, address: &str| crate::fixtures::channel(1, Some(1), kind, name, address);
    let form = channel(ChannelKind::Form, "Contact us form", "contact-form");
    assert_eq!(form.address_in_words(), "Contact form");
    assert_eq!(form.reached_at(), "Contact us form");
    let page = channel(ChannelKind::Messenger, "Facebook Messenger", "demo_co");
    assert_eq!(page.address_in_words(), "Demo co");
    let email = channel(ChannelKind::Email, "Support email", "support@demo.test");
    assert_eq!(email.address_in_words(), "support@demo.test");
    assert_eq!(email.reached_at(), "support@demo.test");
    let line = channel(ChannelKind::Calling, "Support line", "+1 555 0100");
    assert_eq!(line.reached_at(), "+1 555 0100");
    let odd = channel(ChannelKind::Chat, "Website chat", "--");
    assert_eq!(odd.address_in_words(), "Website chat");
}
