//! R29: a company's people. Invitations and changes to users, one-time links that
//! set a password, and the sessions those changes end. Every write holds the one
//! write lock, so "is there another active super admin?" can't race.

use chrono::{DateTime, Utc};
use deskmove_rules::users::{
    granted_by_all, keeps_a_super_admin, patched, state_after, LinkKind, UserPatch,
};
use deskmove_rules::{normalize_email, AccountId, User, UserId, UserState};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow, Row};

use super::catalog::{users_on, UserRow, USER_COLUMNS};
use super::link_mail::{drop_link_mail_of, queue_link_mail, LinkMail};
use super::seed::{insert_user, NewUser};
use super::{from_millis, to_millis, Store, StoreError, StoreResult};

/// The password hash of a user who never set one: no password verifies against
/// it, so an invited user signs in only through their link.
pub const NO_PASSWORD: &str = "!";

/// Why a change to people was refused.
#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    #[error("no such user in this account")]
    NotFound,
    #[error("someone signs in with this email already")]
    EmailTaken,
    #[error("the account would have no active super admin")]
    LastSuperAdmin,
    #[error("a deactivated user gets no link")]
    Deactivated,
    #[error("an invited user becomes active through their link")]
    StillInvited,
    #[error("whoever asked is no longer an active super admin of the account")]
    NotAllowed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PeopleError {
    fn from(e: sqlx::Error) -> Self {
        PeopleError::Store(e.into())
    }
}

/// A one-time link to keep: the hash of its token and when it expires.
#[derive(Clone, Copy, Debug)]
pub struct NewLink<'a> {
    pub token_hash: &'a str,
    pub expires_at: i64,
}

/// What a change to a user did.
#[derive(Debug)]
pub struct UserChange {
    pub user: UserRow,
    /// Help desk tickets it left without owner.
    pub tickets_unassigned: u64,
    /// The sessions it ended (a deactivation), whose event streams end too.
    pub ended_sessions: Vec<String>,
}

/// A one-time link made for a user.
#[derive(Debug)]
pub struct LinkMade {
    pub user: UserRow,
    pub kind: LinkKind,
    pub expires_at: DateTime<Utc>,
    /// The user's sessions it ended (the operator's reset).
    pub ended_sessions: Vec<String>,
    /// Whether its mail was queued (R33).
    pub mailed: bool,
}

/// A user as the list shows them, with the help desk tickets they own.
struct ListedUser(UserRow, i64);

impl FromRow<'_, AnyRow> for ListedUser {
    fn from_row(r: &AnyRow) -> sqlx::Result<Self> {
        Ok(ListedUser(UserRow::from_row(r)?, r.try_get("tickets")?))
    }
}

impl Store {
    /// R29: the account's users, each with how many help desk tickets they own
    /// (read from the kept totals, so the list costs the same at any size).
    pub async fn users_with_tickets(&self, account: AccountId) -> StoreResult<Vec<User>> {
        self.listed(account, None).await
    }

    /// One user of the account as the list shows them.
    pub async fn listed_user(&self, account: AccountId, id: UserId) -> StoreResult<Option<User>> {
        Ok(self.listed(account, Some(id)).await?.into_iter().next())
    }

    async fn listed(&self, account: AccountId, only: Option<UserId>) -> StoreResult<Vec<User>> {
        let only_one = if only.is_some() { " AND u.id = $2" } else { "" };
        let sql = format!(
            "SELECT {USER_COLUMNS}, COALESCE(k.n, 0) AS tickets FROM users u \
             LEFT JOIN (SELECT owner_id, CAST(SUM(n) AS BIGINT) AS n FROM ticket_counts \
                WHERE account_id = $1 AND workspace = 'help_desk' GROUP BY owner_id) k \
             ON k.owner_id = u.id \
             WHERE u.account_id = $1{only_one} ORDER BY u.id"
        );
        let mut query = sqlx::query_as(&sql).bind(account.get());
        if let Some(id) = only {
            query = query.bind(id.get());
        }
        let rows: Vec<ListedUser> = query.fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|ListedUser(row, tickets)| User {
                help_desk_tickets: tickets.max(0) as u64,
                ..row.to_user()
            })
            .collect())
    }

    /// Every account's id (the operator's commands serve the one there is).
    pub async fn account_ids(&self) -> StoreResult<Vec<AccountId>> {
        sqlx::query("SELECT id FROM accounts ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                AccountId::try_from(id).map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect()
    }

    /// The user who signs in with `email`, in any account (the operator's commands).
    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1"
        ))
        .bind(normalize_email(email))
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Every user of every account, by email (the operator's `user list`).
    pub async fn all_users(&self) -> StoreResult<Vec<UserRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY u.email"
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    /// R29: invites a new user, `Invited` until they set a password through
    /// `link`. The email must be nobody's yet, compared without case.
    /// With `mail`, the link is also mailed (R33); the answer says whether it was.
    pub async fn invite_user(
        &self,
        account: AccountId,
        by: Option<UserId>,
        new: &NewUser<'_>,
        link: NewLink<'_>,
        now: i64,
        mail: Option<LinkMail<'_>>,
    ) -> Result<(UserRow, bool), PeopleError> {
        let mut tx = self.begin_write().await?;
        still_admin(&mut tx, account, by).await?;
        let email = normalize_email(new.email);
        let taken = sqlx::query("SELECT 1 AS one FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(PeopleError::EmailTaken);
        }
        let invited = NewUser {
            state: UserState::Invited,
            password_hash: NO_PASSWORD,
            ..*new
        };
        let id = insert_user(&mut tx, account, &invited).await?;
        insert_link(&mut tx, id, LinkKind::Invite, link, now).await?;
        let row = user_row(&mut *tx, id).await?.ok_or(PeopleError::NotFound)?;
        let mailed = match mail {
            Some(mail) => {
                queue_link_mail(
                    &mut tx,
                    &mail,
                    &row,
                    LinkKind::Invite,
                    from_millis(link.expires_at)?,
                    link.token_hash,
                    from_millis(now)?,
                )
                .await?
            }
            None => false,
        };
        tx.commit().await?;
        Ok((row, mailed))
    }

    /// R29: changes a user of the account as `patch` says, if `by` (`None`: the
    /// operator) is still an active super admin. Taking help desk access away, or
    /// deactivating, unassigns their help desk tickets (nobody could act as their
    /// owner); deactivating also ends their sessions and spends their links;
    /// nothing leaves the account without an active super admin.
    pub async fn change_user(
        &self,
        account: AccountId,
        by: Option<UserId>,
        id: UserId,
        patch: &UserPatch,
        now: i64,
    ) -> Result<UserChange, PeopleError> {
        let mut tx = self.begin_write().await?;
        still_admin(&mut tx, account, by).await?;
        let users = users_on(&mut tx, account).await?;
        let before = users
            .iter()
            .find(|u| u.id == id)
            .ok_or(PeopleError::NotFound)?;
        let mut after = patched(before, patch);
        if after.state != before.state {
            let has_password = has_password(&mut tx, id).await?;
            after.state = state_after(before.state, after.state, has_password)
                .ok_or(PeopleError::StillInvited)?;
        }
        if !keeps_a_super_admin(&users, &after) {
            return Err(PeopleError::LastSuperAdmin);
        }
        sqlx::query(
            "UPDATE users SET name = $1, role = $2, help_desk_access = $3, state = $4 WHERE id = $5",
        )
        .bind(&after.name)
        .bind(after.role.as_str())
        .bind(after.help_desk_access as i64)
        .bind(after.state.as_str())
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
        let tickets_unassigned = if before.works_in_help_desk() && !after.works_in_help_desk() {
            unassign_help_desk(&mut tx, account, id).await?
        } else {
            0
        };
        let ended_sessions = if after.state == UserState::Deactivated {
            spend_links(&mut tx, id, now).await?;
            end_sessions(&mut tx, id, None).await?
        } else {
            Vec::new()
        };
        let user = user_row(&mut *tx, id).await?.ok_or(PeopleError::NotFound)?;
        tx.commit().await?;
        Ok(UserChange {
            user,
            tickets_unassigned,
            ended_sessions,
        })
    }

    /// R29: "Give all agents help desk access": every agent who is not
    /// deactivated (invited ones too, so that the move's warning about them
    /// clears); how many got it.
    pub async fn grant_all_agents(
        &self,
        account: AccountId,
        by: Option<UserId>,
    ) -> Result<u64, PeopleError> {
        let mut tx = self.begin_write().await?;
        still_admin(&mut tx, account, by).await?;
        // Who gets it is the rules' to say; a company has tens of people.
        let granted = granted_by_all(&users_on(&mut tx, account).await?);
        for id in &granted {
            sqlx::query("UPDATE users SET help_desk_access = 1 WHERE id = $1")
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(granted.len() as u64)
    }

    /// R29: a new one-time link for a user (an invitation while they never set a
    /// password, else a reset), kept by `token_hash`; it spends their earlier
    /// links. `by` is the super admin asking, of the user's account; `None` is the
    /// operator, for any account, whose reset also ends the user's sessions (R28).
    pub async fn new_link(
        &self,
        by: Option<(AccountId, UserId)>,
        id: UserId,
        token_hash: &str,
        now: DateTime<Utc>,
        mail: Option<LinkMail<'_>>,
    ) -> Result<LinkMade, PeopleError> {
        let mut tx = self.begin_write().await?;
        if let Some((account, admin)) = by {
            still_admin(&mut tx, account, Some(admin)).await?;
        }
        let user = user_row(&mut *tx, id)
            .await?
            .filter(|u| by.is_none_or(|(account, _)| account == u.account_id))
            .ok_or(PeopleError::NotFound)?;
        if user.state == UserState::Deactivated {
            return Err(PeopleError::Deactivated);
        }
        let kind = LinkKind::for_state(user.state);
        let expires_at = now + kind.lifetime();
        let link = NewLink {
            token_hash,
            expires_at: to_millis(expires_at),
        };
        let at = to_millis(now);
        spend_links(&mut tx, id, at).await?;
        insert_link(&mut tx, id, kind, link, at).await?;
        let ended_sessions = if by.is_none() {
            end_sessions(&mut tx, id, None).await?
        } else {
            Vec::new()
        };
        let mailed = match mail {
            Some(mail) => {
                queue_link_mail(&mut tx, &mail, &user, kind, expires_at, token_hash, now).await?
            }
            None => false,
        };
        tx.commit().await?;
        Ok(LinkMade {
            user,
            kind,
            expires_at,
            ended_sessions,
            mailed,
        })
    }

    /// R29: whose unspent, unexpired link this is, and what for.
    pub async fn link(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<(LinkKind, UserRow)>> {
        live_link(&self.pool, token_hash, now).await
    }

    /// R29: spends the link and sets its user's password; an invited user becomes
    /// active. Every session the user held ends (a reset is for a password someone
    /// else may know). `None` when the link was spent, replaced or has expired.
    pub async fn use_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: i64,
    ) -> StoreResult<Option<(UserRow, Vec<String>)>> {
        let mut tx = self.begin_write().await?;
        let Some((_, user)) = live_link(&mut *tx, token_hash, now).await? else {
            return Ok(None);
        };
        let spent =
            sqlx::query("UPDATE links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
                .bind(now)
                .bind(token_hash)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if spent != 1 {
            return Ok(None);
        }
        spend_links(&mut tx, user.id, now).await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, \
                state = CASE WHEN state = 'invited' THEN 'active' ELSE state END \
             WHERE id = $2",
        )
        .bind(password_hash)
        .bind(user.id.get())
        .execute(&mut *tx)
        .await?;
        let ended = end_sessions(&mut tx, user.id, None).await?;
        let user = user_row(&mut *tx, user.id).await?;
        tx.commit().await?;
        Ok(user.map(|u| (u, ended)))
    }

    /// The user's password hash, to check the current password against.
    pub async fn password_hash(&self, id: UserId) -> StoreResult<Option<String>> {
        Ok(sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get("password_hash"))
            .transpose()?)
    }

    /// R29: sets a user's password; every other session of theirs ends (the
    /// answer names them), `keep` goes on.
    pub async fn set_password(
        &self,
        id: UserId,
        password_hash: &str,
        keep: Option<&str>,
    ) -> StoreResult<Vec<String>> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        let ended = end_sessions(&mut tx, id, keep).await?;
        tx.commit().await?;
        Ok(ended)
    }
}

/// R1, R29: whoever asks (`None`: the operator) must still be an active super
/// admin of the account, read under the write lock: a super admin demoted or
/// deactivated a moment ago changes nobody.
async fn still_admin(
    tx: &mut AnyConnection,
    account: AccountId,
    by: Option<UserId>,
) -> Result<(), PeopleError> {
    let Some(by) = by else {
        return Ok(());
    };
    match user_row(&mut *tx, by).await? {
        Some(u) if u.account_id == account && u.to_user().is_active_super_admin() => Ok(()),
        _ => Err(PeopleError::NotAllowed),
    }
}

async fn user_row<'e, E>(executor: E, id: UserId) -> StoreResult<Option<UserRow>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
    ))
    .bind(id.get())
    .fetch_optional(executor)
    .await?)
}

async fn live_link<'e, E>(
    executor: E,
    token_hash: &str,
    now: i64,
) -> StoreResult<Option<(LinkKind, UserRow)>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT l.kind AS link_kind, {USER_COLUMNS} FROM links l JOIN users u ON u.id = l.user_id \
         WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 \
            AND u.state <> 'deactivated'"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(executor)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let kind: String = row.try_get("link_kind")?;
    let kind = LinkKind::try_from(kind).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(Some((kind, UserRow::from_row(&row)?)))
}

async fn has_password(tx: &mut AnyConnection, id: UserId) -> StoreResult<bool> {
    let hash: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(id.get())
        .fetch_one(&mut *tx)
        .await?
        .try_get("password_hash")?;
    Ok(hash != NO_PASSWORD)
}

async fn insert_link(
    tx: &mut AnyConnection,
    user: UserId,
    kind: LinkKind,
    link: NewLink<'_>,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO links (token_hash, user_id, kind, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(link.token_hash)
    .bind(user.get())
    .bind(kind.as_str())
    .bind(now)
    .bind(link.expires_at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Spends every unspent link of the user; their mails not sent yet never go.
async fn spend_links(tx: &mut AnyConnection, user: UserId, now: i64) -> StoreResult<()> {
    sqlx::query("UPDATE links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(user.get())
        .execute(&mut *tx)
        .await?;
    drop_link_mail_of(tx, user.get()).await
}

/// Ends the user's sessions but `keep`; the hashes of those that ended.
async fn end_sessions(
    tx: &mut AnyConnection,
    user: UserId,
    keep: Option<&str>,
) -> StoreResult<Vec<String>> {
    let rows = sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2 RETURNING token_hash",
    )
    .bind(user.get())
    .bind(keep.unwrap_or(""))
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get("token_hash"))
        .collect::<Result<_, _>>()?)
}

/// R29: leaves the user's help desk tickets (and their conversations) without
/// owner; how many tickets. The kept totals follow through their triggers.
async fn unassign_help_desk(
    tx: &mut AnyConnection,
    account: AccountId,
    user: UserId,
) -> StoreResult<u64> {
    let tickets = sqlx::query(
        "UPDATE tickets SET owner_id = NULL \
         WHERE account_id = $1 AND owner_id = $2 AND conversation_id IN ( \
            SELECT id FROM conversations WHERE account_id = $1 AND workspace = 'help_desk')",
    )
    .bind(account.get())
    .bind(user.get())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query(
        "UPDATE conversations SET owner_id = NULL \
         WHERE account_id = $1 AND owner_id = $2 AND workspace = 'help_desk'",
    )
    .bind(account.get())
    .bind(user.get())
    .execute(&mut *tx)
    .await?;
    Ok(tickets)
}
