//! `deskmove-server setup-token --db D [--public-url U]` (R28): a fresh set-up token
//! for a database that is not set up yet, replacing the one printed at first start
//! (lost, or seen by someone it shouldn't have been); prints the set-up link.

use chrono::Utc;

use crate::auth;
use crate::store::Database;

pub async fn exec(db: &Database, public_url: Option<&str>) -> anyhow::Result<()> {
    let store = super::open_existing(db).await?;
    let token = auth::new_token();
    if !store
        .replace_setup_token(&auth::token_hash(&token), Utc::now().timestamp_millis())
        .await?
    {
        anyhow::bail!("{db} is set up already: sign in, or have a super admin invite you");
    }
    println!("A new set-up token; the earlier one no longer works. Set up your company at:");
    let base = public_url.unwrap_or("http://127.0.0.1:8080");
    println!("{}/setup?token={token}", base.trim_end_matches('/'));
    Ok(())
}
