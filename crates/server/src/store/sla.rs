//! R31: the account's one SLA policy, made, replaced or removed.

use deskmove_rules::sla::SlaPolicyRequest;
use deskmove_rules::{AccountId, SlaPolicy};

use super::catalog::sla_policy_on;
use super::{Store, StoreError, StoreResult};

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
