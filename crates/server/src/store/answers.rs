//! R33: answers. One is committed, as the mail it is sent as, before any SMTP
//! traffic; a sender claims due answers for a while (a lease), sends them
//! without the write lock, and says how it went: sent, tried again later, or
//! failed. A sender that dies leaves its claim to expire: the answer is sent
//! again, the same bytes with the same Message-ID.

use chrono::{DateTime, Utc};
use deskmove_rules::answers::{reply_subject, thread_headers, with_signature};
use deskmove_rules::setup::looks_like_email;
use deskmove_rules::text::{kept_text, one_line};
use deskmove_rules::validation::FieldError;
use deskmove_rules::{
    AccountId, ChannelKind, ConversationId, Message, MessageId, ThreadEvent, UserId, Workspace,
};
use sqlx::Row;

use super::announcements::{announce, Announcement};
use super::catalog::{typed, ChannelRow, CHANNEL_COLUMNS};
use super::conversations::{accessible, ChangeError};
use super::mail::remember;
use super::tickets::{message_of, MESSAGE_SELECT};
use super::{to_millis, Store, StoreError, StoreResult};
use crate::mail::compose::{answer_message_id, compose, Outgoing};

/// Who answers and where their mail's Message-IDs end.
#[derive(Clone, Copy, Debug)]
pub struct Answerer<'a> {
    pub account: AccountId,
    pub user: UserId,
    pub help_desk_access: bool,
    pub mail_domain: &'a str,
}

/// An answer claimed for sending.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: MessageId,
    pub account: AccountId,
    pub conversation: ConversationId,
    pub envelope_from: String,
    pub envelope_to: String,
    pub raw: Vec<u8>,
    /// Tries so far, this one included.
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// The `thread` event of a message of the account, with its conversation's
    /// workspace (who may hear it, R23).
    pub async fn thread_event(
        &self,
        account: AccountId,
        message: MessageId,
    ) -> StoreResult<Option<(Workspace, ThreadEvent)>> {
        let r = sqlx::query(&format!(
            "{MESSAGE_SELECT} JOIN conversations c ON c.id = m.conversation_id \
             WHERE m.id = $1 AND c.account_id = $2"
        ))
        .bind(message.get())
        .bind(account.get())
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else {
            return Ok(None);
        };
        let conversation_id: ConversationId = typed::<_, i64>(&r, "conversation_id")?;
        let workspace = sqlx::query("SELECT workspace FROM conversations WHERE id = $1")
            .bind(conversation_id.get())
            .fetch_one(&self.pool)
            .await?;
        let workspace = typed::<Workspace, String>(&workspace, "workspace")?;
        Ok(Some((
            workspace,
            ThreadEvent {
                conversation_id,
                message: message_of(&r)?,
            },
        )))
    }

    /// R33: an answer to a conversation the user may change (R23), committed
    /// as its mail, queued. The first answer on a ticket meets (or misses) its
    /// first-reply SLA now.
    pub async fn queue_answer(
        &self,
        who: &Answerer<'_>,
        id: ConversationId,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<Message, ChangeError> {
        let mut tx = self.begin_write().await?;
        let conversation = accessible(&mut tx, who.account, id, who.help_desk_access).await?;
        let channel: ChannelRow = sqlx::query_as(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE id = $1"
        ))
        .bind(conversation.original_channel_id.get())
        .fetch_one(&mut *tx)
        .await?;
        // R6, R19: the conversation's own channel answers, before and after a
        // move; one of another kind answers from the email channel it names.
        let from = if channel.kind == ChannelKind::Email {
            channel.clone()
        } else {
            let named = match channel.settings.reply_from_channel_id {
                Some(named) => sqlx::query_as::<_, ChannelRow>(&format!(
                    "SELECT {CHANNEL_COLUMNS} FROM channels WHERE id = $1 AND account_id = $2 AND kind = $3"
                ))
                .bind(named.get())
                .bind(who.account.get())
                .bind(ChannelKind::Email.as_str())
                .fetch_optional(&mut *tx)
                .await?,
                None => None,
            };
            named.ok_or_else(|| {
                ChangeError::Invalid(FieldError::plain(
                    "channel",
                    format!(
                        "Answers to {} go out by email from an email channel: choose it on {}'s page in Settings ▸ Inboxes.",
                        channel.name, channel.name
                    ),
                ))
            })?
        };
        let contact = conversation.contact.trim().to_string();
        if !looks_like_email(&contact) {
            return Err(ChangeError::Invalid(FieldError::plain(
                "contact",
                format!("{contact} is not an email address, so this conversation can't be answered by email."),
            )));
        }
        // What the customer got: an answer that failed never reached them.
        let thread: Vec<String> = sqlx::query(
            "SELECT i.message_id FROM mail_ids i JOIN messages m ON m.id = i.message_row \
             WHERE i.conversation_id = $1 AND (m.state IS NULL OR m.state <> 'failed') \
             ORDER BY i.message_row",
        )
        .bind(id.get())
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("message_id"))
        .collect::<Result<_, _>>()?;
        let (in_reply_to, references) = thread_headers(&thread);
        // Control characters (a NUL PostgreSQL refuses, escapes) have no place
        // in a mail; newlines and tabs stay. The channel's signature, the same
        // before and after the move (R6).
        let body = kept_text(body);
        let text = with_signature(&body, channel.settings.signature.as_deref());
        let message_id = answer_message_id(who.mail_domain);
        let subject = reply_subject(&conversation.subject);
        let raw = compose(&Outgoing {
            from_name: &from.name,
            from_address: &from.address,
            to: &contact,
            subject: &subject,
            message_id: &message_id,
            in_reply_to: in_reply_to.as_deref(),
            references: &references,
            body: &text,
            date: now.into(),
        })
        .map_err(|e| ChangeError::Invalid(FieldError::plain("channel", e.to_string())))?;
        let sender = format!("{} <{}>", from.name, from.address.trim());
        let row = sqlx::query(
            "INSERT INTO messages (conversation_id, body, created_at, direction, sender, state, \
             author_id, envelope_from, envelope_to, attempts, next_attempt_at) \
             VALUES ($1, $2, $3, 'out', $4, 'queued', $5, $6, $7, 0, $3) RETURNING id",
        )
        .bind(id.get())
        .bind(&text)
        .bind(to_millis(now))
        .bind(&sender)
        .bind(who.user.get())
        .bind(from.address.trim())
        .bind(&contact)
        .fetch_one(&mut *tx)
        .await?;
        let message: MessageId = typed::<_, i64>(&row, "id")?;
        sqlx::query("INSERT INTO mail_originals (message_row, raw) VALUES ($1, $2)")
            .bind(message.get())
            .bind(&raw)
            .execute(&mut *tx)
            .await?;
        remember(&mut tx, who.account, &message_id, id, message, true).await?;
        for (table, key) in [("conversations", "id"), ("tickets", "conversation_id")] {
            sqlx::query(&format!(
                "UPDATE {table} SET first_replied_at = $1 WHERE {key} = $2 AND first_replied_at IS NULL"
            ))
            .bind(to_millis(now))
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        }
        let answer = message_in(&mut tx, message).await?;
        announce(&mut tx, Announcement::Thread(who.account, message)).await?;
        tx.commit().await?;
        Ok(answer)
    }

    /// Claims up to `most` answers due now for `lease_ms`: no other sender takes
    /// them until the claim ends. A short write, never held while sending.
    pub async fn claim_answers(
        &self,
        now: DateTime<Utc>,
        lease_ms: i64,
        most: i64,
    ) -> StoreResult<Vec<Claimed>> {
        let now_ms = to_millis(now);
        if !self.any_due("messages", now_ms).await? {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let due: Vec<i64> = sqlx::query(
            "SELECT id FROM messages WHERE state = 'queued' AND next_attempt_at <= $1 \
             AND (sending_until IS NULL OR sending_until < $1) ORDER BY next_attempt_at, id LIMIT $2",
        )
        .bind(now_ms)
        .bind(most)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>("id"))
        .collect::<Result<_, _>>()?;
        let mut claimed = Vec::with_capacity(due.len());
        for id in due {
            sqlx::query(
                "UPDATE messages SET sending_until = $1, attempts = attempts + 1 WHERE id = $2",
            )
            .bind(now_ms + lease_ms)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let r = sqlx::query(
                "SELECT m.id, m.conversation_id, c.account_id, m.envelope_from, m.envelope_to, \
                 m.attempts, m.created_at, o.raw FROM messages m \
                 JOIN conversations c ON c.id = m.conversation_id \
                 JOIN mail_originals o ON o.message_row = m.id WHERE m.id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            claimed.push(Claimed {
                id: typed::<_, i64>(&r, "id")?,
                account: typed::<_, i64>(&r, "account_id")?,
                conversation: typed::<_, i64>(&r, "conversation_id")?,
                envelope_from: r.try_get("envelope_from")?,
                envelope_to: r.try_get("envelope_to")?,
                raw: r.try_get("raw")?,
                attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
                created_at: super::from_millis(r.try_get("created_at")?)?,
            });
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Whether `table` (answers or link mail) has mail due now, read without
    /// the write lock: a sender with nothing to do, once a second on every
    /// server, never takes it.
    pub(super) async fn any_due(&self, table: &str, now_ms: i64) -> StoreResult<bool> {
        let found = sqlx::query(&format!(
            "SELECT 1 AS due FROM {table} WHERE state = 'queued' AND next_attempt_at <= $1 \
             AND (sending_until IS NULL OR sending_until < $1) LIMIT 1"
        ))
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// The relay took the answer (its 2xx). Each outcome is kept only for the
    /// claim that sent it (its `attempts`): a sender whose claim ran out and
    /// was taken over says nothing over the newer one.
    pub async fn answer_sent(&self, claim: &Claimed, now: DateTime<Utc>) -> StoreResult<Message> {
        let id = claim.id;
        let update = sqlx::query(
            "UPDATE messages SET state = 'sent', sent_at = $1, error = NULL, sending_until = NULL \
             WHERE id = $2 AND state = 'queued' AND attempts = $3",
        )
        .bind(to_millis(now))
        .bind(id.get())
        .bind(i64::from(claim.attempts));
        self.record(id, update, None).await
    }

    /// Not now (the relay's 4xx, no connection): tried again at `next`, the
    /// reason kept to show.
    pub async fn answer_deferred(
        &self,
        claim: &Claimed,
        next: DateTime<Utc>,
        reason: &str,
    ) -> StoreResult<Message> {
        let id = claim.id;
        let update = sqlx::query(
            "UPDATE messages SET next_attempt_at = $1, error = $2, sending_until = NULL \
             WHERE id = $3 AND state = 'queued' AND attempts = $4",
        )
        .bind(to_millis(next))
        .bind(said(reason))
        .bind(id.get())
        .bind(i64::from(claim.attempts));
        self.record(id, update, None).await
    }

    /// For good (the relay's 5xx, or a day of trying), with the relay's reason.
    /// The customer never got it, so it answered nobody: the first reply is
    /// the earliest answer that did not fail, or none yet.
    pub async fn answer_failed(&self, claim: &Claimed, reason: &str) -> StoreResult<Message> {
        let id = claim.id;
        let update = sqlx::query(
            "UPDATE messages SET state = 'failed', error = $1, sending_until = NULL \
             WHERE id = $2 AND state = 'queued' AND attempts = $3",
        )
        .bind(said(reason))
        .bind(id.get())
        .bind(i64::from(claim.attempts));
        self.record(id, update, Some(claim.conversation)).await
    }

    /// Writes an answer's new state and tells every open page of it; after a
    /// failure, its conversation's first reply is worked out again.
    async fn record<'q>(
        &self,
        id: MessageId,
        update: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
        failed_in: Option<ConversationId>,
    ) -> StoreResult<Message> {
        let mut tx = self.begin_write().await?;
        update.execute(&mut *tx).await?;
        if let Some(conversation) = failed_in {
            first_reply_again(&mut tx, conversation).await?;
        }
        let answer = message_in(&mut tx, id).await?;
        announce_answer(&mut tx, id).await?;
        tx.commit().await?;
        Ok(answer)
    }
}

/// R33: a bounce returned the answer with this Message-ID: it reached nobody,
/// so it fails with the receiving server's words, and its conversation's first
/// reply is worked out again. Answers the answer, if it was one of ours that
/// had not failed yet.
pub(super) async fn returned(
    conn: &mut sqlx::AnyConnection,
    account: AccountId,
    r: &deskmove_rules::mail::Returned,
) -> StoreResult<Option<MessageId>> {
    // Ours, tried at least once, not failed yet, and returned for its own
    // recipient: a bounce from someone it was forwarded to says nothing of it.
    let found = sqlx::query(
        "SELECT m.id, m.conversation_id, m.envelope_to FROM mail_ids i \
         JOIN messages m ON m.id = i.message_row \
         WHERE i.account_id = $1 AND i.message_id = $2 AND m.direction = 'out' \
         AND m.state <> 'failed' AND m.attempts > 0",
    )
    .bind(account.get())
    .bind(&r.message_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(found) = found else {
        return Ok(None);
    };
    let to: Option<String> = found.try_get("envelope_to")?;
    if !to.is_some_and(|to| r.recipients.contains(&to.trim().to_lowercase())) {
        return Ok(None);
    }
    let id: MessageId = typed::<_, i64>(&found, "id")?;
    let conversation: ConversationId = typed::<_, i64>(&found, "conversation_id")?;
    sqlx::query(
        "UPDATE messages SET state = 'failed', error = $1, sending_until = NULL WHERE id = $2",
    )
    .bind(said(&format!(
        "Returned by the customer's mail server: {}",
        r.reason
    )))
    .bind(id.get())
    .execute(&mut *conn)
    .await?;
    first_reply_again(conn, conversation).await?;
    announce(conn, Announcement::Thread(account, id)).await?;
    Ok(Some(id))
}

/// A conversation's first reply, and its ticket's, from the answers that did
/// not fail (R33).
async fn first_reply_again(
    conn: &mut sqlx::AnyConnection,
    conversation: ConversationId,
) -> StoreResult<()> {
    let first: Option<i64> = sqlx::query(
        "SELECT MIN(created_at) AS first FROM messages \
         WHERE conversation_id = $1 AND direction = 'out' AND state <> 'failed'",
    )
    .bind(conversation.get())
    .fetch_one(&mut *conn)
    .await?
    .try_get("first")?;
    for (table, key) in [("conversations", "id"), ("tickets", "conversation_id")] {
        sqlx::query(&format!(
            "UPDATE {table} SET first_replied_at = $1 WHERE {key} = $2"
        ))
        .bind(first)
        .bind(conversation.get())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Every server's streams hear of an answer that changed (PostgreSQL).
async fn announce_answer(conn: &mut sqlx::AnyConnection, id: MessageId) -> StoreResult<()> {
    let r = sqlx::query(
        "SELECT c.account_id FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         WHERE m.id = $1",
    )
    .bind(id.get())
    .fetch_one(&mut *conn)
    .await?;
    let account: AccountId = typed::<_, i64>(&r, "account_id")?;
    announce(conn, Announcement::Thread(account, id)).await
}

/// A relay's reason as it is kept: one line, not a book.
pub(super) fn said(reason: &str) -> String {
    one_line(reason).chars().take(1000).collect()
}

async fn message_in(conn: &mut sqlx::AnyConnection, id: MessageId) -> StoreResult<Message> {
    let r = sqlx::query(&format!("{MESSAGE_SELECT} WHERE m.id = $1"))
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("message {id} vanished")))?;
    message_of(&r)
}
