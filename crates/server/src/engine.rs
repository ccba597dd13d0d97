//! The move engine: runs each move row in batches until its history is in help desk,
//! resumes running moves after a restart (I4), and rides out faults without losing its place.

use std::time::{Duration, Instant};

use chrono::Utc;
use deskmove_rules::progress::PROGRESS_EVENT_INTERVAL_MS;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use deskmove_rules::{AccountId, ChannelId, Move, MoveId, MoveState};

use crate::catalog::Catalog;
use crate::events::{EventHub, LiveEvent};
use crate::starts::{check_start, request_of, start_refused, CheckError};
use crate::store::{
    Announcement, BatchOutcome, Fault, MoveRow, Store, StoreError, StoreResult, ANNOUNCEMENTS,
};

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

/// How often the engine looks for running moves that nobody here drives: one
/// whose start committed while its request went away, or, after a restart, all.
pub const WATCH_EVERY: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub struct Engine {
    store: Store,
    hub: EventHub,
    batch: i64,
    pause: Duration,
    /// What holds each move back now; kept in memory too, since a full disk may
    /// refuse even the note of it.
    faults: Arc<Mutex<HashMap<MoveId, String>>>,
    /// The moves a task of this process drives now: never two for one move.
    driving: Arc<Mutex<HashSet<MoveId>>>,
    /// Cancelled at shutdown: drivers stop between batches.
    shutdown: CancellationToken,
    /// This server among the servers of one database: the name its move leases
    /// carry, its process id and a fresh token (so an operator, or a test, can
    /// tell which process drives a move).
    driver: Arc<str>,
}

impl Engine {
    /// `pause` is slept between batches: a throttle that spares a busy database.
    pub fn new(
        store: Store,
        hub: EventHub,
        batch: i64,
        pause: Duration,
        shutdown: CancellationToken,
    ) -> Self {
        Engine {
            store,
            hub,
            batch: batch.max(1),
            pause,
            faults: Arc::default(),
            driving: Arc::default(),
            shutdown,
            driver: format!("pid {} {}", std::process::id(), crate::auth::new_token()).into(),
        }
    }

    /// The API's view of a move, with what holds it back right now.
    pub fn view(&self, row: &MoveRow) -> StoreResult<Move> {
        let mut m = row.to_move(Utc::now())?;
        if m.state == MoveState::Running {
            if let Some(f) = self.fault(row.id) {
                m.paused_reason = Some(f);
            }
        }
        Ok(m)
    }

    fn fault(&self, move_id: MoveId) -> Option<String> {
        self.faults.lock().ok()?.get(&move_id).cloned()
    }

    fn set_fault(&self, move_id: MoveId, fault: Option<String>) {
        if let Ok(mut f) = self.faults.lock() {
            match fault {
                Some(text) => f.insert(move_id, text),
                None => f.remove(&move_id),
            };
        }
    }

    /// Runs a move in the background until it is done, unless a task here already
    /// drives it. A panic in a batch (a bug) is caught and the move resumed from its
    /// last committed batch, not left stranded.
    pub fn spawn(&self, move_id: MoveId) {
        let newly = self
            .driving
            .lock()
            .map(|mut driving| driving.insert(move_id))
            .unwrap_or(false);
        if !newly {
            return;
        }
        let engine = self.clone();
        tokio::spawn(async move {
            let _driving = Driving(engine.driving.clone(), move_id);
            loop {
                let run = std::panic::AssertUnwindSafe(engine.drive(move_id));
                match futures_util::FutureExt::catch_unwind(run).await {
                    Ok(()) => return,
                    Err(_) => {
                        tracing::error!(
                            move_id = move_id.get(),
                            "move task panicked; resuming in a second"
                        );
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
    }

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

    fn is_driving(&self, id: MoveId) -> bool {
        self.driving.lock().map(|d| d.contains(&id)).unwrap_or(true)
    }

    /// Waits until no task here drives a move (each stops after its batch in flight
    /// once shutdown began), for at most `within`.
    pub async fn stopped(&self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        while self.driving.lock().map(|d| !d.is_empty()).unwrap_or(false) {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }

    /// Tells this server's event streams of a move. On PostgreSQL the store's
    /// announcement, committed with the change, reaches every server's streams
    /// instead (see [`Engine::hear_other_servers`]).
    pub fn publish_move(&self, row: &MoveRow) {
        if !self.store.is_sqlite() {
            return;
        }
        self.publish_move_here(row);
    }

    fn publish_move_here(&self, row: &MoveRow) {
        match self.view(row) {
            Ok(body) => self.hub.publish(LiveEvent::Move {
                account_id: row.account_id,
                body,
            }),
            Err(e) => tracing::error!(error = %e, "move event"),
        }
    }

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

    async fn publish_channel_here(
        &self,
        account: AccountId,
        channel: ChannelId,
    ) -> StoreResult<()> {
        let catalog = Catalog::load(&self.store, account).await?;
        if let Some(row) = catalog.channel_row(channel) {
            self.hub.publish(LiveEvent::Channel {
                account_id: account,
                body: catalog.channel(row),
            });
        }
        Ok(())
    }

    /// On PostgreSQL: listens for the announcements every server's store commits
    /// with its changes (`LISTEN`), and tells this server's event streams, so each
    /// stream hears every move and channel whichever server drove it. Reconnects
    /// after a lost connection; stops at shutdown.
    pub fn hear_other_servers(&self, url: String) {
        let engine = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = engine.listen(&url).await {
                    tracing::warn!(error = %e, "listening for other servers' events; again in a second");
                }
                tokio::select! {
                    _ = engine.shutdown.cancelled() => return,
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        });
    }

    async fn listen(&self, url: &str) -> Result<(), sqlx::Error> {
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(ANNOUNCEMENTS).await?;
        loop {
            let heard = tokio::select! {
                _ = self.shutdown.cancelled() => return Ok(()),
                heard = listener.recv() => heard?,
            };
            let result = match Announcement::parse(heard.payload()) {
                Some(Announcement::Move(id)) => match self.store.move_by_id_any(id).await {
                    Ok(Some(row)) => {
                        self.publish_move_here(&row);
                        Ok(())
                    }
                    Ok(None) => Ok(()),
                    Err(e) => Err(e),
                },
                Some(Announcement::Channel(account, channel)) => {
                    self.publish_channel_here(account, channel).await
                }
                None => Ok(()),
            };
            if let Err(e) = result {
                tracing::warn!(error = %e, "an announced event");
            }
        }
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

/// Marks a move as driven here for as long as its task lives.
struct Driving(Arc<Mutex<HashSet<MoveId>>>, MoveId);

impl Drop for Driving {
    fn drop(&mut self) {
        if let Ok(mut d) = self.0.lock() {
            d.remove(&self.1);
        }
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
