//! The engine's batches under a move's lease, and the benchmark's all-at-once limit.

use chrono::{DateTime, Utc};
use deskmove_rules::{AccountId, ChannelId, MoveId, MoveState, StatusId};
use sqlx::Row;

use super::announcements::Announcement;
use super::history::{flip_channel, move_range, HistoryRange};
use super::move_row::{move_in, move_present, MoveRow};
use super::ranges::{max_conversation_id, Stretch};
use super::{to_millis, Store, StoreResult};

/// What one batch did.
#[derive(Clone, Debug)]
pub enum BatchOutcome {
    /// Some history moved; the move row as it now stands.
    Progress(MoveRow),
    /// No history left: the move can finish.
    HistoryDone(MoveRow),
    /// The move is no longer running (finished before, by another worker).
    NotRunning,
    /// Another server holds the move's lease: it drives the move, not us.
    DrivenElsewhere,
}

/// How long a server's claim on a move holds without a batch renewing it: a
/// killed server's move is taken over this long after its last batch (plus the
/// engine's watch interval, a second).
pub const LEASE: std::time::Duration = std::time::Duration::from_secs(3);

impl Store {
    /// Moves the next `batch` history conversations in one transaction (see
    /// [`move_range`]) and records where it stopped in the same transaction, so a
    /// batch cut short by a crash is simply done again (I4).
    ///
    /// `driver` names the server: the batch runs only while its lease on the move
    /// holds or has lapsed, and renews it, so two servers never advance one move.
    /// With `announce`, every server's event streams hear of the progress.
    pub async fn move_batch(
        &self,
        id: MoveId,
        batch: i64,
        now: DateTime<Utc>,
        driver: &str,
        announce: bool,
    ) -> StoreResult<BatchOutcome> {
        let mut tx = self.begin_write().await?;
        let Some(m) = move_in(&mut tx, id).await? else {
            return Ok(BatchOutcome::NotRunning);
        };
        if m.state != MoveState::Running {
            return Ok(BatchOutcome::NotRunning);
        }
        // Whose lease lapsed, if another server's: a takeover, counted.
        let before: Option<String> = sqlx::query("SELECT driver FROM moves WHERE id = $1")
            .bind(id.get())
            .fetch_one(&mut *tx)
            .await?
            .try_get("driver")?;
        let claimed = sqlx::query(
            "UPDATE moves SET driver = $1, lease_until = $2 \
             WHERE id = $3 AND (driver IS NULL OR driver = $1 OR lease_until < $4)",
        )
        .bind(driver)
        .bind(to_millis(now) + LEASE.as_millis() as i64)
        .bind(id.get())
        .bind(to_millis(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(BatchOutcome::DrivenElsewhere);
        }
        let took_over = before.is_some_and(|d| d != driver);
        let Some(statuses) = m.history else {
            tx.commit().await?;
            return Ok(BatchOutcome::HistoryDone(m));
        };
        let left = Stretch {
            channel: m.channel_id,
            after: m.resume_after,
            upto: m.history_max_id,
        };
        let sql = format!(
            "SELECT MAX(id) AS upper FROM (SELECT id FROM conversations WHERE {} \
             ORDER BY id LIMIT $4) AS b",
            Stretch::condition("", 1)
        );
        let upper: Option<i64> = left
            .bind(sqlx::query(&sql))
            .bind(batch)
            .fetch_one(&mut *tx)
            .await?
            .try_get("upper")?;
        let Some(upper) = upper else {
            tx.commit().await?;
            return Ok(BatchOutcome::HistoryDone(m));
        };
        let done = move_range(
            &mut tx,
            &HistoryRange {
                account: m.account_id,
                stretch: Stretch {
                    upto: upper,
                    ..left
                },
                statuses,
                notify: !m.mute_notifications,
                now,
                record: id,
            },
        )
        .await?;
        sqlx::query(
            "UPDATE moves SET resume_after = $1, moved = moved + $2, tickets_created = tickets_created + $3, \
                unassigned = unassigned + $4, last_error = NULL WHERE id = $5",
        )
        .bind(upper)
        .bind(done.moved)
        .bind(done.created)
        .bind(done.unassigned)
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
        let row = move_present(&mut tx, id).await?;
        if announce {
            super::announcements::announce(&mut tx, Announcement::Move(id)).await?;
        }
        tx.commit().await?;
        if took_over {
            tracing::info!(move_id = id.get(), "took the move over from another server");
            metrics::counter!("deskmove_move_lease_takeovers_total").increment(1);
        }
        metrics::counter!("deskmove_move_conversations_moved_total").increment(done.moved as u64);
        metrics::counter!("deskmove_move_tickets_created_total").increment(done.created as u64);
        Ok(BatchOutcome::Progress(row))
    }

    /// Lets go of this server's lease on a move (a graceful stop), so another
    /// server takes it over at its next look instead of after the lease.
    pub async fn release_move(&self, id: MoveId, driver: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE moves SET lease_until = 0 WHERE id = $1 AND driver = $2")
            .bind(id.get())
            .bind(driver)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The benchmark's limit: the engine's statements run once over the channel's
    /// whole history, in one transaction, with no batches and no progress row; what
    /// is left between the two is what batching costs. It keeps the same report
    /// (R26), as move `record`. Answers (tickets created, conversations moved).
    pub async fn move_at_once(
        &self,
        account: AccountId,
        channel: ChannelId,
        statuses: (StatusId, StatusId),
        now: DateTime<Utc>,
        record: MoveId,
    ) -> StoreResult<(i64, i64)> {
        let mut tx = self.begin_write().await?;
        let upto = max_conversation_id(&mut tx).await?;
        let done = move_range(
            &mut tx,
            &HistoryRange {
                account,
                stretch: Stretch {
                    channel,
                    after: 0,
                    upto,
                },
                statuses,
                notify: true,
                now,
                record,
            },
        )
        .await?;
        flip_channel(&mut tx, channel).await?;
        tx.commit().await?;
        Ok((done.created, done.moved))
    }
}
