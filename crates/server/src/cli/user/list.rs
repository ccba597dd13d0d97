//! `deskmove-server user list --db D`: one line per user — email, role, help desk
//! access, state — in columns separated by tabs.

use super::open_existing;
use crate::store::Database;

pub async fn exec(db: &Database) -> anyhow::Result<()> {
    let store = open_existing(db).await?;
    for u in store.all_users().await? {
        let access = if u.help_desk_access {
            "help_desk_access"
        } else {
            "no_help_desk_access"
        };
        println!(
            "{}\t{}\t{access}\t{}",
            u.email,
            u.role.as_str(),
            u.state.as_str()
        );
    }
    Ok(())
}
