//! A channel's history as a stretch of ids (R19): where it ends, and how much is left.

use deskmove_rules::ChannelId;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, Row};

use super::StoreResult;

pub(crate) async fn max_conversation_id(conn: &mut AnyConnection) -> StoreResult<i64> {
    Ok(
        sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM conversations")
            .fetch_one(&mut *conn)
            .await?
            .try_get("m")?,
    )
}

pub(crate) async fn last_move_of(conn: &mut AnyConnection, channel: ChannelId) -> StoreResult<i64> {
    Ok(
        sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM moves WHERE channel_id = $1")
            .bind(channel.get())
            .fetch_one(&mut *conn)
            .await?
            .try_get("m")?,
    )
}

/// The channel's history (R19: by original channel, still in the inbox) with ids in
/// `after..=upto`.
pub(crate) async fn history_between(
    conn: &mut AnyConnection,
    channel: ChannelId,
    after: i64,
    upto: i64,
) -> StoreResult<i64> {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM conversations WHERE {}",
        Stretch::condition("", 1)
    );
    let stretch = Stretch {
        channel,
        after,
        upto,
    };
    Ok(stretch
        .bind(sqlx::query(&sql))
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?)
}

/// A stretch of one channel's history: its conversations still in the inbox by
/// original channel (R19) with ids in `after..=upto`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Stretch {
    pub(super) channel: ChannelId,
    pub(super) after: i64,
    pub(super) upto: i64,
}

impl Stretch {
    /// The stretch as a condition on `conversations` (its columns named with
    /// `prefix`, "" or "c."), on the three parameters from `$first`; bind them
    /// after the others, with [`Stretch::bind`].
    pub(super) fn condition(prefix: &str, first: usize) -> String {
        format!(
            "{prefix}original_channel_id = ${first} AND {prefix}workspace = 'inbox' \
             AND {prefix}id > ${} AND {prefix}id <= ${}",
            first + 1,
            first + 2
        )
    }

    pub(super) fn bind<'q>(
        self,
        q: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        q.bind(self.channel.get()).bind(self.after).bind(self.upto)
    }
}
