//! `deskmove-server user deactivate --db D --email E`: the user can't sign in; their
//! sessions end (their open pages within seconds, on every server); the last
//! active super admin stays.

use deskmove_rules::UserState;

use super::set_state;
use crate::store::Database;

pub async fn exec(db: &Database, email: &str) -> anyhow::Result<()> {
    let user = set_state(db, email, UserState::Deactivated).await?;
    println!("Deactivated {} <{}>.", user.name, user.email);
    Ok(())
}
