//! R33, R8 in the browser: a ticket's first reply against its SLA reads met,
//! answered late, overdue (in red, with how late) or due in.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::{mount_in, settle};
use deskmove::components::sla::FirstReplyDue;
use deskmove::i18n::Locale;
use deskmove_rules::{ChannelId, ConversationId, PipelineId, SlaDue, StatusId, Ticket, TicketId};
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn ticket(replied_after: Option<i64>) -> Ticket {
    let due = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap();
    Ticket {
        id: TicketId::of(1),
        conversation_id: ConversationId::of(1),
        pipeline_id: PipelineId::of(1),
        status_id: StatusId::of(1),
        owner_id: None,
        created_at: due - Duration::hours(4),
        sla: Some(SlaDue {
            first_reply_due: due,
            close_due: due + Duration::hours(44),
        }),
        first_replied_at: replied_after.map(|m| due + Duration::minutes(m)),
        contact: "kari@example.com".into(),
        subject: "Saddle".into(),
        channel_id: ChannelId::of(1),
    }
}

async fn says(t: Ticket, open: bool, minutes_after_due: i64) -> (String, bool) {
    let now = t.sla.unwrap().first_reply_due + Duration::minutes(minutes_after_due);
    let m = mount_in(Locale::en, move || {
        view! { <FirstReplyDue ticket=t open=open now=now/> }.into_any()
    });
    settle().await;
    let late = m.find(".overdue").is_some();
    (m.text("span"), late)
}

#[wasm_bindgen_test]
async fn a_first_reply_is_met_late_overdue_or_due() {
    // R33, R8
    let (text, late) = says(ticket(Some(-30)), true, 60).await;
    assert!(text.ends_with("Met"), "{text}");
    assert!(!late);
    let (text, late) = says(ticket(Some(90)), true, 120).await;
    assert!(text.ends_with("Answered 1 h 30 min late"), "{text}");
    assert!(late);
    let (text, late) = says(ticket(None), true, 125).await;
    assert!(text.ends_with("Overdue by 2 h 5 min"), "{text}");
    assert!(late);
    let (text, late) = says(ticket(None), true, -60).await;
    assert!(text.ends_with("due in 1 h"), "{text}");
    assert!(!late);
    let (_, late) = says(ticket(None), false, 125).await;
    assert!(!late, "a closed ticket is not overdue");
}
