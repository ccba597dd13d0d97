//! `deskmove-server backup --db PATH --to FILE`: a consistent copy of a live
//! SQLite database, while servers run and moves go on. Restoring is "stop the
//! servers, put the file back, start": a move that was running resumes (I4).
//! PostgreSQL has its own tool: the command says which, and how.

use std::path::Path;

use crate::store::{backup_sqlite, Database};

/// Exit code when nothing was backed up because another tool must do it.
pub const USE_PG_DUMP: i32 = 2;

pub async fn exec(db: &Database, to: &Path) -> anyhow::Result<()> {
    let Some(path) = db.path() else {
        // The URL as the operator gave it, less its password.
        eprintln!(
            "deskmove-server backup: {db} is PostgreSQL: back it up with pg_dump, while \
             servers run (give the password in PGPASSWORD or ~/.pgpass):"
        );
        println!(
            "pg_dump --format=custom --file={} {}",
            shell_word(&to.to_string_lossy()),
            shell_word(&db.to_string())
        );
        std::process::exit(USE_PG_DUMP);
    };
    if !path.exists() {
        anyhow::bail!("no database at {db}");
    }
    if to.exists() {
        anyhow::bail!(
            "{} exists already: give a new file, a backup never overwrites one",
            to.display()
        );
    }
    // Written beside its place under another name, made durable, then given
    // its name only if nothing took it meanwhile: a failed backup never
    // leaves a file that looks like one.
    let dir = match to.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = to
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("--to: give a file name"))?;
    let partial = dir.join(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let made = async {
        backup_sqlite(path, &partial).await?;
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::hard_link(&partial, to).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
                "{} exists already: give a new file, a backup never overwrites one",
                to.display()
            ),
            _ => e.into(),
        })?;
        std::fs::File::open(&dir)?.sync_all()?;
        anyhow::Ok(())
    }
    .await;
    let _ = std::fs::remove_file(&partial);
    made?;
    let size = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    println!(
        "Backed up {db} to {} ({size} bytes), consistent as of now. To restore: stop the \
         servers, put this file in place of {db} (and delete {db}-wal and {db}-shm), start.",
        to.display()
    );
    Ok(())
}

/// `s` as one shell word.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+:=@,".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
