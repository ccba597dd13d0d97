//! How the servers on one PostgreSQL database tell each other what changed.

use deskmove_rules::{AccountId, ChannelId, MoveId};
use sqlx::AnyConnection;

use super::StoreResult;

/// What changed, for the event streams of every server on one PostgreSQL database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Announcement {
    Move(MoveId),
    Channel(AccountId, ChannelId),
}

/// The PostgreSQL channel the servers of one database hear each other on.
pub const ANNOUNCEMENTS: &str = "deskmove_events";

impl Announcement {
    pub fn payload(self) -> String {
        match self {
            Announcement::Move(id) => format!("move {}", id.get()),
            Announcement::Channel(account, channel) => {
                format!("channel {} {}", account.get(), channel.get())
            }
        }
    }

    pub fn parse(payload: &str) -> Option<Announcement> {
        let mut words = payload.split(' ');
        let kind = words.next()?;
        let mut number = || words.next()?.parse::<i64>().ok();
        match kind {
            "move" => Some(Announcement::Move(MoveId::of(number()?))),
            "channel" => Some(Announcement::Channel(
                AccountId::of(number()?),
                ChannelId::of(number()?),
            )),
            _ => None,
        }
    }
}

/// On PostgreSQL, tells every server's listener of `what` when (and only if) the
/// transaction commits; on SQLite, one server's own file, nothing to do: its engine
/// publishes to its own streams.
pub(crate) async fn announce(conn: &mut AnyConnection, what: Announcement) -> StoreResult<()> {
    if conn.backend_name() != "SQLite" {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(ANNOUNCEMENTS)
            .bind(what.payload())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
