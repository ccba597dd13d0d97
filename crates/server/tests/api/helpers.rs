//! The shared test kit, plus the demo's names as these tests use them.

pub use deskmove_testkit::*;

use deskmove_rules::{ChannelId, StatusId};
use serde_json::Value;

/// The demo's channel ids by name.
pub async fn channel_id(s: &Session, name: &str) -> ChannelId {
    s.channel_id(name).await
}

/// The demo pipeline's status ids by label.
pub async fn status_id(s: &Session, label: &str) -> StatusId {
    s.status_id(label).await
}

/// "All conversations" with Waiting on us / Closed: the demo's walk-through.
pub async fn move_all(s: &Session, channel: &str) -> Value {
    s.move_all(channel).await
}

/// A company set up without the demo (R28), its first super admin signed in.
pub async fn set_up_company() -> (TestApp, Session) {
    let app = spawn_app_with(|s| {
        s.demo = false;
        s.setup_token = Some("the-set-up-token-of-a-company".into());
        // PostgreSQL's servers must share one; the suite runs there too.
        s.ingest_token = Some(INGEST_TOKEN.into());
    })
    .await;
    let browser = client();
    let res = browser
        .post(app.url("/api/setup"))
        .json(&serde_json::json!({
            "token": "the-set-up-token-of-a-company", "account_name": "Fjord Bikes",
            "name": "Ingrid Admin", "email": "ingrid@fjordbikes.example",
            "password": "correct horse battery",
        }))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(res.status(), reqwest::StatusCode::CREATED, "set up");
    let me = res.json().await.expect("a Me");
    let base = app.base.clone();
    (
        app,
        Session {
            client: browser,
            me,
            base,
        },
    )
}
