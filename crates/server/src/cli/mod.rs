//! The operator's commands of the same binary: one file each, working on the
//! database directly (also while servers run).

pub mod backup;
pub mod check;
pub mod deliver;
pub mod migrate;
pub mod setup_token;
pub mod user;

use crate::store::{Database, Store};

/// The store of a database that exists: a command never creates one.
pub(crate) async fn open_existing(db: &Database) -> anyhow::Result<Store> {
    if db.path().is_some_and(|p| !p.exists()) {
        anyhow::bail!("no database at {db}: start the server on it first");
    }
    Ok(Store::open_at(db).await?)
}
