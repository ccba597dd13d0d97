//! The set-based SQL that carries a stretch of history to help desk, and the channel's flip.

use chrono::{DateTime, Utc};
use deskmove_rules::plan::sla_due;
use deskmove_rules::sla::SlaHours;
use deskmove_rules::{AccountId, ChannelId, MoveId, SlaPolicy, StatusId};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, Row};

use super::catalog::works_in_help_desk;
use super::ranges::Stretch;
use super::sla::move_sla_on;
use super::sql::{multi_row_insert, planner_off};
use super::{to_millis, StoreResult};

/// What a ticket created by a move takes: the pipeline, and the SLA the move
/// fixed at its start (R13, R31).
struct TicketDefaults {
    pipeline_id: i64,
    /// Around the clock, SQL adds the targets itself; in business hours it
    /// can't, and leaves the dues to [`business_dues`].
    first_ms: Option<i64>,
    close_ms: Option<i64>,
    business: Option<SlaPolicy>,
}

async fn ticket_defaults(
    conn: &mut AnyConnection,
    account: AccountId,
    open_status: StatusId,
    record: MoveId,
) -> StoreResult<TicketDefaults> {
    let pipeline_id: i64 = sqlx::query("SELECT pipeline_id FROM pipeline_statuses WHERE id = $1")
        .bind(open_status.get())
        .fetch_one(&mut *conn)
        .await?
        .try_get("pipeline_id")?;
    let sla = move_sla_on(conn, account, record).await?;
    let (always, business) = match sla {
        Some(p) if p.hours != SlaHours::Always => (None, Some(p)),
        other => (other, None),
    };
    Ok(TicketDefaults {
        pipeline_id,
        first_ms: always.as_ref().map(|p| p.first_reply_seconds * 1000),
        close_ms: always.as_ref().map(|p| p.close_seconds * 1000),
        business,
    })
}

/// R31: due times in business hours aren't sums SQL can make. The stretch's
/// tickets left without them (the created ones, and the kept ones that had
/// none, R10) get them here, from the rules' one function, a few hundred per
/// statement.
async fn business_dues(
    conn: &mut AnyConnection,
    r: &HistoryRange,
    policy: &SlaPolicy,
) -> StoreResult<()> {
    let sql = format!(
        "SELECT t.id, t.created_at FROM tickets t JOIN conversations c ON c.id = t.conversation_id \
         WHERE {} AND t.first_reply_due IS NULL",
        Stretch::condition("c.", 1)
    );
    let rows = r
        .stretch
        .bind(sqlx::query(&sql))
        .fetch_all(&mut *conn)
        .await?;
    let mut dues = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let created = super::from_millis(row.try_get("created_at")?)?;
        let due = sla_due(policy, created);
        dues.push((id, to_millis(due.first_reply_due), to_millis(due.close_due)));
    }
    for chunk in dues.chunks(300) {
        let (mut first, mut close, mut ids) = (String::new(), String::new(), Vec::new());
        for (i, _) in chunk.iter().enumerate() {
            let n = 3 * i + 1;
            first.push_str(&format!(" WHEN ${n} THEN ${}", n + 1));
            close.push_str(&format!(" WHEN ${n} THEN ${}", n + 2));
            ids.push(format!("${n}"));
        }
        let sql = format!(
            "UPDATE tickets SET first_reply_due = CASE id{first} END, \
                close_due = CASE id{close} END WHERE id IN ({})",
            ids.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (id, first, close) in chunk {
            query = query.bind(*id).bind(*first).bind(*close);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A stretch of one channel's history to move, and how.
pub(super) struct HistoryRange {
    pub(super) account: AccountId,
    pub(super) stretch: Stretch,
    /// The statuses its open and closed conversations' new tickets get (R11).
    pub(super) statuses: (StatusId, StatusId),
    /// R22: whether created tickets notify their owners (not when the move is muted).
    pub(super) notify: bool,
    pub(super) now: DateTime<Utc>,
    /// R26: the move whose report records what happened to each conversation.
    pub(super) record: MoveId,
}

/// What moving a stretch of history did.
pub(super) struct RangeMoved {
    pub(super) created: i64,
    pub(super) unassigned: i64,
    pub(super) moved: i64,
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
pub(super) async fn move_range(
    conn: &mut AnyConnection,
    r: &HistoryRange,
) -> StoreResult<RangeMoved> {
    let TicketDefaults {
        pipeline_id,
        first_ms,
        close_ms,
        business,
    } = ticket_defaults(conn, r.account, r.statuses.0, r.record).await?;
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
            CASE WHEN {works} = 1 THEN t.owner_id ELSE NULL END, \
            CASE WHEN t.owner_id IS NULL THEN 'no_owner' \
                 WHEN {works} = 1 THEN NULL ELSE 'owner_without_access' END \
         FROM conversations c CROSS JOIN tickets t LEFT JOIN users u ON u.id = t.owner_id \
         WHERE {} AND t.conversation_id = c.id",
        Stretch::condition("c.", 2),
        works = works_in_help_desk("u"),
    );
    let query = sqlx::query(&sql).bind(r.record.get());
    r.stretch.bind(query).execute(&mut *conn).await?;
    // The kept tickets first, while every ticket of the stretch is a kept one.
    // R10 decision, R13: a kept ticket whose owner has no help desk access is unassigned.
    let sql = format!(
        "UPDATE tickets SET owner_id = NULL \
         WHERE owner_id IS NOT NULL \
            AND owner_id NOT IN (SELECT u.id FROM users u WHERE {works} = 1) \
            AND conversation_id IN (SELECT c.id FROM conversations c WHERE {})",
        Stretch::condition("c.", 1),
        works = works_in_help_desk("u"),
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
            first_reply_due, close_due, first_replied_at) \
         SELECT c.account_id, c.id, $1, \
            CASE WHEN c.status = 'open' THEN $2 ELSE $3 END, \
            CASE WHEN {works} = 1 THEN c.owner_id ELSE NULL END, \
            c.started_at, c.started_at + $4, c.started_at + $5, c.first_replied_at \
         FROM conversations c LEFT JOIN users u ON u.id = c.owner_id \
         WHERE {} AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id) \
         RETURNING id, owner_id, conversation_id, status_id",
        Stretch::condition("c.", 6),
        works = works_in_help_desk("u"),
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
    if let Some(policy) = &business {
        business_dues(conn, r, policy).await?;
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
