//! How the servers on one PostgreSQL database tell each other what changed.

use deskmove_rules::{AccountId, ChannelId, MessageId, MoveId};
use sqlx::AnyConnection;

use super::StoreResult;

/// What changed, for the event streams of every server on one PostgreSQL database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Announcement {
    Move(MoveId),
    Channel(AccountId, ChannelId),
    /// A message added or changed (R33).
    Thread(AccountId, MessageId),
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
            Announcement::Thread(account, message) => {
                format!("thread {} {}", account.get(), message.get())
            }
        }
    }

    /// What a payload announces; `None` for anything else. Any database role can
    /// NOTIFY on the channel, so nothing here may panic: ids must be positive,
    /// and nothing may follow them.
    pub fn parse(payload: &str) -> Option<Announcement> {
        let mut words = payload.split(' ');
        let kind = words.next()?;
        let mut number = || words.next()?.parse::<i64>().ok();
        let heard = match kind {
            "move" => Announcement::Move(MoveId::new(number()?)?),
            "channel" => {
                Announcement::Channel(AccountId::new(number()?)?, ChannelId::new(number()?)?)
            }
            "thread" => {
                Announcement::Thread(AccountId::new(number()?)?, MessageId::new(number()?)?)
            }
            _ => return None,
        };
        words.next().is_none().then_some(heard)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_5_a_malformed_payload_is_none_and_never_panics() {
        // Issue 30, finding 5: `NOTIFY deskmove_events, 'move 0'` panicked the
        // listener, and that server's event streams went deaf.
        for payload in [
            "move 0",
            "move -3",
            "move",
            "move x",
            "move 1 2",
            "channel 0 1",
            "channel 1 0",
            "channel 1",
            "channel 1 2 3",
            "thread 1",
            "thread 0 1",
            "thread 1 2 3",
            "move 99999999999999999999",
            "",
            " ",
            "stop",
            "move\u{0}1",
        ] {
            assert_eq!(Announcement::parse(payload), None, "{payload:?}");
        }
        for a in [
            Announcement::Move(MoveId::of(7)),
            Announcement::Channel(AccountId::of(1), ChannelId::of(2)),
            Announcement::Thread(AccountId::of(1), MessageId::of(3)),
        ] {
            assert_eq!(Announcement::parse(&a.payload()), Some(a));
        }
    }
}
