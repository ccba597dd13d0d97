//! The lists' totals. The triggers of migration 0007 keep how many conversations
//! and tickets each group of the list filters holds, so a total is a sum over a
//! few hundred rows; what they don't group by (a search, the original channel) is
//! counted, up to a bound.

use deskmove_rules::{AccountId, Workspace};
use sqlx::Row;

use super::conversations::{conversations_where, ConversationFilter};
use super::sql::{Arg, Sql};
use super::tickets::{tickets_where, TicketFilter};
use super::{Store, StoreResult};

/// How many rows match a list filter: exactly `n`, or at least `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Total {
    pub n: u64,
    pub at_least: bool,
}

/// A counted total is exact up to this many, or to one past the page asked for
/// when that is deeper, so a Next link never goes missing.
pub const COUNTED_UP_TO: u64 = 1_000;

fn bound(sort: Option<(impl Sized, u32)>, limit: u32) -> u64 {
    let end = sort.map_or(0, |(_, offset)| u64::from(offset)) + u64::from(limit);
    COUNTED_UP_TO.max(end)
}

/// Counts the rows of `sql` (a `SELECT 1 …` with its conditions) up to `bound`.
async fn count_up_to(store: &Store, mut sql: Sql, bound: u64) -> StoreResult<Total> {
    let l = sql.arg(Arg::Int(bound as i64 + 1));
    sql.push(&format!(" LIMIT {l}) AS matched"));
    let n: i64 = sql.query().fetch_one(&store.pool).await?.try_get("n")?;
    let n = n.max(0) as u64;
    Ok(Total {
        n: n.min(bound),
        at_least: n > bound,
    })
}

async fn sum(store: &Store, sql: Sql) -> StoreResult<Total> {
    let n: i64 = sql.query().fetch_one(&store.pool).await?.try_get("n")?;
    Ok(Total {
        n: n.max(0) as u64,
        at_least: false,
    })
}

fn workspace_arg(w: Option<Workspace>) -> Option<Arg> {
    w.map(|w| Arg::Text(w.as_str().into()))
}

impl Store {
    /// How many conversations the filter matches, all pages together.
    pub async fn count_conversations(
        &self,
        account: AccountId,
        f: &ConversationFilter,
    ) -> StoreResult<Total> {
        if f.search.is_some() || f.original_channel_id.is_some() {
            let mut sql = Sql::new(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM conversations c",
                self.is_sqlite,
            );
            conversations_where(&mut sql, account, f);
            return count_up_to(self, sql, bound(f.sort, f.limit)).await;
        }
        let mut sql =
            Sql::new(
            "SELECT CAST(COALESCE(SUM(k.n), 0) AS BIGINT) AS n FROM conversation_counts k WHERE TRUE",
            self.is_sqlite,
        );
        sql.and("k.account_id = {}", Arg::Int(account.get()));
        sql.and_some("k.workspace = {}", workspace_arg(f.workspace));
        sql.and_some("k.channel_id = {}", f.channel_id.map(|c| Arg::Int(c.get())));
        sql.and_some(
            "k.status = {}",
            f.status.map(|s| Arg::Text(s.as_str().into())),
        );
        sql.and_some("k.owner_id = {}", f.owner_id.map(|u| Arg::Int(u.get())));
        if f.unassigned {
            sql.push(" AND k.owner_id = 0");
        }
        sum(self, sql).await
    }

    /// How many tickets the filter matches, all pages together.
    pub async fn count_tickets(&self, account: AccountId, f: &TicketFilter) -> StoreResult<Total> {
        // The kept counts know neither words nor due times: those are counted.
        if f.search.is_some() || f.overdue_at.is_some() {
            let mut sql = Sql::new(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM tickets t \
                 JOIN conversations c ON c.id = t.conversation_id",
                self.is_sqlite,
            );
            tickets_where(&mut sql, account, f);
            return count_up_to(self, sql, bound(f.sort, f.limit)).await;
        }
        let mut sql = Sql::new(
            "SELECT CAST(COALESCE(SUM(k.n), 0) AS BIGINT) AS n FROM ticket_counts k",
            self.is_sqlite,
        );
        if f.state.is_some() {
            sql.push(" JOIN pipeline_statuses s ON s.id = k.status_id");
        }
        sql.push(" WHERE TRUE");
        sql.and("k.account_id = {}", Arg::Int(account.get()));
        sql.and_some(
            "s.state = {}",
            f.state.map(|s| Arg::Text(s.as_str().into())),
        );
        sql.and_some("k.workspace = {}", workspace_arg(f.workspace));
        sql.and_some("k.channel_id = {}", f.channel_id.map(|c| Arg::Int(c.get())));
        sql.and_some("k.status_id = {}", f.status_id.map(|s| Arg::Int(s.get())));
        sql.and_some("k.owner_id = {}", f.owner_id.map(|u| Arg::Int(u.get())));
        if f.unassigned {
            sql.push(" AND k.owner_id = 0");
        }
        sum(self, sql).await
    }

    /// Each group whose kept total differs from a count of the rows: empty on a
    /// sound database (`check` and the tests ask).
    pub async fn miscounted_groups(&self) -> StoreResult<Vec<String>> {
        let mut out = Vec::new();
        for (label, kept, status, counted) in [
            (
                "conversations",
                "conversation_counts",
                "status",
                "SELECT account_id, workspace, current_channel_id AS channel_id, status, \
                    COALESCE(owner_id, 0) AS owner_id, COUNT(*) AS counted \
                 FROM conversations GROUP BY 1, 2, 3, 4, 5",
            ),
            (
                "tickets",
                "ticket_counts",
                "status_id",
                "SELECT t.account_id, c.workspace, c.current_channel_id AS channel_id, t.status_id, \
                    COALESCE(t.owner_id, 0) AS owner_id, COUNT(*) AS counted \
                 FROM tickets t JOIN conversations c ON c.id = t.conversation_id GROUP BY 1, 2, 3, 4, 5",
            ),
        ] {
            // Kept and counted side by side, each group once, whichever side has it.
            let sql = format!(
                "SELECT workspace, channel_id, {status} AS status, owner_id, \
                    CAST(SUM(kept) AS BIGINT) AS kept, CAST(SUM(counted) AS BIGINT) AS counted \
                 FROM (SELECT account_id, workspace, channel_id, {status}, owner_id, n AS kept, 0 AS counted \
                       FROM {kept} \
                       UNION ALL \
                       SELECT account_id, workspace, channel_id, {status}, owner_id, 0, counted \
                       FROM ({counted}) AS g) AS both_sides \
                 GROUP BY account_id, workspace, channel_id, {status}, owner_id \
                 HAVING SUM(kept) <> SUM(counted)"
            );
            for r in sqlx::query(&sql).fetch_all(&self.pool).await? {
                out.push(format!(
                    "{label} {} channel {} status {} owner {}: kept {}, counted {}",
                    r.try_get::<String, _>("workspace")?,
                    r.try_get::<i64, _>("channel_id")?,
                    r.try_get::<String, _>("status")
                        .or_else(|_| r.try_get::<i64, _>("status").map(|s| s.to_string()))?,
                    r.try_get::<i64, _>("owner_id")?,
                    r.try_get::<i64, _>("kept")?,
                    r.try_get::<i64, _>("counted")?,
                ));
            }
        }
        Ok(out)
    }
}
