//! Watching for moves to run: scheduled ones whose time has come, and running ones nobody drives.

use std::time::Duration;

use chrono::Utc;

use super::Engine;
use crate::starts::{check_start, request_of, start_refused, CheckError};
use crate::store::StoreResult;

/// How often the engine looks for running moves that nobody here drives: one
/// whose start committed while its request went away, or, after a restart, all.
pub const WATCH_EVERY: Duration = Duration::from_secs(1);

impl Engine {
    /// Drives every running move that no task here drives: at start, those that
    /// were running when the server stopped (I4); later, any whose start committed
    /// but whose driver never began.
    pub async fn pick_up(&self) -> StoreResult<usize> {
        let ids = self.store.running_move_ids().await?;
        let mut picked = 0;
        for id in ids {
            if !self.is_driving(id) {
                tracing::debug!(move_id = id.get(), "picking up move");
                self.spawn(id);
                picked += 1;
            }
        }
        Ok(picked)
    }

    /// R24: starts each scheduled move whose time has come, through the checks of
    /// a start now; one that may no longer start ends `failed` with why. Any
    /// server may do it (the start is guarded by the move's state), and a server
    /// that was down when the time came does it as soon as it is up.
    pub async fn start_due(&self) -> StoreResult<usize> {
        let mut started = 0;
        for row in self.store.due_moves(Utc::now()).await? {
            let req = request_of(&row);
            let checked = check_start(
                &self.store,
                row.account_id,
                row.requested_by,
                &req,
                Some(row.id),
                Utc::now(),
            )
            .await;
            let result = match checked {
                Ok(new) => self
                    .store
                    .start_scheduled(&new, row.id)
                    .await
                    .map_err(start_refused),
                Err(e) => Err(e),
            };
            match result {
                Ok(Some(running)) => {
                    tracing::info!(move_id = row.id.get(), "scheduled move started");
                    self.publish_move(&running);
                    self.spawn(running.id);
                    started += 1;
                }
                // Canceled meanwhile, or another server started it.
                Ok(None) => {}
                Err(CheckError::Refused(why)) => {
                    tracing::info!(move_id = row.id.get(), reason = %why.error, "scheduled move failed");
                    if let Some(failed) = self
                        .store
                        .fail_scheduled(row.id, &why.error.message, &why.said)
                        .await?
                    {
                        self.publish_move(&failed);
                    }
                }
                // A fault: the move stays scheduled and is tried again next time.
                Err(CheckError::Store(e)) => {
                    tracing::warn!(move_id = row.id.get(), error = %e, "could not start a scheduled move");
                }
            }
        }
        Ok(started)
    }

    /// Starts due moves and picks up moves now and every [`WATCH_EVERY`] until shutdown.
    pub fn watch(&self) {
        let engine = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(WATCH_EVERY);
            loop {
                tokio::select! {
                    _ = engine.shutdown.cancelled() => return,
                    _ = tick.tick() => {
                        if let Err(e) = engine.start_due().await {
                            tracing::warn!(error = %e, "could not start scheduled moves");
                        }
                        if let Err(e) = engine.pick_up().await {
                            tracing::warn!(error = %e, "could not look for moves to drive");
                        }
                    }
                }
            }
        });
    }
}
