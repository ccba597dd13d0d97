//! Driving one move: its batches, sized to spare other writers, until its history is done.

use std::time::{Duration, Instant};

use chrono::Utc;
use deskmove_rules::progress::PROGRESS_EVENT_INTERVAL_MS;
use deskmove_rules::MoveId;

use super::Engine;
use crate::store::{BatchOutcome, Fault, StoreError, StoreResult};

/// Conversations per batch transaction: large enough to amortise a commit, small
/// enough that an arrival waiting for the write lock waits ~10 ms (measured: at
/// 200 arrivals a second, 2,000 gave a p99 of 43 ms, 1,000 gave 25 ms).
pub const DEFAULT_BATCH: i64 = 1000;

/// While no other writer waits, batches grow up to this many times the set size,
/// as long as one holds the write lock no longer than `BATCH_TARGET`: fewer commits
/// when the help desk is quiet, the set size again as soon as someone waits.
const BATCH_GROWTH: i64 = 4;
const BATCH_TARGET: Duration = Duration::from_millis(25);
/// While a writer waits, a batch that holds the lock too long is halved, down to
/// the set size over this.
const BATCH_SPLIT: i64 = 10;

impl Engine {
    /// Runs a move's batches until it is done (or no longer running).
    pub async fn drive(&self, move_id: MoveId) {
        let interval = Duration::from_millis(PROGRESS_EVENT_INTERVAL_MS);
        let mut last_event = Instant::now();
        let mut backoff = Duration::from_millis(100);
        let mut size = self.batch;
        loop {
            // Shutdown waits for the batch in flight, never cuts it: stop between
            // them, and let another server take the move over at once.
            if self.shutdown.is_cancelled() {
                if let Err(e) = self.store.release_move(move_id, &self.driver).await {
                    tracing::warn!(move_id = move_id.get(), error = %e, "could not release the move");
                }
                return;
            }
            let t = Instant::now();
            let due = last_event.elapsed() >= interval;
            let announce = due || self.fault(move_id).is_some();
            match self
                .store
                .move_batch(move_id, size, Utc::now(), &self.driver, announce)
                .await
            {
                Ok(BatchOutcome::Progress(row)) => {
                    let took = t.elapsed();
                    metrics::histogram!("deskmove_move_batch_duration_seconds")
                        .record(took.as_secs_f64());
                    metrics::histogram!("deskmove_move_batch_conversations").record(size as f64);
                    let waiting = match self.store.writers_waiting_anywhere().await {
                        Ok(w) => w,
                        Err(e) => {
                            tracing::warn!(error = %e, "could not see who waits to write");
                            true
                        }
                    };
                    size = self.next_size(size, took, waiting);
                    if self.fault(move_id).is_some() {
                        tracing::info!(move_id = move_id.get(), "move resumed");
                        self.set_fault(move_id, None);
                        self.publish_move(&row);
                    }
                    backoff = Duration::from_millis(100);
                    if due {
                        self.publish_move(&row);
                        last_event = Instant::now();
                    }
                    // Let arrivals and reads take the write lock between batches.
                    if self.pause.is_zero() {
                        tokio::task::yield_now().await;
                    } else {
                        self.rest(self.pause).await;
                    }
                }
                Ok(BatchOutcome::HistoryDone(_)) => match self.finish(move_id).await {
                    Ok(()) => return,
                    Err(e) => backoff = self.hold_back(move_id, &e, backoff).await,
                },
                // Another server drives it; the watch looks again in a second, and
                // takes it over once that server's lease lapses.
                Ok(BatchOutcome::NotRunning) | Ok(BatchOutcome::DrivenElsewhere) => return,
                Err(e) => backoff = self.hold_back(move_id, &e, backoff).await,
            }
        }
    }

    /// Sleeps `d`, or less if shutdown begins.
    async fn rest(&self, d: Duration) {
        tokio::select! {
            _ = tokio::time::sleep(d) => {}
            _ = self.shutdown.cancelled() => {}
        }
    }

    /// The next batch's size, from how long this one took and whether another
    /// writer waits for the lock (here or on another server).
    fn next_size(&self, size: i64, took: Duration, waiting: bool) -> i64 {
        if !self.pause.is_zero() {
            self.batch
        } else if waiting {
            // Hold the lock about BATCH_TARGET and no longer, up to the set size: on
            // a slower database (PostgreSQL over a socket) that is a smaller batch.
            if took > BATCH_TARGET {
                (size / 2).max((self.batch / BATCH_SPLIT).max(1))
            } else if took < BATCH_TARGET / 2 {
                (size * 2).min(self.batch)
            } else {
                size.min(self.batch)
            }
        } else if took < BATCH_TARGET / 2 {
            (size * 2).min(self.batch * BATCH_GROWTH)
        } else if took > BATCH_TARGET {
            (size / 2).max(self.batch)
        } else {
            size
        }
    }

    async fn finish(&self, move_id: MoveId) -> StoreResult<()> {
        let Some(row) = self.store.finish_move(move_id).await? else {
            return Ok(());
        };
        tracing::info!(
            move_id = move_id.get(),
            moved = row.moved,
            arrived = row.arrived,
            "move completed"
        );
        self.publish_move(&row);
        if self.store.is_sqlite() {
            self.publish_channel_here(row.account_id, row.channel_id)
                .await?;
        } else if let Err(e) = self.store.analyze().await {
            // Planned from the statistics of before the move (no help desk
            // conversations), Help Desk's first page took 590 ms at 1M until
            // autovacuum came by; analyzed, 0.6 ms.
            tracing::warn!(move_id = move_id.get(), error = %e, "could not analyze after the move");
        }
        Ok(())
    }

    /// A fault (full disk, read-only file, lock held too long): the move stays
    /// running, says what holds it back, and tries again a little later.
    async fn hold_back(&self, move_id: MoveId, error: &StoreError, backoff: Duration) -> Duration {
        tracing::error!(move_id = move_id.get(), error = %error, "move batch failed; retrying");
        let message = fault_words(error);
        let first = self.fault(move_id).as_deref() != Some(message.as_str());
        self.set_fault(move_id, Some(message.clone()));
        let recorded = self.store.record_move_error(move_id, &message).await;
        if let Err(e) = &recorded {
            tracing::warn!(move_id = move_id.get(), error = %e, "could not record the fault");
        }
        // Recorded, the fault was announced to every server; else tell this one's
        // streams at least.
        if first && (recorded.is_err() || self.store.is_sqlite()) {
            if let Ok(Some(row)) = self.store.move_by_id_any(move_id).await {
                self.publish_move_here(&row);
            }
        }
        self.rest(backoff).await;
        (backoff * 2).min(Duration::from_secs(5))
    }
}

/// A fault in words an admin understands; the move resumes by itself once it is
/// gone. Every agent reads this, so the database's own text stays in the log.
fn fault_words(error: &StoreError) -> String {
    let what = error.fault().unwrap_or(Fault::Io).words();
    format!("Paused: {what}. The move resumes by itself once that is fixed; nothing is lost.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventHub;
    use crate::store::Store;

    async fn engine(dir: &tempfile::TempDir, pause: Duration) -> Engine {
        let store = Store::open_sqlite(&dir.path().join("engine.db"))
            .await
            .unwrap();
        Engine::new(store, EventHub::new(), 100, pause, Default::default())
    }

    #[tokio::test]
    async fn batches_grow_while_nobody_waits_and_stay_under_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let e = engine(&dir, Duration::ZERO).await;
        let quick = Duration::from_millis(1);
        assert_eq!(e.next_size(100, quick, false), 200);
        assert_eq!(e.next_size(200, quick, false), 400);
        assert_eq!(
            e.next_size(400, quick, false),
            400,
            "at most 4x the set size"
        );
        assert_eq!(
            e.next_size(400, BATCH_TARGET * 2, false),
            200,
            "too slow: halve"
        );
        assert_eq!(
            e.next_size(100, BATCH_TARGET * 2, false),
            100,
            "never below the set size while nobody waits"
        );
        assert_eq!(
            e.next_size(200, BATCH_TARGET * 3 / 4, false),
            200,
            "near the target: keep"
        );
    }

    #[tokio::test]
    async fn batches_fall_back_to_the_set_size_as_soon_as_a_writer_waits() {
        let dir = tempfile::tempdir().unwrap();
        let e = engine(&dir, Duration::ZERO).await;
        let held = e.store.begin_write().await.unwrap();
        let store = e.store.clone();
        let waiter = tokio::spawn(async move { store.begin_write().await.map(|_| ()) });
        while e.store.writers_waiting() == 0 {
            tokio::task::yield_now().await;
        }
        assert!(e.store.writers_waiting_anywhere().await.unwrap());
        assert_eq!(e.next_size(400, Duration::from_millis(1), true), 100);
        drop(held);
        waiter.await.unwrap().unwrap();
        assert_eq!(e.store.writers_waiting(), 0);
        assert!(!e.store.writers_waiting_anywhere().await.unwrap());
    }

    #[tokio::test]
    async fn while_a_writer_waits_a_slow_batch_shrinks_below_the_set_size() {
        let dir = tempfile::tempdir().unwrap();
        let e = engine(&dir, Duration::ZERO).await;
        let slow = BATCH_TARGET * 2;
        assert_eq!(e.next_size(100, slow, true), 50, "too slow: halve");
        assert_eq!(e.next_size(20, slow, true), 10, "down to a tenth");
        assert_eq!(e.next_size(10, slow, true), 10);
        assert_eq!(e.next_size(10, BATCH_TARGET / 4, true), 20, "quick: grow");
        assert_eq!(
            e.next_size(80, BATCH_TARGET / 4, true),
            100,
            "to the set size"
        );
        assert_eq!(
            e.next_size(50, BATCH_TARGET * 3 / 4, true),
            50,
            "near the target: keep"
        );
    }

    #[tokio::test]
    async fn a_throttled_move_keeps_its_set_size() {
        let dir = tempfile::tempdir().unwrap();
        let e = engine(&dir, Duration::from_millis(150)).await;
        assert_eq!(e.next_size(100, Duration::from_millis(1), false), 100);
    }
}
