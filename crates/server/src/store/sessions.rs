//! Sessions: who signs in with which email, and the sessions they hold.

use deskmove_rules::{normalize_email, Language, UserId};
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use super::catalog::USER_COLUMNS;
use super::{Store, StoreResult, UserRow};

#[derive(Clone, Debug)]
pub struct SessionRow {
    pub user: UserRow,
    pub csrf_token: String,
}

impl FromRow<'_, AnyRow> for SessionRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(SessionRow {
            user: UserRow::from_row(r)?,
            csrf_token: r.try_get("csrf_token")?,
        })
    }
}

/// A user with their password hash, as sign-in needs them.
struct SignInRow(UserRow, String);

impl FromRow<'_, AnyRow> for SignInRow {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(SignInRow(
            UserRow::from_row(r)?,
            r.try_get("password_hash")?,
        ))
    }
}

impl Store {
    /// The user that signs in with this email, with their password hash.
    pub async fn user_for_sign_in(&self, email: &str) -> StoreResult<Option<(UserRow, String)>> {
        let row: Option<SignInRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1"
        ))
        .bind(normalize_email(email))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|SignInRow(user, hash)| (user, hash)))
    }

    /// A new session; the one it `replaces` (the browser's earlier sign-in) ends in
    /// the same transaction, so a browser holds one session at a time.
    pub async fn create_session(
        &self,
        token_hash: &str,
        replaces: Option<&str>,
        user: UserId,
        csrf_token: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        if let Some(old) = replaces {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user.get())
        .bind(csrf_token)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
            .bind(now)
            .bind(user.get())
            .execute(&mut *tx)
            .await?;
        Ok(tx.commit().await?)
    }

    /// The session of this token, while it lasts and its user is active (R29: a
    /// deactivated user's cookie signs nobody in).
    pub async fn session(&self, token_hash: &str, now: i64) -> StoreResult<Option<SessionRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.state = 'active'"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Deletes the sessions that expired by `now`; answers how many.
    pub async fn prune_sessions(&self, now: i64) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(gone)
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        Ok(tx.commit().await?)
    }

    /// R27: the language a user chose, or `None` to follow the browser.
    pub async fn set_locale(&self, user_id: UserId, locale: Option<Language>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
            .bind(locale.map(Language::as_str))
            .bind(user_id.get())
            .execute(&mut *tx)
            .await?;
        Ok(tx.commit().await?)
    }
}
