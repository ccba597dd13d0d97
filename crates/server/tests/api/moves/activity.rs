//! R24: a channel's arrivals by hour over the last 28 days, its quietest hour, and
//! the busy warning naming it.

use chrono::{Duration, DurationRound, Timelike, Utc};
use deskmove_rules::{Preview, WarningCode};
use serde_json::json;

use crate::helpers::{channel_id, client, spawn_app_with, INGEST_TOKEN};

#[tokio::test]
async fn the_preview_counts_arrivals_by_hour_and_names_the_quietest() {
    // R24, R5
    let app = spawn_app_with(|s| s.demo_conversations = 0).await;
    let ada = app.sign_in("ada@demo.test").await;
    let id = channel_id(&ada, "Support email").await;
    let now = Utc::now();
    let quiet = (now.hour() + 12) % 24;
    let busy = (now.hour() + 6) % 24;
    let day = now.duration_trunc(Duration::days(1)).unwrap();
    let arrive = |at: chrono::DateTime<Utc>| {
        let url = app.url(&format!("/api/ingest/channels/{id}/conversations"));
        async move {
            let mut body = json!({"contact": "Someone", "subject": "Hello", "body": "hi"});
            body["started_at"] = json!(at.to_rfc3339());
            let res = client()
                .post(url)
                .bearer_auth(INGEST_TOKEN)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert!(res.status().is_success(), "{}", res.status());
        }
    };
    // One arrival in every hour but the quiet one, three days ago; 28 more in
    // the busy hour over 28 days; one in the quiet hour 30 days ago, outside the window.
    for h in (0..24).filter(|h| *h != quiet) {
        arrive(day - Duration::days(3) + Duration::hours(i64::from(h))).await;
    }
    for d in 1..=27 {
        arrive(day - Duration::days(d) + Duration::hours(i64::from(busy)) + Duration::minutes(5))
            .await;
    }
    arrive(day - Duration::days(30) + Duration::hours(i64::from(quiet))).await;
    // And 21 in the last hour: busy now.
    for _ in 0..21 {
        arrive(now - Duration::minutes(10)).await;
    }
    let p: Preview = serde_json::from_value(
        ada.get_json(&format!("/api/channels/{id}/move-preview"))
            .await,
    )
    .unwrap();
    let a = &p.activity;
    assert_eq!(a.by_hour.len(), 24);
    assert_eq!(a.quietest_hour as u32, quiet);
    assert_eq!(
        a.by_hour[quiet as usize], 0.0,
        "the arrival of 30 days ago is outside"
    );
    assert_eq!(
        a.by_hour[busy as usize],
        28.0 / 28.0,
        "1 + 27 in the busy hour, a day's mean"
    );
    assert_eq!(a.last_hour, 21);
    let warning = p
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::BusyChannel)
        .expect("busy");
    assert!(
        warning
            .message
            .ends_with(&format!("It is quietest around {quiet:02}:00 UTC.")),
        "{}",
        warning.message
    );
}
