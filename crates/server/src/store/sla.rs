//! R31: the account's one SLA policy, made, replaced or removed.

use deskmove_rules::sla::SlaPolicyRequest;
use deskmove_rules::{AccountId, MoveId, SlaPolicy};
use sqlx::{AnyConnection, Row};

use super::catalog::sla_policy_on;
use super::{Store, StoreError, StoreResult};

/// R31: fixes the account's policy (or that it has none) on move `id` as it
/// starts; its tickets count by it whatever the policy becomes meanwhile.
pub(crate) async fn fix_sla(
    conn: &mut AnyConnection,
    account: AccountId,
    id: MoveId,
) -> StoreResult<()> {
    let policy = sla_policy_on(conn, account).await?;
    let json = serde_json::to_string(&policy)
        .map_err(|e| StoreError::Corrupt(format!("SLA policy: {e}")))?;
    sqlx::query("UPDATE moves SET sla_policy = $1 WHERE id = $2")
        .bind(json)
        .bind(id.get())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// R31: the policy move `id`'s tickets count by: the one it fixed at its start;
/// for a move begun before moves fixed one, the account's.
pub(crate) async fn move_sla_on(
    conn: &mut AnyConnection,
    account: AccountId,
    id: MoveId,
) -> StoreResult<Option<SlaPolicy>> {
    let fixed: Option<String> = sqlx::query("SELECT sla_policy FROM moves WHERE id = $1")
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("sla_policy"))
        .transpose()?
        .flatten();
    match fixed {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("a move's SLA policy: {e}"))),
        None => sla_policy_on(conn, account).await,
    }
}

impl Store {
    /// Makes or replaces the account's policy; tickets after it count by it
    /// (a running move keeps the one fixed at its start).
    pub async fn put_sla_policy(
        &self,
        account: AccountId,
        policy: &SlaPolicyRequest,
    ) -> StoreResult<SlaPolicy> {
        let hours = serde_json::to_string(&policy.hours)
            .map_err(|e| StoreError::Corrupt(format!("SLA hours: {e}")))?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sla_policies (account_id, name, first_reply_seconds, close_seconds, hours) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (account_id) DO UPDATE SET name = $2, first_reply_seconds = $3, \
                close_seconds = $4, hours = $5",
        )
        .bind(account.get())
        .bind(policy.name.trim())
        .bind(policy.first_reply_seconds)
        .bind(policy.close_seconds)
        .bind(hours)
        .execute(&mut *tx)
        .await?;
        let stored = sla_policy_on(&mut tx, account)
            .await?
            .ok_or_else(|| StoreError::Corrupt("the SLA policy just written is gone".into()))?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Removes the account's policy; whether there was one. R5's warning is back.
    pub async fn delete_sla_policy(&self, account: AccountId) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query("DELETE FROM sla_policies WHERE account_id = $1")
            .bind(account.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(gone > 0)
    }
}
