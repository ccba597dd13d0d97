//! A lever a test pulls to keep a move running for as long as it needs, whatever
//! the machine's speed: the move's lease, held by nobody that drives.
//!
//! A batch runs only under the move's lease (`Store::move_batch`); held here, every
//! server's engine stands back until [`let_go`]. A held scheduled move still starts
//! at its time and then stays at its first batch.

use deskmove_rules::MoveId;
use deskmove_server::store::Store;

/// The lease's holder while a test holds a move.
pub const HOLDER: &str = "held by a test";

/// Keeps move `id` from moving another batch (and so from finishing) until
/// [`let_go`]. Panics if the move is already past holding: ended, or with no
/// history left, when a later batch could no longer be refused.
pub async fn hold(store: &Store, id: MoveId) {
    // The write lock: a batch in flight commits first, so `moved` is current.
    let mut tx = store.begin_write().await.expect("the write lock");
    let held = sqlx::query(
        "UPDATE moves SET driver = $1, lease_until = $2 WHERE id = $3 \
         AND (state = 'scheduled' OR (state = 'running' AND moved < total))",
    )
    .bind(HOLDER)
    .bind(i64::MAX / 2)
    .bind(id.get())
    .execute(&mut *tx)
    .await
    .expect("hold the move")
    .rows_affected();
    tx.commit().await.expect("hold the move");
    assert_eq!(held, 1, "move {id} was past holding");
}

/// Lets the move go on: the engine's next look (within a second) drives it.
pub async fn let_go(store: &Store, id: MoveId) {
    store
        .release_move(id, HOLDER)
        .await
        .expect("let the move go");
}

/// Makes a scheduled move due now, so a test schedules it far ahead, does what
/// it must before the start at its own pace, then lets the start come.
pub async fn make_due(store: &Store, id: MoveId) {
    let now = chrono::Utc::now().timestamp_millis();
    let mut tx = store.begin_write().await.expect("the write lock");
    let changed =
        sqlx::query("UPDATE moves SET start_at = $1 WHERE id = $2 AND state = 'scheduled'")
            .bind(now)
            .bind(id.get())
            .execute(&mut *tx)
            .await
            .expect("make the move due")
            .rows_affected();
    tx.commit().await.expect("make the move due");
    assert_eq!(changed, 1, "move {id} is scheduled");
}
