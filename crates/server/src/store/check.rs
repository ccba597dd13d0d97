//! Verifies the invariants I1–I3, that each move's report (R26) holds what it
//! moved, that help desk tickets are owned only by people who work there (R29),
//! that every received message is there once under its Message-ID (R32),
//! and that the lists' kept totals match their rows, on a whole database: what
//! `deskmove-server check` reports.

use sqlx::Row;

use super::{Store, StoreResult};

/// One broken invariant, with how many rows break it and an example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub invariant: &'static str,
    pub what: String,
    pub count: i64,
    pub example: Option<i64>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ({} rows", self.invariant, self.what, self.count)?;
        if let Some(e) = self.example {
            write!(f, ", e.g. id {e}")?;
        }
        write!(f, ")")
    }
}

/// (invariant, what it means, SQL answering `n` and `example`)
const CHECKS: [(&str, &str, &str); 14] = [
    (
        "I1",
        "conversations in help desk without a ticket",
        "SELECT COUNT(*) AS n, MIN(c.id) AS example FROM conversations c \
         WHERE c.workspace = 'help_desk' AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id)",
    ),
    (
        "I1",
        "tickets without their conversation",
        "SELECT COUNT(*) AS n, MIN(t.id) AS example FROM tickets t \
         LEFT JOIN conversations c ON c.id = t.conversation_id WHERE c.id IS NULL",
    ),
    (
        "I1",
        "conversations with more than one ticket",
        "SELECT COUNT(*) AS n, MIN(conversation_id) AS example FROM \
         (SELECT conversation_id FROM tickets GROUP BY conversation_id HAVING COUNT(*) > 1) AS d",
    ),
    (
        "I1",
        "tickets in another account than their conversation",
        "SELECT COUNT(*) AS n, MIN(t.id) AS example FROM tickets t \
         JOIN conversations c ON c.id = t.conversation_id WHERE c.account_id <> t.account_id",
    ),
    (
        "I2",
        "history of a completed move (all conversations) left in the inbox",
        "SELECT COUNT(*) AS n, MIN(c.id) AS example FROM moves m JOIN conversations c \
         ON c.original_channel_id = m.channel_id \
         WHERE m.state = 'completed' AND m.history_mode = 'all' AND c.workspace = 'inbox'",
    ),
    (
        "I2",
        "conversations that arrived in a moving or moved channel but stayed in the inbox",
        "SELECT COUNT(*) AS n, MIN(c.id) AS example FROM moves m JOIN conversations c \
         ON c.original_channel_id = m.channel_id \
         WHERE m.state IN ('running', 'completed') AND c.id > m.history_max_id AND c.workspace = 'inbox'",
    ),
    (
        "I2",
        "completed moves whose channel is not in help desk",
        "SELECT COUNT(*) AS n, MIN(m.id) AS example FROM moves m JOIN channels ch ON ch.id = m.channel_id \
         WHERE m.state = 'completed' AND ch.workspace <> 'help_desk'",
    ),
    (
        "R26",
        "moves whose report does not hold each conversation moved and each arrival once",
        "SELECT COUNT(*) AS n, MIN(m.id) AS example FROM moves m WHERE m.reported = 1 AND ( \
            m.moved <> (SELECT COUNT(*) FROM move_items i WHERE i.move_id = m.id AND i.arrived = 0) \
            OR m.arrived <> (SELECT COUNT(*) FROM move_items i WHERE i.move_id = m.id AND i.arrived = 1))",
    ),
    (
        "R26",
        "report rows whose ticket is not their conversation's",
        "SELECT COUNT(*) AS n, MIN(i.conversation_id) AS example FROM move_items i \
         LEFT JOIN tickets t ON t.id = i.ticket_id \
         WHERE t.id IS NULL OR t.conversation_id <> i.conversation_id",
    ),
    (
        "R29",
        "help desk tickets owned by someone without help desk access or deactivated",
        "SELECT COUNT(*) AS n, MIN(t.id) AS example FROM tickets t \
         JOIN conversations c ON c.id = t.conversation_id JOIN users u ON u.id = t.owner_id \
         WHERE c.workspace = 'help_desk' AND NOT (u.help_desk_access = 1 AND u.state <> 'deactivated')",
    ),
    (
        "R32",
        "Message-IDs whose message is missing or in another conversation",
        "SELECT COUNT(*) AS n, MIN(i.message_row) AS example FROM mail_ids i \
         LEFT JOIN messages m ON m.id = i.message_row \
         LEFT JOIN conversations c ON c.id = i.conversation_id \
         WHERE m.id IS NULL OR m.conversation_id <> i.conversation_id OR c.account_id <> i.account_id",
    ),
    (
        "R32",
        "received mail kept without its Message-ID (a delivery written twice or in part)",
        "SELECT COUNT(*) AS n, MIN(o.message_row) AS example FROM mail_originals o \
         WHERE NOT EXISTS (SELECT 1 FROM mail_ids i WHERE i.message_row = o.message_row)",
    ),
    (
        "R32",
        "messages named by more than one Message-ID",
        "SELECT COUNT(*) AS n, MIN(message_row) AS example FROM \
         (SELECT message_row FROM mail_ids GROUP BY message_row HAVING COUNT(*) > 1) AS d",
    ),
    (
        "I3",
        "accounts with more than one running move",
        "SELECT COUNT(*) AS n, MIN(account_id) AS example FROM \
         (SELECT account_id FROM moves WHERE state = 'running' GROUP BY account_id HAVING COUNT(*) > 1) AS d",
    ),
];

impl Store {
    /// Every broken invariant; empty when the database is sound.
    pub async fn check(&self) -> StoreResult<Vec<Violation>> {
        let mut out = Vec::new();
        for (invariant, what, sql) in CHECKS {
            let r = sqlx::query(sql).fetch_one(&self.pool).await?;
            let count: i64 = r.try_get("n")?;
            if count > 0 {
                out.push(Violation {
                    invariant,
                    what: what.to_string(),
                    count,
                    example: r.try_get("example")?,
                });
            }
        }
        let miscounted = self.miscounted_groups().await?;
        if let Some(first) = miscounted.first() {
            out.push(Violation {
                invariant: "Totals",
                what: format!("list totals kept apart from their rows, first {first}"),
                count: miscounted.len() as i64,
                example: None,
            });
        }
        Ok(out)
    }
}
