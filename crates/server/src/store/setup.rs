//! R28: the set-up token's hash and the one transaction that creates a company's
//! account and its first super admin, exactly once whatever races.

use deskmove_rules::statuses::{FIRST_PIPELINE, FIRST_STATUSES};
use deskmove_rules::{normalize_email, Language, Role, UserState};
use sqlx::Row;
use subtle::ConstantTimeEq;

use super::catalog::{no_account, UserRow};
use super::seed::{insert_account, insert_pipeline, insert_user, NewUser};
use super::{Store, StoreError, StoreResult};

/// Why a set-up was refused.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("set-up happened already")]
    AlreadySetUp,
    #[error("not this server's set-up token")]
    WrongToken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for SetupError {
    fn from(e: sqlx::Error) -> Self {
        SetupError::Store(e.into())
    }
}

/// The company and its first super admin, as the set-up form gave them.
pub struct NewAccount<'a> {
    pub account_name: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub locale: Option<Language>,
}

impl Store {
    /// Keeps `token_hash` as the set-up token unless one is kept already (another
    /// replica, or an earlier start, made it); whether this one was kept.
    pub async fn offer_setup(&self, token_hash: &str, now: i64) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let kept = sqlx::query(
            "INSERT INTO setup (id, token_hash, created_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(token_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(kept == 1)
    }

    /// Makes `token_hash` the set-up token, replacing any earlier one, while set-up
    /// has not happened; `false` once it has.
    pub async fn replace_setup_token(&self, token_hash: &str, now: i64) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        if !no_account(&mut *tx).await? {
            return Ok(false);
        }
        let changed = sqlx::query(
            "INSERT INTO setup (id, token_hash, created_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET token_hash = $1, created_at = $2 \
             WHERE setup.done_at IS NULL",
        )
        .bind(token_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(changed == 1)
    }

    /// The kept set-up token's hash while set-up waits for it.
    pub async fn setup_token_hash(&self) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query("SELECT token_hash FROM setup WHERE id = 1 AND done_at IS NULL")
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.try_get("token_hash"))
                .transpose()?,
        )
    }

    /// Creates the account and its first super admin (with help desk access), if
    /// `token_hash` is the kept token's and set-up has not happened. One write
    /// transaction: whoever commits first sets up, everyone after gets
    /// [`SetupError::AlreadySetUp`].
    pub async fn complete_setup(
        &self,
        token_hash: &str,
        new: &NewAccount<'_>,
        now: i64,
    ) -> Result<UserRow, SetupError> {
        let mut tx = self.begin_write().await?;
        if !no_account(&mut *tx).await? {
            return Err(SetupError::AlreadySetUp);
        }
        let kept: Option<(String, Option<i64>)> =
            sqlx::query("SELECT token_hash, done_at FROM setup WHERE id = 1")
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| Ok::<_, sqlx::Error>((r.try_get("token_hash")?, r.try_get("done_at")?)))
                .transpose()?;
        let Some((kept, done_at)) = kept else {
            return Err(SetupError::WrongToken);
        };
        if done_at.is_some() {
            return Err(SetupError::AlreadySetUp);
        }
        if !bool::from(kept.as_bytes().ct_eq(token_hash.as_bytes())) {
            return Err(SetupError::WrongToken);
        }
        let done = sqlx::query("UPDATE setup SET done_at = $1 WHERE id = 1 AND done_at IS NULL")
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if done != 1 {
            return Err(SetupError::AlreadySetUp);
        }
        let account = insert_account(&mut tx, new.account_name.trim()).await?;
        let user = NewUser {
            name: new.name.trim(),
            email: new.email,
            role: Role::SuperAdmin,
            help_desk_access: true,
            password_hash: new.password_hash,
            locale: new.locale,
            state: UserState::Active,
        };
        let id = insert_user(&mut tx, account, &user).await?;
        // R31: a pipeline to start from, its statuses the admin's to change.
        insert_pipeline(&mut tx, account, FIRST_PIPELINE, &FIRST_STATUSES).await?;
        let row = UserRow {
            id,
            account_id: account,
            name: user.name.to_string(),
            email: normalize_email(user.email),
            role: user.role,
            help_desk_access: user.help_desk_access,
            locale: user.locale,
            state: user.state,
            last_sign_in_at: None,
        };
        tx.commit().await?;
        Ok(row)
    }
}
