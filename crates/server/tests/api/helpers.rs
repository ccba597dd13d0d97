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
