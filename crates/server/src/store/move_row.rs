//! A move's durable row: its columns, how it is read back, and what the API sees of it.

use chrono::{DateTime, Utc};
use deskmove_rules::progress::eta_seconds;
use deskmove_rules::{
    AccountId, ChannelId, Move, MoveHistory, MoveId, MoveState, Said, SlaPolicy, StatusId, UserId,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow, Row};

use super::catalog::typed;
use super::{from_millis, opt_id, to_millis, Store, StoreError, StoreResult};

/// A move as stored: the API's `Move` plus what the engine needs to resume it.
#[derive(Clone, Debug)]
pub struct MoveRow {
    pub id: MoveId,
    pub account_id: AccountId,
    pub channel_id: ChannelId,
    pub requested_by: UserId,
    /// Open and closed status ids, or `None` for "Don't move any conversations".
    pub history: Option<(StatusId, StatusId)>,
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
    /// R24: when the move was (last) set to start; `None` for "Start now".
    pub start_at: Option<i64>,
    /// R24: why it could not start at its time, as the rules' facts.
    pub failure: Vec<Said>,
    /// R26: whether the move keeps a report (every move since reports began).
    pub reported: bool,
    /// R31: the SLA policy fixed at its start, if it fixed one and there was one.
    pub sla_policy: Option<SlaPolicy>,
}

pub(crate) const MOVE_COLUMNS: &str = "id, account_id, channel_id, requested_by, history_mode, open_status_id, \
     closed_status_id, mute_notifications, state, total, moved, tickets_created, unassigned, arrived, \
     resume_after, history_max_id, started_at, finished_at, last_error, start_at, failure, reported, \
     sla_policy";

impl FromRow<'_, AnyRow> for MoveRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        let mode: String = r.try_get("history_mode")?;
        let statuses = (
            opt_id::<StatusId>(r.try_get("open_status_id")?),
            opt_id::<StatusId>(r.try_get("closed_status_id")?),
        );
        let history = match (mode.as_str(), statuses) {
            ("all", (Ok(Some(open)), Ok(Some(closed)))) => Some((open, closed)),
            ("none", _) => None,
            _ => {
                return Err(sqlx::Error::ColumnDecode {
                    index: "history_mode".into(),
                    source: format!("a move of history mode {mode} without its statuses").into(),
                })
            }
        };
        Ok(MoveRow {
            id: typed::<_, i64>(r, "id")?,
            account_id: typed::<_, i64>(r, "account_id")?,
            channel_id: typed::<_, i64>(r, "channel_id")?,
            requested_by: typed::<_, i64>(r, "requested_by")?,
            history,
            mute_notifications: r.try_get::<i64, _>("mute_notifications")? != 0,
            state: typed::<_, String>(r, "state")?,
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
            start_at: r.try_get("start_at")?,
            failure: match r.try_get::<Option<String>, _>("failure")? {
                None => Vec::new(),
                Some(json) => {
                    serde_json::from_str(&json).map_err(|e| sqlx::Error::ColumnDecode {
                        index: "failure".into(),
                        source: Box::new(e),
                    })?
                }
            },
            reported: r.try_get::<i64, _>("reported")? != 0,
            sla_policy: r
                .try_get::<Option<String>, _>("sla_policy")?
                .map(|json| serde_json::from_str::<Option<SlaPolicy>>(&json))
                .transpose()
                .map_err(|e| sqlx::Error::ColumnDecode {
                    index: "sla_policy".into(),
                    source: Box::new(e),
                })?
                .flatten(),
        })
    }
}

impl MoveRow {
    /// The API's view of the move; the estimate comes from the rate so far (R15).
    pub fn to_move(&self, now: DateTime<Utc>) -> StoreResult<Move> {
        let n = |v: i64| v.max(0) as u64;
        let running = self.state == MoveState::Running;
        let eta = running
            .then(|| {
                let elapsed = (to_millis(now) - self.started_at).max(0) as u64;
                eta_seconds(n(self.total), n(self.moved), elapsed)
            })
            .flatten();
        Ok(Move {
            id: self.id,
            channel_id: self.channel_id,
            requested_by: self.requested_by,
            history: match self.history {
                Some((open_status_id, closed_status_id)) => MoveHistory::All {
                    open_status_id,
                    closed_status_id,
                },
                None => MoveHistory::None,
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
            paused_reason: self.last_error.clone().filter(|_| running),
            start_at: self.start_at.map(from_millis).transpose()?,
            failed_reason: self
                .last_error
                .clone()
                .filter(|_| self.state == MoveState::Failed),
            failure: self.failure.clone(),
            reported: self.reported,
            sla_policy: self.sla_policy.clone(),
        })
    }
}

pub(crate) async fn move_in(conn: &mut AnyConnection, id: MoveId) -> StoreResult<Option<MoveRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {MOVE_COLUMNS} FROM moves WHERE id = $1"))
            .bind(id.get())
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// A move row that must be there (the transaction holds the write lock).
pub(crate) async fn move_present(conn: &mut AnyConnection, id: MoveId) -> StoreResult<MoveRow> {
    move_in(conn, id)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("move {id} vanished")))
}

impl Store {
    pub async fn move_by_id(&self, account: AccountId, id: MoveId) -> StoreResult<Option<MoveRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {MOVE_COLUMNS} FROM moves WHERE id = $1 AND account_id = $2"
        ))
        .bind(id.get())
        .bind(account.get())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// A move of any account (the engine's own reads).
    pub async fn move_by_id_any(&self, id: MoveId) -> StoreResult<Option<MoveRow>> {
        move_in(&mut *self.pool.acquire().await?, id).await
    }

    /// The running move, else the scheduled one (the database allows one of them).
    pub async fn current_move(&self, account: AccountId) -> StoreResult<Option<MoveRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {MOVE_COLUMNS} FROM moves WHERE account_id = $1 \
             AND state IN ('scheduled', 'running')"
        ))
        .bind(account.get())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Every move of the account, newest first: the audit trail.
    pub async fn moves(&self, account: AccountId) -> StoreResult<Vec<MoveRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {MOVE_COLUMNS} FROM moves WHERE account_id = $1 ORDER BY id DESC"
        ))
        .bind(account.get())
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every running move of every account: what a restarted server resumes (I4).
    pub async fn running_move_ids(&self) -> StoreResult<Vec<MoveId>> {
        let rows = sqlx::query("SELECT id FROM moves WHERE state = 'running' ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| typed::<MoveId, i64>(r, "id"))
            .collect::<sqlx::Result<_>>()?)
    }

    /// R24: the scheduled moves, of every account, whose time has come by `now`.
    pub async fn due_moves(&self, now: DateTime<Utc>) -> StoreResult<Vec<MoveRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {MOVE_COLUMNS} FROM moves WHERE state = 'scheduled' AND start_at <= $1 ORDER BY start_at, id"
        ))
        .bind(to_millis(now))
        .fetch_all(&self.pool)
        .await?)
    }
}
