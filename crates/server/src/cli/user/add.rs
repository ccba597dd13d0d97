//! `deskmove-server user add --db D --email E --name N [--super-admin]
//! [--help-desk-access] [--public-url U]`: invites a user; their one-time link
//! (7 days) is the last line printed.

use chrono::Utc;
use deskmove_rules::users::{validate_invite, InviteRequest, LinkKind};
use deskmove_rules::{Role, UserState};

use super::{open_existing, print_link, refusal, the_account};
use crate::auth;
use crate::store::{Database, NewLink, NewUser, NO_PASSWORD};

/// Who to invite, as the command line says.
pub struct NewPerson<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub super_admin: bool,
    pub help_desk_access: bool,
}

pub async fn exec(
    db: &Database,
    new: &NewPerson<'_>,
    public_url: Option<&str>,
) -> anyhow::Result<()> {
    let request = InviteRequest {
        name: new.name.to_string(),
        email: new.email.to_string(),
        role: if new.super_admin {
            Role::SuperAdmin
        } else {
            Role::Agent
        },
        help_desk_access: new.help_desk_access,
    };
    if let Err(errors) = validate_invite(&request) {
        let said: Vec<String> = errors
            .iter()
            .map(|e| format!("--{}: {}", e.field, e.message))
            .collect();
        anyhow::bail!("{}", said.join(" "));
    }
    let store = open_existing(db).await?;
    let account = the_account(&store, db).await?;
    let token = auth::new_token();
    let now = Utc::now();
    let user = NewUser {
        name: request.name.trim(),
        email: request.email.trim(),
        role: request.role,
        help_desk_access: request.help_desk_access,
        password_hash: NO_PASSWORD,
        locale: None,
        state: UserState::Invited,
    };
    let link = NewLink {
        token_hash: &auth::token_hash(&token),
        expires_at: (now + LinkKind::Invite.lifetime()).timestamp_millis(),
    };
    let (row, _) = store
        .invite_user(account, None, &user, link, now.timestamp_millis(), None)
        .await
        .map_err(refusal)?;
    println!(
        "Invited {} <{}> as {}. Their link sets a password; it works once, for 7 days:",
        row.name,
        row.email,
        row.role.label().to_lowercase()
    );
    print_link(public_url, &token);
    Ok(())
}
