//! Moves over the API, split by behaviour.

mod activity;
mod arrivals;
mod engine;
mod lease;
mod progress;
mod report;
mod sample;
mod schedule;
mod start;

use deskmove_rules::{Conversation, Preview};

use crate::helpers::{channel_id, Session};

pub(super) async fn preview(s: &Session, channel: &str) -> Preview {
    let id = channel_id(s, channel).await;
    serde_json::from_value(
        s.get_json(&format!("/api/channels/{id}/move-preview"))
            .await,
    )
    .unwrap()
}

pub(super) async fn history(s: &Session, channel: &str) -> Vec<Conversation> {
    let id = channel_id(s, channel).await;
    s.all_pages(&format!("/api/conversations?original_channel_id={id}"))
        .await
}
