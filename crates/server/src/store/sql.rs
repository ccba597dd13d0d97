//! SQL built at run time: filters with their arguments, and multi-row inserts.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{AnyConnection, Arguments, Row};

use super::StoreResult;

pub(crate) type Query<'q> = sqlx::query::Query<'q, sqlx::Any, AnyArguments<'q>>;

/// A value to bind in a query built at run time.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

/// SQL assembled from optional filters, with its arguments numbered as it grows,
/// for one backend (where their dialects differ: search and plans).
pub(crate) struct Sql {
    pub text: String,
    args: Vec<Arg>,
    pub sqlite: bool,
}

impl Sql {
    pub fn new(text: &str, sqlite: bool) -> Self {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
            sqlite,
        }
    }

    /// This backend's `EXPLAIN` of a query, and the column its lines are in.
    pub fn explain(select: &str, sqlite: bool) -> Self {
        let prefix = if sqlite {
            "EXPLAIN QUERY PLAN"
        } else {
            "EXPLAIN"
        };
        Sql::new(&format!("{prefix} {select}"), sqlite)
    }

    /// The lines of this `EXPLAIN`'s plan. PostgreSQL plans by the table's size,
    /// and a test's tables are tiny: there it plans with scans and sorts priced
    /// out, which is what it chooses at a million rows.
    pub async fn plan(&self, pool: &sqlx::AnyPool) -> StoreResult<Vec<String>> {
        let column = if self.sqlite { "detail" } else { "QUERY PLAN" };
        let mut tx = pool.begin().await?;
        if !self.sqlite {
            planner_off(&mut tx, &["enable_seqscan", "enable_sort"]).await?;
        }
        let rows = self.query().fetch_all(&mut *tx).await?;
        tx.rollback().await?;
        Ok(rows
            .iter()
            .filter_map(|r| r.try_get::<String, _>(column).ok())
            .collect())
    }

    /// Adds an argument and answers its placeholder.
    pub fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// Adds ` AND <condition>`, where `{}` in the condition stands for `a`'s placeholder.
    pub fn and(&mut self, condition: &str, a: Arg) {
        let p = self.arg(a);
        self.text.push_str(" AND ");
        self.text.push_str(&condition.replace("{}", &p));
    }

    /// Adds ` AND <condition>` when there is a value for it.
    pub fn and_some(&mut self, condition: &str, a: Option<Arg>) {
        if let Some(a) = a {
            self.and(condition, a);
        }
    }

    /// Ends a keyset page: newest first, `limit` rows.
    pub fn newest_first(&mut self, id_column: &str, limit: u32) {
        let l = self.arg(Arg::Int(limit as i64));
        self.text
            .push_str(&format!(" ORDER BY {id_column} DESC LIMIT {l}"));
    }

    /// Ends a numbered page: `order`, `limit` rows after the first `offset`.
    pub fn ordered_page(&mut self, order: &str, limit: u32, offset: u32) {
        let l = self.arg(Arg::Int(limit as i64));
        let o = self.arg(Arg::Int(offset as i64));
        self.text
            .push_str(&format!(" ORDER BY {order} LIMIT {l} OFFSET {o}"));
    }

    fn arguments(&self) -> AnyArguments<'_> {
        let mut args = AnyArguments::default();
        for a in &self.args {
            // Adding an integer or a string to Any's arguments can't fail.
            let _ = match a {
                Arg::Int(i) => args.add(*i),
                Arg::Text(t) => args.add(t.as_str()),
            };
        }
        args
    }

    /// The query, its rows as they come.
    pub fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, AnyArguments<'_>> {
        sqlx::query_with(&self.text, self.arguments())
    }

    /// The query with its rows mapped to `T`.
    pub fn query_as<T>(&self) -> sqlx::query::QueryAs<'_, sqlx::Any, T, AnyArguments<'_>>
    where
        T: for<'r> sqlx::FromRow<'r, AnyRow>,
    {
        sqlx::query_as_with(&self.text, self.arguments())
    }
}

/// `prefix` followed by `rows` groups of `width` placeholders. On SQLite they are
/// anonymous `?`: sqlx looks each numbered one up by name, a linear scan in SQLite,
/// which made binding a statement quadratic in its parameters.
pub(crate) fn multi_row_insert(anonymous: bool, prefix: &str, width: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(prefix.len() + rows * width * 7);
    sql.push_str(prefix);
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..width {
            if c > 0 {
                sql.push(',');
            }
            if anonymous {
                sql.push('?');
            } else {
                sql.push_str(&format!("${}", r * width + c + 1));
            }
        }
        sql.push(')');
    }
    sql
}

/// Runs an `INSERT … RETURNING id` and answers the id.
pub(crate) async fn insert_returning_id(tx: &mut AnyConnection, q: Query<'_>) -> StoreResult<i64> {
    Ok(q.fetch_one(tx).await?.try_get("id")?)
}

/// PostgreSQL: turns the planner's `settings` off until the transaction ends.
pub(crate) async fn planner_off(
    conn: &mut sqlx::AnyConnection,
    settings: &[&str],
) -> Result<(), sqlx::Error> {
    for setting in settings {
        sqlx::query(&format!("SET LOCAL {setting} = off"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
