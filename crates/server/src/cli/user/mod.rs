//! `deskmove-server user add|reset|list|deactivate|activate` (R29): the account's
//! people from the operator's shell, on the database directly (SQLite or
//! PostgreSQL, also while servers run). The same rules as the API: links are
//! one-time and hashed, the last active super admin stays. No password is ever
//! taken on a command line: a printed link sets it.

pub mod activate;
pub mod add;
pub mod deactivate;
pub mod list;
pub mod reset;

use deskmove_rules::users::{last_super_admin, UserPatch};
use deskmove_rules::{AccountId, UserState};

use super::open_existing;
use crate::config::UserCommand;
use crate::store::{Database, PeopleError, Store, UserRow};

pub async fn exec(action: &UserCommand, public_url: Option<&str>) -> anyhow::Result<()> {
    match action {
        UserCommand::Add {
            db,
            email,
            name,
            super_admin,
            help_desk_access,
            public_url: own,
        } => {
            let new = add::NewPerson {
                email,
                name,
                super_admin: *super_admin,
                help_desk_access: *help_desk_access,
            };
            add::exec(&db.db, &new, own.public_url.as_deref().or(public_url)).await
        }
        UserCommand::Reset {
            db,
            email,
            public_url: own,
        } => reset::exec(&db.db, email, own.public_url.as_deref().or(public_url)).await,
        UserCommand::List { db } => list::exec(&db.db).await,
        UserCommand::Deactivate { db, email } => deactivate::exec(&db.db, email).await,
        UserCommand::Activate { db, email } => activate::exec(&db.db, email).await,
    }
}

/// The one account of a set-up database.
async fn the_account(store: &Store, db: &Database) -> anyhow::Result<AccountId> {
    match store.account_ids().await?.as_slice() {
        [] => anyhow::bail!(
            "{db} is not set up yet: open the set-up link the server printed (or make one with `deskmove-server setup-token`)"
        ),
        [one] => Ok(*one),
        more => anyhow::bail!("{db} holds {} accounts; these commands serve one", more.len()),
    }
}

/// The user who signs in with `email`.
async fn by_email(store: &Store, email: &str) -> anyhow::Result<UserRow> {
    store
        .user_by_email(email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("nobody signs in with {email}"))
}

/// A link's URL as the last line: where people reach the server.
fn print_link(public_url: Option<&str>, token: &str) {
    let base = public_url.unwrap_or("http://127.0.0.1:8080");
    println!("{}/link/{token}", base.trim_end_matches('/'));
}

/// Deactivates or activates the user of `email`.
async fn set_state(db: &Database, email: &str, state: UserState) -> anyhow::Result<UserRow> {
    let store = open_existing(db).await?;
    let user = by_email(&store, email).await?;
    let patch = UserPatch {
        state: Some(state),
        ..UserPatch::default()
    };
    let changed = store
        .change_user(
            user.account_id,
            None,
            user.id,
            &patch,
            chrono::Utc::now().timestamp_millis(),
        )
        .await
        .map_err(refusal)?;
    Ok(changed.user)
}

/// A refusal in the API's words.
fn refusal(e: PeopleError) -> anyhow::Error {
    match e {
        PeopleError::LastSuperAdmin => anyhow::anyhow!(last_super_admin().message),
        PeopleError::Deactivated => {
            anyhow::anyhow!("this user is deactivated: `deskmove-server user activate` first")
        }
        PeopleError::StillInvited => {
            anyhow::anyhow!("this user is invited: they become active through their link")
        }
        PeopleError::NotFound => anyhow::anyhow!("no such user"),
        PeopleError::NotAllowed => anyhow::anyhow!("not allowed"),
        PeopleError::EmailTaken => anyhow::anyhow!("someone signs in with this email already"),
        PeopleError::Store(e) => e.into(),
    }
}
