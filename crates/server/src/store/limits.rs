//! The sign-in limits' buckets in the database (PostgreSQL, where several servers
//! share them): one row a key, leaking as it ages. Single-statement upserts on
//! the pool, outside the write lock: a flood of sign-ins never queues behind a move.

use sqlx::Row;

use super::{Store, StoreResult};

impl Store {
    /// A key's failures as last counted, and when (Unix ms); the caller leaks them.
    pub async fn failures(&self, key: &str) -> StoreResult<Option<(f64, i64)>> {
        let row = sqlx::query("SELECT failures, at FROM sign_in_failures WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            None => None,
            Some(r) => Some((r.try_get("failures")?, r.try_get("at")?)),
        })
    }

    /// One more failure for `key`, the earlier ones leaked one per `leak_ms` in
    /// the same statement, so concurrent failures on several servers all count.
    pub async fn fail(&self, key: &str, now_ms: i64, leak_ms: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sign_in_failures (key, failures, at) VALUES ($1, 1, $2) \
             ON CONFLICT (key) DO UPDATE SET at = $2, failures = 1 + GREATEST(0, \
                sign_in_failures.failures - CAST(GREATEST(0, $2 - sign_in_failures.at) AS DOUBLE PRECISION) / $3)",
        )
        .bind(key)
        .bind(now_ms)
        .bind(leak_ms as f64)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets `key`'s failures (the right password).
    pub async fn forget_failures(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes the buckets last touched before `before_ms` (long leaked empty).
    pub async fn sweep_failures(&self, before_ms: i64) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
            .bind(before_ms)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}
