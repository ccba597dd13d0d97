//! `deskmove-server check --db PATH|URL`: names each broken invariant and exits non-zero.

use crate::store::Database;

pub async fn exec(db: &Database) -> anyhow::Result<()> {
    let store = super::open_existing(db).await?;
    let violations = store.check().await?;
    if violations.is_empty() {
        println!("{db}: I1, I2 and I3 hold; every received message is there once (R32).");
        return Ok(());
    }
    for v in &violations {
        println!("{v}");
    }
    std::process::exit(1);
}
