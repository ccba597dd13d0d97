//! Moves: the durable job rows, and the set-based batches that carry a channel's history to help desk.

use chrono::{DateTime, Utc};
use deskmove_rules::progress::eta_seconds;
use deskmove_rules::{HistoryChoice, Move, MoveState};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{from_millis, to_millis, Store, StoreError, StoreResult};

/// A move as stored: the API's `Move` plus what the engine needs to resume it.
#[derive(Clone, Debug)]
pub struct MoveRow {
    pub id: i64,
    pub account_id: i64,
    pub channel_id: i64,
    pub requested_by: i64,
    pub open_status_id: Option<i64>,
    pub closed_status_id: Option<i64>,
    pub moves_history: bool,
    pub mute_notifications: bool,
    pub state: MoveState,
    pub total: i64,
    pub moved: i64,
    pub tickets_created: i64,
    pub unassigned: i64,
    pub arrived: i64,
    /// The last history conversation id done (I4).
    pub resume_after: i64,
    /// The history is the channel's conversations up to this id (R19).
    pub history_max_id: i64,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub last_error: Option<String>,
}

const MOVE_COLUMNS: &str = "id, account_id, channel_id, requested_by, history_mode, open_status_id, \
     closed_status_id, mute_notifications, state, total, moved, tickets_created, unassigned, arrived, \
     resume_after, history_max_id, started_at, finished_at, last_error";

fn move_row(r: &AnyRow) -> StoreResult<MoveRow> {
    let state: String = r.try_get("state")?;
    let mode: String = r.try_get("history_mode")?;
    Ok(MoveRow {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        channel_id: r.try_get("channel_id")?,
        requested_by: r.try_get("requested_by")?,
        open_status_id: r.try_get("open_status_id")?,
        closed_status_id: r.try_get("closed_status_id")?,
        moves_history: mode == "all",
        mute_notifications: r.try_get::<i64, _>("mute_notifications")? != 0,
        state: MoveState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("move state {state}")))?,
        total: r.try_get("total")?,
        moved: r.try_get("moved")?,
        tickets_created: r.try_get("tickets_created")?,
        unassigned: r.try_get("unassigned")?,
        arrived: r.try_get("arrived")?,
        resume_after: r.try_get("resume_after")?,
        history_max_id: r.try_get("history_max_id")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
        last_error: r.try_get("last_error")?,
    })
}

impl MoveRow {
    /// The API's view of the move; the estimate comes from the rate so far (R15).
    pub fn to_move(&self, now: DateTime<Utc>) -> StoreResult<Move> {
        let n = |v: i64| v.max(0) as u64;
        let eta = match self.state {
            MoveState::Running => {
                let elapsed = (to_millis(now) - self.started_at).max(0) as u64;
                eta_seconds(n(self.total), n(self.moved), elapsed)
            }
            MoveState::Completed | MoveState::Failed => None,
        };
        Ok(Move {
            id: self.id.to_string(),
            channel_id: self.channel_id.to_string(),
            requested_by: self.requested_by.to_string(),
            history: if self.moves_history {
                HistoryChoice::All {
                    open_status_id: self.open_status_id.map(|i| i.to_string()),
                    closed_status_id: self.closed_status_id.map(|i| i.to_string()),
                }
            } else {
                HistoryChoice::None
            },
            mute_notifications: self.mute_notifications,
            state: self.state,
            total: n(self.total),
            moved: n(self.moved),
            tickets_created: n(self.tickets_created),
            unassigned: n(self.unassigned),
            arrived: n(self.arrived),
            started_at: from_millis(self.started_at)?,
            finished_at: self.finished_at.map(from_millis).transpose()?,
            eta_seconds: eta,
            paused_reason: match self.state {
                MoveState::Running => self.last_error.clone(),
                MoveState::Completed | MoveState::Failed => None,
            },
        })
    }
}

/// Why a move could not start once inside its transaction (the state moved on
/// between the rules' check and the write).
#[derive(Debug)]
pub enum StartRefusal {
    MoveInProgress,
    AlreadyInHelpDesk,
}

#[derive(Debug)]
pub enum StartError {
    Refused(StartRefusal),
    Store(StoreError),
}

impl From<StoreError> for StartError {
    fn from(e: StoreError) -> Self {
        StartError::Store(e)
    }
}

impl From<sqlx::Error> for StartError {
    fn from(e: sqlx::Error) -> Self {
        StartError::Store(e.into())
    }
}

/// What a move needs to start: the rules crate has already allowed it.
#[derive(Clone, Debug)]
pub struct NewMove {
    pub account_id: i64,
    pub channel_id: i64,
    pub requested_by: i64,
    /// Open and closed status ids, or `None` for "Don't move any conversations".
    pub history: Option<(i64, i64)>,
    pub mute_notifications: bool,
}

/// What one batch did.
#[derive(Clone, Debug)]
pub enum BatchOutcome {
    /// Some history moved; the move row as it now stands.
    Progress(MoveRow),
    /// No history left: the move can finish.
    HistoryDone(MoveRow),
    /// The move is no longer running (finished before, by another worker).
    NotRunning,
}

/// The preview's counts of a channel's history (by original channel, R19).
#[derive(Clone, Debug, Default)]
pub struct HistoryCounts {
    pub conversations: i64,
    pub with_ticket: i64,
    pub open: i64,
    pub owners_without_access: i64,
    pub recent_arrivals: i64,
}

async fn move_in(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<MoveRow>> {
    sqlx::query(&format!("SELECT {MOVE_COLUMNS} FROM moves WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| move_row(&r))
        .transpose()
}

impl Store {
    pub async fn move_by_id(&self, account_id: i64, id: i64) -> StoreResult<Option<MoveRow>> {
        sqlx::query(&format!(
            "SELECT {MOVE_COLUMNS} FROM moves WHERE id = $1 AND account_id = $2"
        ))
        .bind(id)
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| move_row(&r))
        .transpose()
    }

    /// A move of any account (the engine's own reads).
    pub async fn move_by_id_any(&self, id: i64) -> StoreResult<Option<MoveRow>> {
        move_in(&mut *self.pool.acquire().await?, id).await
    }

    pub async fn current_move(&self, account_id: i64) -> StoreResult<Option<MoveRow>> {
        sqlx::query(&format!(
            "SELECT {MOVE_COLUMNS} FROM moves WHERE account_id = $1 AND state = 'running'"
        ))
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| move_row(&r))
        .transpose()
    }

    /// Every move of the account, newest first: the audit trail.
    pub async fn moves(&self, account_id: i64) -> StoreResult<Vec<MoveRow>> {
        sqlx::query(&format!(
            "SELECT {MOVE_COLUMNS} FROM moves WHERE account_id = $1 ORDER BY id DESC"
        ))
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(move_row)
        .collect()
    }

    /// Every running move of every account: what a restarted server resumes (I4).
    pub async fn running_move_ids(&self) -> StoreResult<Vec<i64>> {
        sqlx::query("SELECT id FROM moves WHERE state = 'running' ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok(r.try_get("id")?))
            .collect()
    }

    /// The preview's counts: the channel's history by original channel (R19), and
    /// how many conversations started in it since `busy_since` (R5).
    pub async fn history_counts(
        &self,
        channel_id: i64,
        busy_since: DateTime<Utc>,
    ) -> StoreResult<HistoryCounts> {
        let r = sqlx::query(
            "SELECT COUNT(*) AS conversations, \
                COALESCE(SUM(CASE WHEN t.id IS NOT NULL THEN 1 ELSE 0 END), 0) AS with_ticket, \
                COALESCE(SUM(CASE WHEN c.status = 'open' THEN 1 ELSE 0 END), 0) AS open, \
                COALESCE(SUM(CASE WHEN t.id IS NULL AND c.owner_id IS NOT NULL \
                    AND COALESCE(u.help_desk_access, 0) = 0 THEN 1 ELSE 0 END), 0) AS owners_without_access \
             FROM conversations c \
             LEFT JOIN tickets t ON t.conversation_id = c.id \
             LEFT JOIN users u ON u.id = c.owner_id \
             WHERE c.original_channel_id = $1 AND c.workspace = 'inbox'",
        )
        .bind(channel_id)
        .fetch_one(&self.pool)
        .await?;
        let recent: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM conversations WHERE original_channel_id = $1 AND started_at >= $2",
        )
        .bind(channel_id)
        .bind(to_millis(busy_since))
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?;
        Ok(HistoryCounts {
            conversations: r.try_get("conversations")?,
            with_ticket: r.try_get("with_ticket")?,
            open: r.try_get("open")?,
            owners_without_access: r.try_get("owners_without_access")?,
            recent_arrivals: recent,
        })
    }

    /// Starts a move in one transaction: re-checks what may have changed since the
    /// rules allowed it, fixes the history (R19: by original channel, up to now) and
    /// records the move. The partial unique index refuses a second running move
    /// whatever the process does (I3, R4).
    pub async fn start_move(&self, m: &NewMove) -> Result<MoveRow, StartError> {
        // Count the history before taking the write turn: over a big channel the count
        // takes a tenth of a second, and every writer would wait for it. Only a move
        // of this channel takes its conversations out of the inbox, so the count holds
        // unless one began since; then it is counted again under the lock.
        let early = if m.history.is_some() {
            Some(self.history_count(m.channel_id).await?)
        } else {
            None
        };
        let mut tx = self.begin_write().await?;
        // Read the clock only once the write lock is ours, so start and finish times
        // order exactly as the moves did.
        let now = Utc::now();
        let running =
            sqlx::query("SELECT id FROM moves WHERE account_id = $1 AND state = 'running'")
                .bind(m.account_id)
                .fetch_optional(&mut *tx)
                .await?;
        if running.is_some() {
            return Err(StartError::Refused(StartRefusal::MoveInProgress));
        }
        let workspace: String =
            sqlx::query("SELECT workspace FROM channels WHERE id = $1 AND account_id = $2")
                .bind(m.channel_id)
                .bind(m.account_id)
                .fetch_one(&mut *tx)
                .await?
                .try_get("workspace")?;
        if workspace != "inbox" {
            return Err(StartError::Refused(StartRefusal::AlreadyInHelpDesk));
        }
        let max_id = max_conversation_id(&mut tx).await?;
        let total = match early {
            None => 0,
            Some(early) => {
                let last_move = last_move_of(&mut tx, m.channel_id).await?;
                let (counted, from) = if last_move == early.last_move {
                    (early.count, early.max_id)
                } else {
                    (0, 0)
                };
                counted + history_between(&mut tx, m.channel_id, from, max_id).await?
            }
        };
        let inserted = sqlx::query(
            "INSERT INTO moves (account_id, channel_id, requested_by, history_mode, open_status_id, \
             closed_status_id, mute_notifications, state, total, history_max_id, started_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9, $10) RETURNING id",
        )
        .bind(m.account_id)
        .bind(m.channel_id)
        .bind(m.requested_by)
        .bind(if m.history.is_some() { "all" } else { "none" })
        .bind(m.history.map(|h| h.0))
        .bind(m.history.map(|h| h.1))
        .bind(m.mute_notifications as i64)
        .bind(total)
        .bind(max_id)
        .bind(to_millis(now))
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(r) => r.try_get("id")?,
            Err(e) => {
                let e = StoreError::from(e);
                if e.is_unique_violation() {
                    return Err(StartError::Refused(StartRefusal::MoveInProgress));
                }
                return Err(e.into());
            }
        };
        let row = move_in(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("move vanished".into()))?;
        tx.commit().await?;
        Ok(row)
    }

    /// Moves the next `batch` history conversations in one transaction (see
    /// [`move_range`]) and records where it stopped in the same transaction, so a
    /// batch cut short by a crash is simply done again (I4).
    pub async fn move_batch(
        &self,
        move_id: i64,
        batch: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<BatchOutcome> {
        let mut tx = self.begin_write().await?;
        let Some(m) = move_in(&mut tx, move_id).await? else {
            return Ok(BatchOutcome::NotRunning);
        };
        if m.state != MoveState::Running {
            return Ok(BatchOutcome::NotRunning);
        }
        let upper: Option<i64> = if m.moves_history {
            sqlx::query(
                "SELECT MAX(id) AS upper FROM (SELECT id FROM conversations \
                 WHERE original_channel_id = $1 AND workspace = 'inbox' AND id > $2 AND id <= $3 \
                 ORDER BY id LIMIT $4) AS b",
            )
            .bind(m.channel_id)
            .bind(m.resume_after)
            .bind(m.history_max_id)
            .bind(batch)
            .fetch_one(&mut *tx)
            .await?
            .try_get("upper")?
        } else {
            None
        };
        let Some(upper) = upper else {
            tx.commit().await?;
            return Ok(BatchOutcome::HistoryDone(m));
        };
        let (Some(open_status), Some(closed_status)) = (m.open_status_id, m.closed_status_id)
        else {
            return Err(StoreError::Corrupt(format!(
                "move {move_id} moves history without statuses"
            )));
        };
        let done = move_range(
            &mut tx,
            &HistoryRange {
                account_id: m.account_id,
                channel_id: m.channel_id,
                statuses: (open_status, closed_status),
                after: m.resume_after,
                upto: upper,
                notify: !m.mute_notifications,
                now,
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
        .bind(move_id)
        .execute(&mut *tx)
        .await?;
        let row = move_in(&mut tx, move_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("move vanished".into()))?;
        tx.commit().await?;
        Ok(BatchOutcome::Progress(row))
    }

    /// The benchmark's limit: the engine's statements run once over the channel's
    /// whole history, in one transaction, with no batches and no progress row; what
    /// is left between the two is what batching costs. Answers (tickets created,
    /// conversations moved).
    pub async fn move_at_once(
        &self,
        account_id: i64,
        channel_id: i64,
        statuses: (i64, i64),
        now: DateTime<Utc>,
    ) -> StoreResult<(i64, i64)> {
        let mut tx = self.begin_write().await?;
        let upto = max_conversation_id(&mut tx).await?;
        let done = move_range(
            &mut tx,
            &HistoryRange {
                account_id,
                channel_id,
                statuses,
                after: 0,
                upto,
                notify: true,
                now,
            },
        )
        .await?;
        flip_channel(&mut tx, channel_id).await?;
        tx.commit().await?;
        Ok((done.created, done.moved))
    }

    /// Ends a move whose history is done: the channel flips to help desk (R16) in the
    /// same transaction. Settings are not touched (R6).
    pub async fn finish_move(&self, move_id: i64) -> StoreResult<Option<MoveRow>> {
        let mut tx = self.begin_write().await?;
        let now = Utc::now();
        let Some(m) = move_in(&mut tx, move_id).await? else {
            return Ok(None);
        };
        if m.state != MoveState::Running {
            return Ok(None);
        }
        flip_channel(&mut tx, m.channel_id).await?;
        sqlx::query("UPDATE moves SET state = 'completed', finished_at = $1, last_error = NULL WHERE id = $2")
            .bind(to_millis(now))
            .bind(move_id)
            .execute(&mut *tx)
            .await?;
        let row = move_in(&mut tx, move_id).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Notes the fault that holds a move back; the move stays running and retries.
    pub async fn record_move_error(&self, move_id: i64, error: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE moves SET last_error = $1 WHERE id = $2")
            .bind(error)
            .bind(move_id)
            .execute(&mut *tx)
            .await?;
        Ok(tx.commit().await?)
    }
}

/// What a ticket created by a move takes from the account: its pipeline and SLA (R13).
struct TicketDefaults {
    pipeline_id: i64,
    first_ms: Option<i64>,
    close_ms: Option<i64>,
}

async fn ticket_defaults(
    conn: &mut AnyConnection,
    account_id: i64,
    open_status: i64,
) -> StoreResult<TicketDefaults> {
    let pipeline_id: i64 = sqlx::query("SELECT pipeline_id FROM pipeline_statuses WHERE id = $1")
        .bind(open_status)
        .fetch_one(&mut *conn)
        .await?
        .try_get("pipeline_id")?;
    let sla = super::sla_policy_on(conn, account_id).await?;
    Ok(TicketDefaults {
        pipeline_id,
        first_ms: sla.as_ref().map(|p| p.first_reply_seconds * 1000),
        close_ms: sla.as_ref().map(|p| p.close_seconds * 1000),
    })
}

/// A channel's history counted outside the write turn, with what it was counted against.
struct EarlyCount {
    count: i64,
    max_id: i64,
    last_move: i64,
}

impl Store {
    async fn history_count(&self, channel_id: i64) -> StoreResult<EarlyCount> {
        // One read transaction: the three answers come from the same snapshot.
        let mut tx = self.begin().await?;
        let max_id = max_conversation_id(&mut tx).await?;
        let last_move = last_move_of(&mut tx, channel_id).await?;
        let count = history_between(&mut tx, channel_id, 0, max_id).await?;
        tx.commit().await?;
        Ok(EarlyCount {
            count,
            max_id,
            last_move,
        })
    }
}

async fn max_conversation_id(conn: &mut AnyConnection) -> StoreResult<i64> {
    Ok(
        sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM conversations")
            .fetch_one(&mut *conn)
            .await?
            .try_get("m")?,
    )
}

async fn last_move_of(conn: &mut AnyConnection, channel_id: i64) -> StoreResult<i64> {
    Ok(
        sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM moves WHERE channel_id = $1")
            .bind(channel_id)
            .fetch_one(&mut *conn)
            .await?
            .try_get("m")?,
    )
}

/// The channel's history (R19: by original channel, still in the inbox) with ids in
/// `after..=upto`.
async fn history_between(
    conn: &mut AnyConnection,
    channel_id: i64,
    after: i64,
    upto: i64,
) -> StoreResult<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM conversations \
         WHERE original_channel_id = $1 AND workspace = 'inbox' AND id > $2 AND id <= $3",
    )
    .bind(channel_id)
    .bind(after)
    .bind(upto)
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?)
}

/// A stretch of one channel's history to move: its inbox conversations by original
/// channel (R19) with ids in `after..=upto`.
struct HistoryRange {
    account_id: i64,
    channel_id: i64,
    /// The statuses its open and closed conversations' new tickets get (R11).
    statuses: (i64, i64),
    after: i64,
    upto: i64,
    /// R22: whether created tickets notify their owners (not when the move is muted).
    notify: bool,
    now: DateTime<Utc>,
}

/// What moving a stretch of history did.
struct RangeMoved {
    created: i64,
    unassigned: i64,
    moved: i64,
}

/// Moves a stretch of history in set-based SQL, exactly as
/// `deskmove_rules::plan_history_ticket` plans each conversation:
/// - R11: a conversation without ticket gets one created at its start, status
///   mapped from open/closed, owner kept only with help desk access;
/// - R10: an existing ticket is kept as it is; one without SLA gets due times
///   from its own created_at (R13);
/// - R22: each created ticket with an owner notifies them, unless muted.
///
/// The conversation's owner becomes its ticket's owner (in help desk they are one).
/// Only conversations still in the inbox without a ticket are touched, so doing a
/// stretch again does nothing twice.
async fn move_range(conn: &mut AnyConnection, r: &HistoryRange) -> StoreResult<RangeMoved> {
    let TicketDefaults {
        pipeline_id,
        first_ms,
        close_ms,
    } = ticket_defaults(conn, r.account_id, r.statuses.0).await?;
    let ticket_mark: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM tickets")
        .fetch_one(&mut *conn)
        .await?
        .try_get("m")?;
    // R11, R13: the missing tickets.
    let created = sqlx::query(
        "INSERT INTO tickets (account_id, conversation_id, pipeline_id, status_id, owner_id, created_at, \
            first_reply_due, close_due) \
         SELECT c.account_id, c.id, $1, \
            CASE WHEN c.status = 'open' THEN $2 ELSE $3 END, \
            CASE WHEN u.help_desk_access = 1 THEN c.owner_id ELSE NULL END, \
            c.started_at, c.started_at + $4, c.started_at + $5 \
         FROM conversations c LEFT JOIN users u ON u.id = c.owner_id \
         WHERE c.original_channel_id = $6 AND c.workspace = 'inbox' AND c.id > $7 AND c.id <= $8 \
            AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id)",
    )
    .bind(pipeline_id)
    .bind(r.statuses.0)
    .bind(r.statuses.1)
    .bind(first_ms)
    .bind(close_ms)
    .bind(r.channel_id)
    .bind(r.after)
    .bind(r.upto)
    .execute(&mut *conn)
    .await?
    .rows_affected() as i64;
    let unassigned: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM tickets WHERE id > $1 AND owner_id IS NULL")
            .bind(ticket_mark)
            .fetch_one(&mut *conn)
            .await?
            .try_get("n")?;
    // R10 decision, R13: kept tickets without SLA get due times from their own creation.
    if let (Some(first_ms), Some(close_ms)) = (first_ms, close_ms) {
        sqlx::query(
            "UPDATE tickets SET first_reply_due = created_at + $1, close_due = created_at + $2 \
             WHERE first_reply_due IS NULL AND id <= $3 AND conversation_id IN ( \
                SELECT id FROM conversations \
                WHERE original_channel_id = $4 AND workspace = 'inbox' AND id > $5 AND id <= $6)",
        )
        .bind(first_ms)
        .bind(close_ms)
        .bind(ticket_mark)
        .bind(r.channel_id)
        .bind(r.after)
        .bind(r.upto)
        .execute(&mut *conn)
        .await?;
    }
    // R22: the created tickets notify their owners unless the move is muted.
    if r.notify {
        sqlx::query(
            "INSERT INTO notifications (user_id, kind, ticket_id, created_at) \
             SELECT owner_id, 'ticket_created', id, $1 FROM tickets WHERE id > $2 AND owner_id IS NOT NULL",
        )
        .bind(to_millis(r.now))
        .bind(ticket_mark)
        .execute(&mut *conn)
        .await?;
    }
    let moved = sqlx::query(
        "UPDATE conversations SET workspace = 'help_desk', \
            owner_id = (SELECT t.owner_id FROM tickets t WHERE t.conversation_id = conversations.id) \
         WHERE original_channel_id = $1 AND workspace = 'inbox' AND id > $2 AND id <= $3",
    )
    .bind(r.channel_id)
    .bind(r.after)
    .bind(r.upto)
    .execute(&mut *conn)
    .await?
    .rows_affected() as i64;
    Ok(RangeMoved {
        created,
        unassigned,
        moved,
    })
}

/// R16: the channel itself now belongs to help desk; its settings are not touched (R6).
async fn flip_channel(conn: &mut AnyConnection, channel_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE channels SET workspace = 'help_desk' WHERE id = $1")
        .bind(channel_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
