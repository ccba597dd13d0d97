//! `deskmove-server user activate --db D --email E`: a deactivated user signs in
//! again (one who never set a password is invited again: `user reset` gives the link).

use deskmove_rules::UserState;

use super::set_state;
use crate::store::Database;

pub async fn exec(db: &Database, email: &str) -> anyhow::Result<()> {
    let user = set_state(db, email, UserState::Active).await?;
    match user.state {
        UserState::Invited => println!(
            "{} <{}> is invited again: `deskmove-server user reset` prints their link.",
            user.name, user.email
        ),
        _ => println!("Activated {} <{}>.", user.name, user.email),
    }
    Ok(())
}
