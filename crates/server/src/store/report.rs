//! R26: a move's report, what it did to each conversation it moved, read a page at
//! a time in conversation order.

use deskmove_rules::{ItemOutcome, MoveId, MoveItem, TicketFate, UnassignedReason};
use sqlx::Row;

use super::catalog::typed;
use super::{opt_id, Store, StoreResult};

/// The condition each filter adds, spelled as its partial index is, so the page
/// walks that index.
fn outcome_condition(outcome: Option<ItemOutcome>) -> &'static str {
    match outcome {
        None => "",
        Some(ItemOutcome::Created) => "AND m.created = 1",
        Some(ItemOutcome::Kept) => "AND m.created = 0",
        Some(ItemOutcome::Arrived) => "AND m.arrived = 1",
        Some(ItemOutcome::Unassigned) => "AND m.unassigned_reason IS NOT NULL",
    }
}

fn item(r: &sqlx::any::AnyRow) -> StoreResult<MoveItem> {
    Ok(MoveItem {
        conversation_id: typed::<_, i64>(r, "conversation_id")?,
        contact: r.try_get("contact")?,
        subject: r.try_get("subject")?,
        original_channel_id: typed::<_, i64>(r, "original_channel_id")?,
        ticket_id: typed::<_, i64>(r, "ticket_id")?,
        ticket: if r.try_get::<i64, _>("created")? == 1 {
            TicketFate::Created
        } else {
            TicketFate::Kept
        },
        arrived: r.try_get::<i64, _>("arrived")? == 1,
        status_id: typed::<_, i64>(r, "status_id")?,
        owner_id: opt_id(r.try_get("owner_id")?)?,
        unassigned_reason: r
            .try_get::<Option<String>, _>("unassigned_reason")?
            .map(UnassignedReason::try_from)
            .transpose()
            .map_err(|e| super::StoreError::Corrupt(e.to_string()))?,
    })
}

impl Store {
    /// Up to `limit` rows of move `id`'s report after conversation `after`, only
    /// those of `outcome` when given. The caller has checked whose move it is.
    pub async fn move_items(
        &self,
        id: MoveId,
        outcome: Option<ItemOutcome>,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<MoveItem>> {
        let sql = format!(
            "SELECT m.conversation_id, c.contact, c.subject, c.original_channel_id, m.ticket_id, \
                m.created, m.arrived, m.status_id, m.owner_id, m.unassigned_reason \
             FROM move_items m CROSS JOIN conversations c \
             WHERE m.move_id = $1 AND m.conversation_id > $2 {} AND c.id = m.conversation_id \
             ORDER BY m.conversation_id LIMIT $3",
            outcome_condition(outcome)
        );
        let rows = sqlx::query(&sql)
            .bind(id.get())
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(item).collect()
    }
}
