//! R31: the pipeline's statuses as super admins change them, each change checked
//! by the rules against the pipeline as it is under the write lock.

use deskmove_rules::statuses::{
    deletion_refused, validate_new_status, validate_status_patch, NewStatus, StatusPatch, StatusUse,
};
use deskmove_rules::{AccountId, Pipeline, PipelineId, PipelineStatus, StatusId};
use sqlx::{AnyConnection, Row};

use super::catalog::{pipeline_on, ChannelRow, CHANNEL_COLUMNS};
use super::sql::insert_returning_id;
use super::{Refusal, Store, StoreError, StoreResult};

/// The account's pipeline, if it is `id`.
async fn pipeline_of(
    conn: &mut AnyConnection,
    account: AccountId,
    id: PipelineId,
) -> Result<Pipeline, Refusal> {
    pipeline_on(conn, account)
        .await?
        .filter(|p| p.id == id)
        .ok_or(Refusal::NotFound)
}

/// Writes the statuses' positions in `order`.
async fn reorder(conn: &mut AnyConnection, order: &[StatusId]) -> StoreResult<()> {
    for (position, id) in order.iter().enumerate() {
        sqlx::query("UPDATE pipeline_statuses SET position = $1 WHERE id = $2")
            .bind(position as i64)
            .bind(id.get())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// What uses status `id`: tickets, channels' ticket creation (R6), scheduled or
/// running moves (R9).
async fn uses_of(
    conn: &mut AnyConnection,
    account: AccountId,
    id: StatusId,
) -> StoreResult<Vec<StatusUse>> {
    let mut uses = Vec::new();
    let tickets: i64 = sqlx::query("SELECT COUNT(*) AS n FROM tickets WHERE status_id = $1")
        .bind(id.get())
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    if tickets > 0 {
        uses.push(StatusUse::Tickets(tickets as u64));
    }
    let channels: Vec<ChannelRow> = sqlx::query_as(&format!(
        "SELECT {CHANNEL_COLUMNS} FROM channels WHERE account_id = $1 ORDER BY id"
    ))
    .bind(account.get())
    .fetch_all(&mut *conn)
    .await?;
    uses.extend(
        channels
            .iter()
            .filter(|c| c.settings.ticket_status_id == Some(id))
            .map(|c| StatusUse::Channel(c.name.clone())),
    );
    let moves = sqlx::query(
        "SELECT c.name FROM moves m JOIN channels c ON c.id = m.channel_id \
         WHERE m.account_id = $1 AND m.state IN ('scheduled', 'running') \
            AND (m.open_status_id = $2 OR m.closed_status_id = $2)",
    )
    .bind(account.get())
    .bind(id.get())
    .fetch_all(&mut *conn)
    .await?;
    for m in moves {
        uses.push(StatusUse::Move(m.try_get("name")?));
    }
    Ok(uses)
}

impl Store {
    /// Adds a status at the end of the pipeline.
    pub async fn add_status(
        &self,
        account: AccountId,
        pipeline: PipelineId,
        new: &NewStatus,
    ) -> Result<PipelineStatus, Refusal> {
        let mut tx = self.begin_write().await?;
        let p = pipeline_of(&mut tx, account, pipeline).await?;
        validate_new_status(new, &p).map_err(Refusal::Invalid)?;
        let id = insert_returning_id(
            &mut tx,
            sqlx::query(
                "INSERT INTO pipeline_statuses (pipeline_id, label, state, position) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(pipeline.get())
            .bind(new.label.trim())
            .bind(new.state.as_str())
            .bind(p.statuses.len() as i64),
        )
        .await?;
        let id = StatusId::try_from(id).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        tx.commit().await?;
        Ok(PipelineStatus {
            id,
            label: new.label.trim().to_string(),
            state: new.state,
        })
    }

    /// Renames, re-states or moves a status.
    pub async fn change_status(
        &self,
        account: AccountId,
        pipeline: PipelineId,
        id: StatusId,
        patch: &StatusPatch,
    ) -> Result<PipelineStatus, Refusal> {
        let mut tx = self.begin_write().await?;
        let p = pipeline_of(&mut tx, account, pipeline).await?;
        let mut status = p.status(id).cloned().ok_or(Refusal::NotFound)?;
        validate_status_patch(patch, &p, id).map_err(Refusal::Invalid)?;
        if let Some(label) = &patch.label {
            status.label = label.trim().to_string();
        }
        if let Some(state) = patch.state {
            status.state = state;
        }
        sqlx::query("UPDATE pipeline_statuses SET label = $1, state = $2 WHERE id = $3")
            .bind(&status.label)
            .bind(status.state.as_str())
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        if let Some(position) = patch.position {
            let mut order: Vec<StatusId> = p
                .statuses
                .iter()
                .map(|s| s.id)
                .filter(|s| *s != id)
                .collect();
            order.insert((position as usize).min(order.len()), id);
            reorder(&mut tx, &order).await?;
        }
        tx.commit().await?;
        Ok(status)
    }

    /// Deletes a status nothing uses, unless it is the last of its state.
    pub async fn delete_status(
        &self,
        account: AccountId,
        pipeline: PipelineId,
        id: StatusId,
    ) -> Result<(), Refusal> {
        let mut tx = self.begin_write().await?;
        let p = pipeline_of(&mut tx, account, pipeline).await?;
        if p.status(id).is_none() {
            return Err(Refusal::NotFound);
        }
        let uses = uses_of(&mut tx, account, id).await?;
        if let Some(refused) = deletion_refused(&p, id, &uses) {
            return Err(Refusal::Refused(refused));
        }
        sqlx::query("DELETE FROM pipeline_statuses WHERE id = $1")
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        let order: Vec<StatusId> = p
            .statuses
            .iter()
            .map(|s| s.id)
            .filter(|s| *s != id)
            .collect();
        reorder(&mut tx, &order).await?;
        tx.commit().await?;
        Ok(())
    }
}
