//! The move engine: runs each move row in batches until its history is in help desk,
//! resumes running moves after a restart (I4), and rides out faults without losing its place.

mod drive;
mod listen;
mod watch;

pub use drive::DEFAULT_BATCH;
pub use watch::WATCH_EVERY;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use deskmove_rules::{Move, MoveId, MoveState};
use tokio_util::sync::CancellationToken;

use crate::events::EventHub;
use crate::store::{MoveRow, Store, StoreResult};

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
