//! A move's preview: what a channel's history holds before anyone starts the move.

use chrono::{DateTime, Utc};
use deskmove_rules::plan::{ExistingTicket, HistoricalConversation};
use deskmove_rules::{ChannelId, ConversationId, SlaDue};
use sqlx::Row;

use super::catalog::{typed, works_in_help_desk};
use super::{from_millis, opt_id, to_millis, Store, StoreResult};

/// The preview's counts of a channel's history (by original channel, R19).
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct HistoryCounts {
    pub conversations: i64,
    pub with_ticket: i64,
    pub open: i64,
    pub owners_without_access: i64,
    #[sqlx(skip)]
    pub recent_arrivals: i64,
}

/// R25: one conversation of a preview's sample, as the store holds it.
#[derive(Clone, Debug)]
pub struct SampledConversation {
    pub id: ConversationId,
    pub contact: String,
    pub subject: String,
    pub history: HistoricalConversation,
}

impl SampledConversation {
    fn from_row(r: &sqlx::any::AnyRow) -> StoreResult<Self> {
        let ticket = match r.try_get::<Option<i64>, _>("t_status_id")? {
            None => None,
            Some(_) => Some(ExistingTicket {
                status_id: typed::<_, i64>(r, "t_status_id")?,
                owner_id: opt_id(r.try_get("t_owner_id")?)?,
                created_at: from_millis(r.try_get("t_created_at")?)?,
                sla: match (
                    r.try_get::<Option<i64>, _>("first_reply_due")?,
                    r.try_get::<Option<i64>, _>("close_due")?,
                ) {
                    (Some(f), Some(c)) => Some(SlaDue {
                        first_reply_due: from_millis(f)?,
                        close_due: from_millis(c)?,
                    }),
                    _ => None,
                },
            }),
        };
        Ok(SampledConversation {
            id: typed::<_, i64>(r, "id")?,
            contact: r.try_get("contact")?,
            subject: r.try_get("subject")?,
            history: HistoricalConversation {
                status: typed::<_, String>(r, "status")?,
                owner_id: opt_id(r.try_get("owner_id")?)?,
                started_at: from_millis(r.try_get("started_at")?)?,
                ticket,
            },
        })
    }
}

impl Store {
    /// The preview's counts: the channel's history by original channel (R19), and
    /// how many conversations started in it since `busy_since` (R5).
    pub async fn history_counts(
        &self,
        channel: ChannelId,
        busy_since: DateTime<Utc>,
    ) -> StoreResult<HistoryCounts> {
        let mut counts: HistoryCounts = sqlx::query_as(&format!(
            "SELECT COUNT(*) AS conversations, \
                CAST(COALESCE(SUM(CASE WHEN t.id IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS with_ticket, \
                CAST(COALESCE(SUM(CASE WHEN c.status = 'open' THEN 1 ELSE 0 END), 0) AS BIGINT) AS open, \
                CAST(COALESCE(SUM(CASE \
                    WHEN t.id IS NULL AND c.owner_id IS NOT NULL \
                        AND {works} = 0 THEN 1 \
                    WHEN t.owner_id IS NOT NULL AND {ticket_works} = 0 THEN 1 \
                    ELSE 0 END), 0) AS BIGINT) AS owners_without_access \
             FROM conversations c \
             LEFT JOIN tickets t ON t.conversation_id = c.id \
             LEFT JOIN users u ON u.id = c.owner_id \
             LEFT JOIN users tu ON tu.id = t.owner_id \
             WHERE c.original_channel_id = $1 AND c.workspace = 'inbox'",
            works = works_in_help_desk("u"),
            ticket_works = works_in_help_desk("tu"),
        ))
        .bind(channel.get())
        .fetch_one(&self.pool)
        .await?;
        counts.recent_arrivals = sqlx::query(
            "SELECT COUNT(*) AS n FROM conversations WHERE original_channel_id = $1 AND started_at >= $2",
        )
        .bind(channel.get())
        .bind(to_millis(busy_since))
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?;
        Ok(counts)
    }

    /// R24: how many conversations started in the channel in each UTC hour of the
    /// day since `since` (times are Unix milliseconds: the hour is integer arithmetic
    /// on both backends).
    pub async fn arrivals_by_hour(
        &self,
        channel: ChannelId,
        since: DateTime<Utc>,
    ) -> StoreResult<[u64; 24]> {
        let rows = sqlx::query(
            "SELECT CAST((started_at / 3600000) % 24 AS BIGINT) AS hour, COUNT(*) AS n \
             FROM conversations WHERE original_channel_id = $1 AND started_at >= $2 \
             GROUP BY (started_at / 3600000) % 24",
        )
        .bind(channel.get())
        .bind(to_millis(since))
        .fetch_all(&self.pool)
        .await?;
        let mut out = [0u64; 24];
        for r in rows {
            let hour: i64 = r.try_get("hour")?;
            let n: i64 = r.try_get("n")?;
            if let Some(slot) = usize::try_from(hour).ok().and_then(|h| out.get_mut(h)) {
                *slot = n.max(0) as u64;
            }
        }
        Ok(out)
    }

    /// R25: the `oldest` and `newest` conversations of the channel's history (R19),
    /// as the planning function reads them, each with its contact and subject.
    /// A history shorter than both gives each conversation once.
    pub async fn history_sample(
        &self,
        channel: ChannelId,
        oldest: u32,
        newest: u32,
    ) -> StoreResult<Vec<SampledConversation>> {
        let select = "SELECT c.id, c.contact, c.subject, c.status, c.owner_id, c.started_at, \
                t.status_id AS t_status_id, t.owner_id AS t_owner_id, t.created_at AS t_created_at, \
                t.first_reply_due, t.close_due \
             FROM conversations c LEFT JOIN tickets t ON t.conversation_id = c.id \
             WHERE c.original_channel_id = $1 AND c.workspace = 'inbox'";
        let mut out: Vec<SampledConversation> = Vec::new();
        for (order, n) in [("ASC", oldest), ("DESC", newest)] {
            let rows = sqlx::query(&format!(
                "{select} ORDER BY c.started_at {order}, c.id {order} LIMIT $2"
            ))
            .bind(channel.get())
            .bind(i64::from(n))
            .fetch_all(&self.pool)
            .await?;
            let mut part = rows
                .iter()
                .map(SampledConversation::from_row)
                .collect::<StoreResult<Vec<_>>>()?;
            if order == "DESC" {
                part.reverse();
            }
            for c in part {
                if !out.iter().any(|o| o.id == c.id) {
                    out.push(c);
                }
            }
        }
        Ok(out)
    }
}
