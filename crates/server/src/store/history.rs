//! A channel's history on its way to help desk: the preview's counts, the engine's
//! batches, and the set-based SQL both the batch and the benchmark's limit run.

use chrono::{DateTime, Utc};
use deskmove_rules::plan::{ExistingTicket, HistoricalConversation};
use deskmove_rules::{AccountId, ChannelId, ConversationId, MoveId, MoveState, SlaDue, StatusId};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, Row};

use super::catalog::{sla_policy_on, typed};
use super::moves::{move_in, move_present, MoveRow};
use super::sql::{multi_row_insert, planner_off};
use super::{from_millis, opt_id, to_millis, Store, StoreResult};

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
        let mut counts: HistoryCounts = sqlx::query_as(
            "SELECT COUNT(*) AS conversations, \
                CAST(COALESCE(SUM(CASE WHEN t.id IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS with_ticket, \
                CAST(COALESCE(SUM(CASE WHEN c.status = 'open' THEN 1 ELSE 0 END), 0) AS BIGINT) AS open, \
                CAST(COALESCE(SUM(CASE \
                    WHEN t.id IS NULL AND c.owner_id IS NOT NULL \
                        AND COALESCE(u.help_desk_access, 0) = 0 THEN 1 \
                    WHEN t.owner_id IS NOT NULL AND COALESCE(tu.help_desk_access, 0) = 0 THEN 1 \
                    ELSE 0 END), 0) AS BIGINT) AS owners_without_access \
             FROM conversations c \
             LEFT JOIN tickets t ON t.conversation_id = c.id \
             LEFT JOIN users u ON u.id = c.owner_id \
             LEFT JOIN users tu ON tu.id = t.owner_id \
             WHERE c.original_channel_id = $1 AND c.workspace = 'inbox'",
        )
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
            super::moves::announce(&mut tx, super::moves::Announcement::Move(id)).await?;
        }
        tx.commit().await?;
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

/// What a ticket created by a move takes from the account: its pipeline and SLA (R13).
struct TicketDefaults {
    pipeline_id: i64,
    first_ms: Option<i64>,
    close_ms: Option<i64>,
}

async fn ticket_defaults(
    conn: &mut AnyConnection,
    account: AccountId,
    open_status: StatusId,
) -> StoreResult<TicketDefaults> {
    let pipeline_id: i64 = sqlx::query("SELECT pipeline_id FROM pipeline_statuses WHERE id = $1")
        .bind(open_status.get())
        .fetch_one(&mut *conn)
        .await?
        .try_get("pipeline_id")?;
    let sla = sla_policy_on(conn, account).await?;
    Ok(TicketDefaults {
        pipeline_id,
        first_ms: sla.as_ref().map(|p| p.first_reply_seconds * 1000),
        close_ms: sla.as_ref().map(|p| p.close_seconds * 1000),
    })
}

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
struct Stretch {
    channel: ChannelId,
    after: i64,
    upto: i64,
}

impl Stretch {
    /// The stretch as a condition on `conversations` (its columns named with
    /// `prefix`, "" or "c."), on the three parameters from `$first`; bind them
    /// after the others, with [`Stretch::bind`].
    fn condition(prefix: &str, first: usize) -> String {
        format!(
            "{prefix}original_channel_id = ${first} AND {prefix}workspace = 'inbox' \
             AND {prefix}id > ${} AND {prefix}id <= ${}",
            first + 1,
            first + 2
        )
    }

    fn bind<'q>(self, q: Query<'q, Any, AnyArguments<'q>>) -> Query<'q, Any, AnyArguments<'q>> {
        q.bind(self.channel.get()).bind(self.after).bind(self.upto)
    }
}

/// A stretch of one channel's history to move, and how.
struct HistoryRange {
    account: AccountId,
    stretch: Stretch,
    /// The statuses its open and closed conversations' new tickets get (R11).
    statuses: (StatusId, StatusId),
    /// R22: whether created tickets notify their owners (not when the move is muted).
    notify: bool,
    now: DateTime<Utc>,
    /// R26: the move whose report records what happened to each conversation.
    record: MoveId,
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
    } = ticket_defaults(conn, r.account, r.statuses.0).await?;
    // SQLite's row triggers keep the list totals a row at a time: the stretch's
    // rows are set apart from them here and counted back at the end, a statement
    // each. PostgreSQL's triggers already count a statement at a time.
    let row_counted = conn.backend_name() == "SQLite";
    if !row_counted {
        // Every statement below joins the stretch (a few thousand rows at most) to
        // a table by key. PostgreSQL's planner, costing from its defaults, would
        // rather read the whole tickets table into a hash each batch: a batch then
        // costs as much as the table is large (3.6x the limit at 1M).
        planner_off(conn, &["enable_hashjoin", "enable_mergejoin"]).await?;
    } else {
        let sql = format!(
            "INSERT INTO counted_apart (conversation_id) SELECT id FROM conversations WHERE {}",
            Stretch::condition("", 1)
        );
        r.stretch
            .bind(sqlx::query(&sql))
            .execute(&mut *conn)
            .await?;
        count_apart(conn, -1).await?;
    }
    // R26: the kept tickets, recorded before their owners are looked at (R10).
    let sql = format!(
        "INSERT INTO move_items (move_id, conversation_id, ticket_id, created, arrived, status_id, \
            owner_id, unassigned_reason) \
         SELECT $1, c.id, t.id, 0, 0, t.status_id, \
            CASE WHEN u.help_desk_access = 1 THEN t.owner_id ELSE NULL END, \
            CASE WHEN t.owner_id IS NULL THEN 'no_owner' \
                 WHEN u.help_desk_access = 1 THEN NULL ELSE 'owner_without_access' END \
         FROM conversations c CROSS JOIN tickets t LEFT JOIN users u ON u.id = t.owner_id \
         WHERE {} AND t.conversation_id = c.id",
        Stretch::condition("c.", 2)
    );
    let query = sqlx::query(&sql).bind(r.record.get());
    r.stretch.bind(query).execute(&mut *conn).await?;
    // The kept tickets first, while every ticket of the stretch is a kept one.
    // R10 decision, R13: a kept ticket whose owner has no help desk access is unassigned.
    let sql = format!(
        "UPDATE tickets SET owner_id = NULL \
         WHERE owner_id IS NOT NULL \
            AND owner_id NOT IN (SELECT id FROM users WHERE help_desk_access = 1) \
            AND conversation_id IN (SELECT c.id FROM conversations c WHERE {})",
        Stretch::condition("c.", 1)
    );
    let kept_unassigned = r
        .stretch
        .bind(sqlx::query(&sql))
        .execute(&mut *conn)
        .await?
        .rows_affected() as i64;
    // R10 decision, R13: kept tickets without SLA get due times from their own creation.
    if let (Some(first_ms), Some(close_ms)) = (first_ms, close_ms) {
        let sql = format!(
            "UPDATE tickets SET first_reply_due = created_at + $1, close_due = created_at + $2 \
             WHERE first_reply_due IS NULL AND conversation_id IN ( \
                SELECT c.id FROM conversations c WHERE {})",
            Stretch::condition("c.", 3)
        );
        let query = sqlx::query(&sql).bind(first_ms).bind(close_ms);
        r.stretch.bind(query).execute(&mut *conn).await?;
    }
    // R11, R13: the missing tickets. What they were is read from the rows the
    // insert returns, never from an id mark another writer's ticket could cross.
    let insert = format!(
        "INSERT INTO tickets (account_id, conversation_id, pipeline_id, status_id, owner_id, created_at, \
            first_reply_due, close_due) \
         SELECT c.account_id, c.id, $1, \
            CASE WHEN c.status = 'open' THEN $2 ELSE $3 END, \
            CASE WHEN u.help_desk_access = 1 THEN c.owner_id ELSE NULL END, \
            c.started_at, c.started_at + $4, c.started_at + $5 \
         FROM conversations c LEFT JOIN users u ON u.id = c.owner_id \
         WHERE {} AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id) \
         RETURNING id, owner_id, conversation_id, status_id",
        Stretch::condition("c.", 6)
    );
    // The insert's arguments: $1 to $5, then the stretch's $6 to $8.
    fn with_args<'q>(
        q: Query<'q, Any, AnyArguments<'q>>,
        r: &HistoryRange,
        pipeline_id: i64,
        due_ms: (Option<i64>, Option<i64>),
    ) -> Query<'q, Any, AnyArguments<'q>> {
        r.stretch.bind(
            q.bind(pipeline_id)
                .bind(r.statuses.0.get())
                .bind(r.statuses.1.get())
                .bind(due_ms.0)
                .bind(due_ms.1),
        )
    }
    let insert_args = |q| with_args(q, r, pipeline_id, (first_ms, close_ms));
    let (created, owned) = if row_counted {
        let created_rows = insert_args(sqlx::query(&insert))
            .fetch_all(&mut *conn)
            .await?;
        let mut owned = Vec::with_capacity(created_rows.len());
        for row in &created_rows {
            if let Some(owner) = row.try_get::<Option<i64>, _>("owner_id")? {
                owned.push((row.try_get::<i64, _>("id")?, owner));
            }
        }
        // R22: the created tickets notify their owners unless the move is muted.
        if r.notify {
            notify_created(conn, &owned, to_millis(r.now)).await?;
        }
        (created_rows.len() as i64, owned.len() as i64)
    } else {
        // PostgreSQL notifies (R22) and reports (R26) from the inserted rows in the
        // same statement, instead of sending them to the server and back: a tenth
        // of a batch.
        let sql = format!(
            "WITH created AS ({insert}), notified AS ( \
                INSERT INTO notifications (user_id, kind, ticket_id, created_at) \
                SELECT owner_id, 'ticket_created', id, $9 FROM created \
                WHERE owner_id IS NOT NULL AND $10 = 1), reported AS ( \
                INSERT INTO move_items (move_id, conversation_id, ticket_id, created, arrived, \
                    status_id, owner_id, unassigned_reason) \
                SELECT $11, n.conversation_id, n.id, 1, 0, n.status_id, n.owner_id, \
                    CASE WHEN n.owner_id IS NOT NULL THEN NULL WHEN c.owner_id IS NULL THEN 'no_owner' \
                         ELSE 'owner_without_access' END \
                FROM created n JOIN conversations c ON c.id = n.conversation_id) \
             SELECT COUNT(*) AS created, COUNT(owner_id) AS owned FROM created"
        );
        let row = insert_args(sqlx::query(&sql))
            .bind(to_millis(r.now))
            .bind(i64::from(r.notify))
            .bind(r.record.get())
            .fetch_one(&mut *conn)
            .await?;
        (row.try_get("created")?, row.try_get("owned")?)
    };
    let unassigned = created - owned + kept_unassigned;
    if row_counted {
        // R26, SQLite: the created tickets, every ticket of the stretch not
        // recorded as kept (PostgreSQL reported them as it inserted them).
        report_created(conn, r).await?;
    }
    let sql = format!(
        "UPDATE conversations SET workspace = 'help_desk', \
            owner_id = (SELECT t.owner_id FROM tickets t WHERE t.conversation_id = conversations.id) \
         WHERE {}",
        Stretch::condition("", 1)
    );
    let moved = r
        .stretch
        .bind(sqlx::query(&sql))
        .execute(&mut *conn)
        .await?
        .rows_affected() as i64;
    if row_counted {
        count_apart(conn, 1).await?;
        sqlx::query("DELETE FROM counted_apart")
            .execute(&mut *conn)
            .await?;
    }
    Ok(RangeMoved {
        created,
        unassigned,
        moved,
    })
}

/// R26: the tickets of the stretch the move created, recorded once the insert
/// made them: every ticket of the stretch not already recorded as kept.
async fn report_created(conn: &mut AnyConnection, r: &HistoryRange) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO move_items (move_id, conversation_id, ticket_id, created, arrived, status_id, \
            owner_id, unassigned_reason) \
         SELECT $1, c.id, t.id, 1, 0, t.status_id, t.owner_id, \
            CASE WHEN t.owner_id IS NOT NULL THEN NULL WHEN c.owner_id IS NULL THEN 'no_owner' \
                 ELSE 'owner_without_access' END \
         FROM conversations c CROSS JOIN tickets t \
         WHERE {} AND t.conversation_id = c.id \
            AND NOT EXISTS (SELECT 1 FROM move_items m WHERE m.move_id = $1 AND m.conversation_id = c.id)",
        Stretch::condition("c.", 2)
    );
    let query = sqlx::query(&sql).bind(r.record.get());
    r.stretch.bind(query).execute(&mut *conn).await?;
    Ok(())
}

/// Tickets a notification each, for `owned` (ticket, owner): `ticket_created` (R22).
async fn notify_created(
    conn: &mut AnyConnection,
    owned: &[(i64, i64)],
    now: i64,
) -> StoreResult<()> {
    let anonymous = conn.backend_name() == "SQLite";
    for chunk in owned.chunks(500) {
        let sql = multi_row_insert(
            anonymous,
            "INSERT INTO notifications (user_id, kind, ticket_id, created_at) VALUES ",
            4,
            chunk.len(),
        );
        let mut q = sqlx::query(&sql);
        for (ticket, owner) in chunk {
            q = q
                .bind(*owner)
                .bind("ticket_created")
                .bind(*ticket)
                .bind(now);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// SQLite: adds (`sign` 1) or takes out (-1) the list totals of the conversations
/// in `counted_apart` and of their tickets (migration 0007's groups). CROSS JOIN
/// keeps SQLite's loops in this order: a scan of the conversations otherwise.
async fn count_apart(conn: &mut AnyConnection, sign: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO conversation_counts (account_id, workspace, channel_id, status, owner_id, n) \
         SELECT c.account_id, c.workspace, c.current_channel_id, c.status, COALESCE(c.owner_id, 0), $1 * COUNT(*) \
         FROM counted_apart a CROSS JOIN conversations c WHERE c.id = a.conversation_id \
         GROUP BY 1, 2, 3, 4, 5 ON CONFLICT (account_id, workspace, channel_id, status, owner_id) \
         DO UPDATE SET n = conversation_counts.n + excluded.n",
    )
    .bind(sign)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO ticket_counts (account_id, workspace, channel_id, status_id, owner_id, n) \
         SELECT t.account_id, c.workspace, c.current_channel_id, t.status_id, COALESCE(t.owner_id, 0), $1 * COUNT(*) \
         FROM counted_apart a CROSS JOIN conversations c CROSS JOIN tickets t \
         WHERE c.id = a.conversation_id AND t.conversation_id = c.id \
         GROUP BY 1, 2, 3, 4, 5 ON CONFLICT (account_id, workspace, channel_id, status_id, owner_id) \
         DO UPDATE SET n = ticket_counts.n + excluded.n",
    )
    .bind(sign)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// R16: the channel itself now belongs to help desk; its settings are not touched (R6).
pub(crate) async fn flip_channel(conn: &mut AnyConnection, channel: ChannelId) -> StoreResult<()> {
    sqlx::query("UPDATE channels SET workspace = 'help_desk' WHERE id = $1")
        .bind(channel.get())
        .execute(&mut *conn)
        .await?;
    Ok(())
}
