//! `deskmove-server migrate --db PATH|URL [--check]`: what this binary would
//! apply to a database's schema; without `--check`, applies it (a server does
//! the same at start).

use crate::store::{migration_plan, Database, Store};

pub async fn exec(db: &Database, check: bool) -> anyhow::Result<()> {
    if db.path().is_some_and(|p| !p.exists()) {
        anyhow::bail!("no database at {db}");
    }
    let plan = migration_plan(db).await?;
    if !plan.unknown.is_empty() {
        anyhow::bail!(
            "{db} has {} migration(s) this binary doesn't know ({}): a newer server \
             migrated it; run that version",
            plan.unknown.len(),
            plan.unknown
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let listed = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    if !plan.modified.is_empty() {
        anyhow::bail!(
            "{db}'s migration(s) {} differ from this binary's: they were changed after \
             they ran; a server refuses to start on it",
            listed(&plan.modified)
        );
    }
    if !plan.failed.is_empty() {
        anyhow::bail!(
            "{db}'s migration(s) {} failed halfway: restore the last backup",
            listed(&plan.failed)
        );
    }
    if plan.pending.is_empty() {
        println!("{db} is up to date: nothing to apply.");
        return Ok(());
    }
    let verb = if check { "would apply" } else { "applies" };
    println!(
        "This binary {verb} {} migration(s) to {db}:",
        plan.pending.len()
    );
    for (version, description) in &plan.pending {
        println!("  {version} {description}");
    }
    if !check {
        Store::open_at(db).await?.close().await;
        println!("Done.");
    }
    Ok(())
}
