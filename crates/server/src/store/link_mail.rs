//! R29, R33: invitations and reset links mailed through the relay. The mail is
//! committed with its link and sent by the outbox's sender like an answer. It
//! holds a live link, so its bytes are dropped once it is sent or given up,
//! and a mail whose link was used, replaced or ran out is never sent.

use chrono::{DateTime, Utc};
use deskmove_rules::users::LinkKind;
use deskmove_rules::Language;
use sqlx::{AnyConnection, Row};

use super::catalog::UserRow;
use super::{from_millis, to_millis, Store, StoreResult};
use crate::mail::compose::{compose_link, own_message_id, LinkLetter};

/// What a link's mail needs besides its person: asked for by the route that
/// makes the link, when a relay is set.
#[derive(Clone, Copy, Debug)]
pub struct LinkMail<'a> {
    /// `--mail-from`, else no-reply@ the mail domain.
    pub from_address: &'a str,
    pub mail_domain: &'a str,
    pub url: &'a str,
    /// Who made the link (their name).
    pub by: &'a str,
    /// The maker's language, for a person who never chose one.
    pub language: Option<Language>,
}

/// A link's mail claimed for sending.
#[derive(Clone, Debug)]
pub struct ClaimedLink {
    pub id: i64,
    pub envelope_from: String,
    pub envelope_to: String,
    pub raw: Vec<u8>,
    /// Tries so far, this one included.
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
}

/// Queues the mail of the link `token_hash` just made for `user`, in the
/// link's own transaction. False when the person's address can't take mail
/// (the link is still shown to the admin).
pub(super) async fn queue_link_mail(
    tx: &mut AnyConnection,
    mail: &LinkMail<'_>,
    user: &UserRow,
    kind: LinkKind,
    expires_at: DateTime<Utc>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let account: String = sqlx::query("SELECT name FROM accounts WHERE id = $1")
        .bind(user.account_id.get())
        .fetch_one(&mut *tx)
        .await?
        .try_get("name")?;
    let message_id = own_message_id("link", mail.mail_domain);
    let letter = LinkLetter {
        account_name: &account,
        from_address: mail.from_address,
        to_name: &user.name,
        to_address: &user.email,
        by: mail.by,
        url: mail.url,
        kind,
        expires_at,
        language: user.locale.or(mail.language).unwrap_or(Language::English),
        message_id: &message_id,
        date: now.into(),
    };
    let raw = match compose_link(&letter) {
        Ok(raw) => raw,
        // Said without the address: logs name no person's.
        Err(e) => {
            let why = match e {
                crate::mail::compose::ComposeError::From(_) => "--mail-from can't send mail",
                crate::mail::compose::ComposeError::To(_) => "the person's address can't take mail",
                crate::mail::compose::ComposeError::Build(_) => "the mail could not be made",
            };
            tracing::warn!(user_id = user.id.get(), why, "a link can't be mailed");
            return Ok(false);
        }
    };
    sqlx::query(
        "INSERT INTO link_mail (link, envelope_from, envelope_to, raw, state, attempts, \
         next_attempt_at, created_at) VALUES ($1, $2, $3, $4, 'queued', 0, $5, $5)",
    )
    .bind(token_hash)
    .bind(mail.from_address.trim())
    .bind(user.email.trim())
    .bind(raw)
    .bind(to_millis(now))
    .execute(&mut *tx)
    .await?;
    Ok(true)
}

/// What a mail that will never go says of itself.
const NOT_SENT: &str = "Not sent: the link was used, replaced or ran out first.";

/// The mails still waiting with a link of `user`'s that is being spent: never
/// sent, their bytes (and the link in them) gone now.
pub(super) async fn drop_link_mail_of(tx: &mut AnyConnection, user: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE link_mail SET state = 'failed', raw = NULL, error = $1 \
         WHERE state = 'queued' AND link IN (SELECT token_hash FROM links WHERE user_id = $2)",
    )
    .bind(NOT_SENT)
    .bind(user)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl Store {
    /// The mails still waiting with a link that ran out (a server without a
    /// relay never claims them): never sent, their bytes gone.
    pub async fn drop_expired_link_mail(&self, now: i64) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query(
            "UPDATE link_mail SET state = 'failed', raw = NULL, error = $1 \
             WHERE state = 'queued' AND link IN (SELECT token_hash FROM links WHERE expires_at <= $2)",
        )
        .bind(NOT_SENT)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(gone)
    }

    /// Claims up to `most` link mails due now for `lease_ms`, as answers are
    /// claimed. One whose link can no longer be used is given up instead.
    pub async fn claim_link_mail(
        &self,
        now: DateTime<Utc>,
        lease_ms: i64,
        most: i64,
    ) -> StoreResult<Vec<ClaimedLink>> {
        let now_ms = to_millis(now);
        if !self.any_due("link_mail", now_ms).await? {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let due = sqlx::query(
            "SELECT m.id, l.used_at, l.expires_at FROM link_mail m \
             JOIN links l ON l.token_hash = m.link \
             WHERE m.state = 'queued' AND m.next_attempt_at <= $1 \
             AND (m.sending_until IS NULL OR m.sending_until < $1) \
             ORDER BY m.next_attempt_at, m.id LIMIT $2",
        )
        .bind(now_ms)
        .bind(most)
        .fetch_all(&mut *tx)
        .await?;
        let mut claimed = Vec::with_capacity(due.len());
        for r in due {
            let id: i64 = r.try_get("id")?;
            let used: Option<i64> = r.try_get("used_at")?;
            if used.is_some() || r.try_get::<i64, _>("expires_at")? <= now_ms {
                sqlx::query(
                    "UPDATE link_mail SET state = 'failed', raw = NULL, error = $1 WHERE id = $2",
                )
                .bind(NOT_SENT)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                continue;
            }
            let r = sqlx::query(
                "UPDATE link_mail SET sending_until = $1, attempts = attempts + 1 WHERE id = $2 \
                 RETURNING envelope_from, envelope_to, raw, attempts, created_at",
            )
            .bind(now_ms + lease_ms)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            claimed.push(ClaimedLink {
                id,
                envelope_from: r.try_get("envelope_from")?,
                envelope_to: r.try_get("envelope_to")?,
                raw: r.try_get::<Option<Vec<u8>>, _>("raw")?.unwrap_or_default(),
                attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
                created_at: from_millis(r.try_get("created_at")?)?,
            });
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// The relay took it: its bytes (and the link in them) go.
    pub async fn link_mail_sent(&self, claim: &ClaimedLink, now: DateTime<Utc>) -> StoreResult<()> {
        self.link_mail_outcome(
            claim,
            "state = 'sent', sent_at = $1, raw = NULL, error = $2",
            Some(to_millis(now)),
            None,
        )
        .await
    }

    /// Not now: tried again at `next`.
    pub async fn link_mail_deferred(
        &self,
        claim: &ClaimedLink,
        next: DateTime<Utc>,
        reason: &str,
    ) -> StoreResult<()> {
        self.link_mail_outcome(
            claim,
            "next_attempt_at = $1, error = $2",
            Some(to_millis(next)),
            Some(reason),
        )
        .await
    }

    /// For good: its bytes go, the reason stays for the log and the operator.
    pub async fn link_mail_failed(&self, claim: &ClaimedLink, reason: &str) -> StoreResult<()> {
        self.link_mail_outcome(
            claim,
            "state = 'failed', raw = NULL, error = $2, sent_at = $1",
            None,
            Some(reason),
        )
        .await
    }

    /// Keeps an outcome for the claim that sent it only (its `attempts`), as
    /// for answers.
    async fn link_mail_outcome(
        &self,
        claim: &ClaimedLink,
        set: &str,
        time: Option<i64>,
        reason: Option<&str>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&format!(
            "UPDATE link_mail SET {set}, sending_until = NULL \
             WHERE id = $3 AND state = 'queued' AND attempts = $4"
        ))
        .bind(time)
        .bind(reason.map(super::answers::said))
        .bind(claim.id)
        .bind(i64::from(claim.attempts))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
