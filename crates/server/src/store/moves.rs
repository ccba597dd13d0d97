//! A move's life: starting it now or at its time, rescheduling or canceling it, ending it.

use chrono::{DateTime, Utc};
use deskmove_rules::{AccountId, ChannelId, MoveId, MoveState, Said, StatusId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::announcements::{announce, Announcement};
use super::catalog::{active_move_on, typed};
use super::history::flip_channel;
use super::move_row::{move_in, move_present, MoveRow};
use super::ranges::{history_between, last_move_of, max_conversation_id};
use super::sla::fix_sla;
use super::{to_millis, Store, StoreError, StoreResult};

/// Why a move could not start once inside its transaction: the state moved on
/// between the rules' check and the write, or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("another move is running")]
    MoveInProgress,
    #[error("the channel is already in help desk")]
    AlreadyInHelpDesk,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for StartError {
    fn from(e: sqlx::Error) -> Self {
        StartError::Store(e.into())
    }
}

/// What a move needs to start: the rules crate has already allowed it.
#[derive(Clone, Debug)]
pub struct NewMove {
    pub account_id: AccountId,
    pub channel_id: ChannelId,
    pub requested_by: UserId,
    /// Open and closed status ids, or `None` for "Don't move any conversations".
    pub history: Option<(StatusId, StatusId)>,
    pub mute_notifications: bool,
    /// R24: schedule it for then, rather than start it now.
    pub start_at: Option<DateTime<Utc>>,
}

/// Why a scheduled move could not be rescheduled or canceled.
#[derive(Debug, thiserror::Error)]
pub enum ChangeMoveError {
    #[error("no such move")]
    NotFound,
    /// R24: it has started (or ended) already: R17 holds, no cancel.
    #[error("the move has started")]
    Started,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ChangeMoveError {
    fn from(e: sqlx::Error) -> Self {
        ChangeMoveError::Store(e.into())
    }
}

/// A channel's history counted outside the write turn, with what it was counted against.
struct EarlyCount {
    count: i64,
    max_id: i64,
    last_move: i64,
}

impl Store {
    /// Starts a move in one transaction: re-checks what may have changed since the
    /// rules allowed it, fixes the history (R19: by original channel, up to now) and
    /// records the move. The partial unique index refuses a second running move
    /// whatever the process does (I3, R4).
    pub async fn start_move(&self, m: &NewMove) -> Result<MoveRow, StartError> {
        if let Some(at) = m.start_at {
            return self.schedule_move(m, at).await;
        }
        // Count the history before taking the write turn: over a big channel the count
        // takes a tenth of a second, and every writer would wait for it. Only a move
        // of this channel takes its conversations out of the inbox, so the count holds
        // unless one began since; then it is counted again under the lock.
        let early = match m.history {
            Some(_) => Some(self.history_count(m.channel_id).await?),
            None => None,
        };
        let mut tx = self.begin_write().await?;
        // Read the clock only once the write lock is ours, so start and finish times
        // order exactly as the moves did.
        let now = Utc::now();
        if active_move_on(&mut tx, m.account_id).await?.is_some() {
            return Err(StartError::MoveInProgress);
        }
        let (total, max_id) = fix_history(&mut tx, m, early).await?;
        let inserted = sqlx::query(
            "INSERT INTO moves (account_id, channel_id, requested_by, history_mode, open_status_id, \
             closed_status_id, mute_notifications, state, total, history_max_id, started_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9, $10) RETURNING id",
        )
        .bind(m.account_id.get())
        .bind(m.channel_id.get())
        .bind(m.requested_by.get())
        .bind(if m.history.is_some() { "all" } else { "none" })
        .bind(m.history.map(|h| h.0.get()))
        .bind(m.history.map(|h| h.1.get()))
        .bind(m.mute_notifications as i64)
        .bind(total)
        .bind(max_id)
        .bind(to_millis(now))
        .fetch_one(&mut *tx)
        .await;
        let id = inserted_move(inserted)?;
        fix_sla(&mut tx, m.account_id, id).await?;
        let row = move_present(&mut tx, id).await?;
        announce(&mut tx, Announcement::Move(id)).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// R24: records a move to start at `at`; its history is fixed only when it
    /// starts. It holds the account's one move meanwhile (the same unique index).
    async fn schedule_move(&self, m: &NewMove, at: DateTime<Utc>) -> Result<MoveRow, StartError> {
        let mut tx = self.begin_write().await?;
        if active_move_on(&mut tx, m.account_id).await?.is_some() {
            return Err(StartError::MoveInProgress);
        }
        let inserted = sqlx::query(
            "INSERT INTO moves (account_id, channel_id, requested_by, history_mode, open_status_id, \
             closed_status_id, mute_notifications, state, started_at, start_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'scheduled', $8, $8) RETURNING id",
        )
        .bind(m.account_id.get())
        .bind(m.channel_id.get())
        .bind(m.requested_by.get())
        .bind(if m.history.is_some() { "all" } else { "none" })
        .bind(m.history.map(|h| h.0.get()))
        .bind(m.history.map(|h| h.1.get()))
        .bind(m.mute_notifications as i64)
        .bind(to_millis(at))
        .fetch_one(&mut *tx)
        .await;
        let id = inserted_move(inserted)?;
        let row = move_present(&mut tx, id).await?;
        announce(&mut tx, Announcement::Move(id)).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// R24: starts a scheduled move whose time has come, exactly as a start now
    /// does once the rules allowed it: the history fixed (R19) and the move running.
    /// `None` when it is no longer scheduled (canceled, or started by another server).
    pub async fn start_scheduled(
        &self,
        m: &NewMove,
        id: MoveId,
    ) -> Result<Option<MoveRow>, StartError> {
        let early = match m.history {
            Some(_) => Some(self.history_count(m.channel_id).await?),
            None => None,
        };
        let mut tx = self.begin_write().await?;
        let now = Utc::now();
        if move_present(&mut tx, id).await?.state != MoveState::Scheduled {
            return Ok(None);
        }
        let (total, max_id) = fix_history(&mut tx, m, early).await?;
        let started = sqlx::query(
            "UPDATE moves SET state = 'running', total = $1, history_max_id = $2, started_at = $3 \
             WHERE id = $4 AND state = 'scheduled'",
        )
        .bind(total)
        .bind(max_id)
        .bind(to_millis(now))
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
        if started.rows_affected() == 0 {
            return Ok(None);
        }
        fix_sla(&mut tx, m.account_id, id).await?;
        let row = move_present(&mut tx, id).await?;
        announce(&mut tx, Announcement::Move(id)).await?;
        tx.commit().await?;
        Ok(Some(row))
    }

    /// R24: a scheduled move that can no longer start ends `failed`, with why.
    pub async fn fail_scheduled(
        &self,
        id: MoveId,
        english: &str,
        why: &[Said],
    ) -> StoreResult<Option<MoveRow>> {
        let failure = serde_json::to_string(why)
            .map_err(|e| StoreError::Corrupt(format!("a failure's facts: {e}")))?;
        self.end_scheduled(None, id, "failed", Some((english, failure.as_str())))
            .await
            .map_err(|e| match e {
                ChangeMoveError::Store(e) => e,
                other => StoreError::Corrupt(other.to_string()),
            })
    }

    /// R24: cancels a scheduled move of the account; a started one stays (R17).
    pub async fn cancel_move(
        &self,
        account: AccountId,
        id: MoveId,
    ) -> Result<MoveRow, ChangeMoveError> {
        self.end_scheduled(Some(account), id, "canceled", None)
            .await?
            .ok_or(ChangeMoveError::Started)
    }

    /// Ends a scheduled move as `state`; `Ok(None)` if it was no longer scheduled.
    async fn end_scheduled(
        &self,
        account: Option<AccountId>,
        id: MoveId,
        state: &str,
        failure: Option<(&str, &str)>,
    ) -> Result<Option<MoveRow>, ChangeMoveError> {
        let mut tx = self.begin_write().await?;
        let now = Utc::now();
        let Some(row) = move_in(&mut tx, id).await? else {
            return Err(ChangeMoveError::NotFound);
        };
        if account.is_some_and(|a| a != row.account_id) {
            return Err(ChangeMoveError::NotFound);
        }
        let ended = sqlx::query(
            "UPDATE moves SET state = $1, finished_at = $2, last_error = $3, failure = $4 \
             WHERE id = $5 AND state = 'scheduled'",
        )
        .bind(state)
        .bind(to_millis(now))
        .bind(failure.map(|f| f.0))
        .bind(failure.map(|f| f.1))
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
        if ended.rows_affected() == 0 {
            return Ok(None);
        }
        let row = move_present(&mut tx, id).await?;
        announce(&mut tx, Announcement::Move(id)).await?;
        tx.commit().await?;
        Ok(Some(row))
    }

    /// R24: sets a scheduled move of the account to start at `at` instead.
    pub async fn reschedule_move(
        &self,
        account: AccountId,
        id: MoveId,
        at: DateTime<Utc>,
    ) -> Result<MoveRow, ChangeMoveError> {
        let mut tx = self.begin_write().await?;
        match move_in(&mut tx, id).await? {
            Some(row) if row.account_id == account => {}
            _ => return Err(ChangeMoveError::NotFound),
        }
        let changed = sqlx::query(
            "UPDATE moves SET start_at = $1, started_at = $1 WHERE id = $2 AND state = 'scheduled'",
        )
        .bind(to_millis(at))
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(ChangeMoveError::Started);
        }
        let row = move_present(&mut tx, id).await?;
        announce(&mut tx, Announcement::Move(id)).await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn history_count(&self, channel: ChannelId) -> StoreResult<EarlyCount> {
        // One read transaction: the three answers come from the same snapshot.
        let mut tx = self.begin().await?;
        let max_id = max_conversation_id(&mut tx).await?;
        let last_move = last_move_of(&mut tx, channel).await?;
        let count = history_between(&mut tx, channel, 0, max_id).await?;
        tx.commit().await?;
        Ok(EarlyCount {
            count,
            max_id,
            last_move,
        })
    }

    /// Ends a move whose history is done: the channel flips to help desk (R16) in the
    /// same transaction. Settings are not touched (R6).
    pub async fn finish_move(&self, id: MoveId) -> StoreResult<Option<MoveRow>> {
        let mut tx = self.begin_write().await?;
        let now = Utc::now();
        let Some(m) = move_in(&mut tx, id).await? else {
            return Ok(None);
        };
        if m.state != MoveState::Running {
            return Ok(None);
        }
        flip_channel(&mut tx, m.channel_id).await?;
        sqlx::query("UPDATE moves SET state = 'completed', finished_at = $1, last_error = NULL WHERE id = $2")
            .bind(to_millis(now))
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        let row = move_in(&mut tx, id).await?;
        announce(&mut tx, Announcement::Move(id)).await?;
        announce(&mut tx, Announcement::Channel(m.account_id, m.channel_id)).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Notes the fault that holds a move back; the move stays running and retries.
    pub async fn record_move_error(&self, id: MoveId, error: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE moves SET last_error = $1 WHERE id = $2")
            .bind(error)
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        announce(&mut tx, Announcement::Move(id)).await?;
        Ok(tx.commit().await?)
    }
}

/// The new move's id, or the account's one move already there (R4: the partial
/// unique index refuses a second whatever the process does).
fn inserted_move(inserted: sqlx::Result<AnyRow>) -> Result<MoveId, StartError> {
    match inserted {
        Ok(r) => Ok(typed::<_, i64>(&r, "id")?),
        Err(e) => {
            let e = StoreError::from(e);
            if e.is_unique_violation() {
                Err(StartError::MoveInProgress)
            } else {
                Err(e.into())
            }
        }
    }
}

/// R19: fixes a starting move's history inside its write transaction: the channel's
/// conversations up to the newest id now, counted (using the early count when no
/// move of the channel began since). Refuses a channel already in help desk.
async fn fix_history(
    tx: &mut AnyConnection,
    m: &NewMove,
    early: Option<EarlyCount>,
) -> Result<(i64, i64), StartError> {
    let workspace: String =
        sqlx::query("SELECT workspace FROM channels WHERE id = $1 AND account_id = $2")
            .bind(m.channel_id.get())
            .bind(m.account_id.get())
            .fetch_one(&mut *tx)
            .await?
            .try_get("workspace")?;
    if workspace != "inbox" {
        return Err(StartError::AlreadyInHelpDesk);
    }
    let max_id = max_conversation_id(&mut *tx).await?;
    let total = match early {
        None => 0,
        Some(early) => {
            let last_move = last_move_of(&mut *tx, m.channel_id).await?;
            let (counted, from) = if last_move == early.last_move {
                (early.count, early.max_id)
            } else {
                (0, 0)
            };
            counted + history_between(&mut *tx, m.channel_id, from, max_id).await?
        }
    };
    Ok((total, max_id))
}

/// What waits, as the operator's metrics read it when scraped.
#[derive(Clone, Copy, Debug, Default)]
pub struct WaitingWork {
    pub moves_scheduled: i64,
    pub moves_running: i64,
    pub answers_queued: i64,
    pub links_queued: i64,
    /// Age of the oldest queued answer, 0 when none waits.
    pub oldest_answer_seconds: f64,
}

impl Store {
    /// Moves by state and the outbox's queue, each read on an index.
    pub async fn waiting_work(&self, now: DateTime<Utc>) -> StoreResult<WaitingWork> {
        let count = |sql: &'static str| async move {
            let n: i64 = sqlx::query(sql).fetch_one(&self.pool).await?.try_get("n")?;
            StoreResult::Ok(n)
        };
        let oldest: Option<i64> =
            sqlx::query("SELECT MIN(created_at) AS oldest FROM messages WHERE state = 'queued'")
                .fetch_one(&self.pool)
                .await?
                .try_get("oldest")?;
        Ok(WaitingWork {
            moves_scheduled: count("SELECT COUNT(*) AS n FROM moves WHERE state = 'scheduled'")
                .await?,
            moves_running: count("SELECT COUNT(*) AS n FROM moves WHERE state = 'running'").await?,
            answers_queued: count("SELECT COUNT(*) AS n FROM messages WHERE state = 'queued'")
                .await?,
            links_queued: count("SELECT COUNT(*) AS n FROM link_mail WHERE state = 'queued'")
                .await?,
            oldest_answer_seconds: oldest.map_or(0.0, |o| {
                ((super::to_millis(now) - o).max(0) as f64) / 1000.0
            }),
        })
    }
}
