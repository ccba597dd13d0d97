//! `deskmove-server user reset --db D --email E [--public-url U]`: a one-time link
//! that sets the user's password (24 hours; an invitation again, 7 days, while
//! they never set one), as the last line printed. Earlier links stop working and
//! the user's sessions end at once (R28): whoever holds the password now is out.

use chrono::Utc;
use deskmove_rules::users::LinkKind;

use super::{by_email, open_existing, print_link, refusal};
use crate::auth;
use crate::store::Database;

pub async fn exec(db: &Database, email: &str, public_url: Option<&str>) -> anyhow::Result<()> {
    let store = open_existing(db).await?;
    let user = by_email(&store, email).await?;
    let token = auth::new_token();
    let made = store
        .new_link(None, user.id, &auth::token_hash(&token), Utc::now(), None)
        .await
        .map_err(refusal)?;
    let what = match made.kind {
        LinkKind::Invite => "an invitation (they never set a password)",
        LinkKind::Reset => "a password reset",
    };
    println!(
        "A link for {} <{}>: {what}. It works once, until {}. Their sessions ended ({}); \
         open pages lose theirs within seconds.",
        made.user.name,
        made.user.email,
        made.expires_at.format("%Y-%m-%d %H:%M UTC"),
        made.ended_sessions.len()
    );
    print_link(public_url, &token);
    Ok(())
}
