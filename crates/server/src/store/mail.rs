//! R32: mail and form submissions arriving: which channel, which thread, never
//! twice; the original kept with its message.

use chrono::{DateTime, Utc};
use deskmove_rules::mail::{channel_for, thread_candidates, Ignored};
use deskmove_rules::{AccountId, ChannelId, ChannelKind, ConversationId, MessageId, Movability};

use sqlx::Row;

use super::announcements::{announce, Announcement};
use super::catalog::{typed, ChannelRow, CHANNEL_COLUMNS};
use super::ingest::{add_message, open_on, reopen, Arrival, NewMessage};
use super::{Store, StoreResult};
use crate::mail::read::Incoming;

/// What became of a delivered message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivered {
    /// It is in a conversation: `fresh` the first time, not when its
    /// Message-ID was delivered before (then nothing changed).
    Taken {
        conversation_id: ConversationId,
        message_id: MessageId,
        threaded: bool,
        fresh: bool,
    },
    /// An auto-reply or a bounce: nothing opened or re-opened. A bounce of
    /// an answer of ours fails that answer (R33): its account and id.
    Ignored(Ignored, Option<(AccountId, MessageId)>),
    /// No email channel has any of its recipients.
    UnknownRecipient,
}

/// A form submission as it is written (R32).
#[derive(Clone, Copy, Debug)]
pub struct Submission<'a> {
    pub contact: &'a str,
    pub from: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// The Message-ID made for it, so mail that references it threads here.
    pub message_id: &'a str,
}

/// A form channel as its public endpoint needs it.
#[derive(Clone, Debug)]
pub struct Form {
    pub channel_id: ChannelId,
    pub name: String,
    pub thank_you_url: Option<String>,
}

/// Where the original of a received message is.
#[derive(Clone, Debug)]
pub struct Original {
    pub raw: Vec<u8>,
}

impl Store {
    /// R32: a raw message arrives. Its channel is the first of its recipients
    /// that is an email channel; a Message-ID seen before changes nothing; one
    /// naming a known Message-ID in In-Reply-To or References joins that
    /// conversation (its channel stays, R19); else it opens one on the channel
    /// (R7, R18). The original is written in the same transaction.
    pub async fn deliver_mail(
        &self,
        mail: &Incoming,
        raw: &[u8],
        now: DateTime<Utc>,
    ) -> StoreResult<Delivered> {
        let mut tx = self.begin_write().await?;
        // A retry of a message taken before is answered as it was, even if
        // its address has changed since (one account per database).
        if let Some(seen) = seen(&mut tx, &mail.message_id).await? {
            return Ok(seen);
        }
        let rows: Vec<ChannelRow> = sqlx::query_as(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE kind = $1 ORDER BY id"
        ))
        .bind(ChannelKind::Email.as_str())
        .fetch_all(&mut *tx)
        .await?;
        let channels: Vec<_> = rows
            .iter()
            .map(|r| r.view(Movability::from_blockers(Vec::new())))
            .collect();
        let Some(channel) = channel_for(&channels, &mail.recipients)
            .and_then(|id| rows.iter().find(|r| r.id == id))
        else {
            return Ok(Delivered::UnknownRecipient);
        };
        let account = channel.account_id;
        if let Some(why) = mail.ignored {
            let failed = match &mail.returned {
                Some(r) => super::answers::returned(&mut tx, account, r).await?,
                None => None,
            };
            tx.commit().await?;
            return Ok(Delivered::Ignored(why, failed.map(|m| (account, m))));
        }
        let candidates = thread_candidates(&mail.in_reply_to, &mail.references);
        let thread = thread_of(&mut tx, account, &candidates).await?;
        let message = NewMessage {
            body: &mail.body,
            from: Some(&mail.from),
            attachments: &mail.attachments,
        };
        let (conversation, message_row) = match thread {
            Some(conversation) => {
                let row = add_message(&mut tx, conversation, &message, now).await?;
                reopen(&mut tx, account, conversation).await?;
                (conversation, row)
            }
            None => {
                let arrival = Arrival {
                    contact: &mail.from_address,
                    subject: &mail.subject,
                    body: &mail.body,
                    started_at: now,
                };
                open_on(&mut tx, channel, &arrival, &message, now).await?
            }
        };
        remember(
            &mut tx,
            account,
            &mail.message_id,
            conversation,
            message_row,
            thread.is_some(),
        )
        .await?;
        sqlx::query("INSERT INTO mail_originals (message_row, raw) VALUES ($1, $2)")
            .bind(message_row.get())
            .bind(raw)
            .execute(&mut *tx)
            .await?;
        // Every open page of the conversation hears of it (R33's live thread).
        announce(&mut tx, Announcement::Thread(account, message_row)).await?;
        tx.commit().await?;
        Ok(Delivered::Taken {
            conversation_id: conversation,
            message_id: message_row,
            threaded: thread.is_some(),
            fresh: true,
        })
    }

    /// The account a conversation is in, if it exists.
    pub async fn account_of(&self, conversation: ConversationId) -> StoreResult<Option<AccountId>> {
        let row = sqlx::query("SELECT account_id FROM conversations WHERE id = $1")
            .bind(conversation.get())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(typed::<_, i64>(&r, "account_id")?))
            .transpose()
    }

    /// The form channel a public key names (R32).
    pub async fn form(&self, key: &str) -> StoreResult<Option<Form>> {
        let row: Option<ChannelRow> = sqlx::query_as(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE form_key = $1 AND kind = $2"
        ))
        .bind(key)
        .bind(ChannelKind::Form.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| Form {
            channel_id: r.id,
            name: r.name,
            thank_you_url: r.settings.thank_you_url,
        }))
    }

    /// R32: a form submission opens a conversation on its channel, with a
    /// Message-ID of ours. `None` when the channel is gone.
    pub async fn submit_form(
        &self,
        channel_id: ChannelId,
        s: &Submission<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<ConversationId>> {
        let mut tx = self.begin_write().await?;
        let Some(channel): Option<ChannelRow> = sqlx::query_as(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE id = $1 AND kind = $2"
        ))
        .bind(channel_id.get())
        .bind(ChannelKind::Form.as_str())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let arrival = Arrival {
            contact: s.contact,
            subject: s.subject,
            body: s.body,
            started_at: now,
        };
        let message = NewMessage {
            body: s.body,
            from: Some(s.from),
            attachments: &[],
        };
        let (conversation, row) = open_on(&mut tx, &channel, &arrival, &message, now).await?;
        remember(
            &mut tx,
            channel.account_id,
            s.message_id,
            conversation,
            row,
            false,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(conversation))
    }

    /// The original of a received message of this conversation, if it has one.
    pub async fn original(
        &self,
        conversation: ConversationId,
        message: MessageId,
    ) -> StoreResult<Option<Original>> {
        let row = sqlx::query(
            "SELECT o.raw FROM mail_originals o JOIN messages m ON m.id = o.message_row \
             WHERE o.message_row = $1 AND m.conversation_id = $2",
        )
        .bind(message.get())
        .bind(conversation.get())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            use sqlx::Row;
            Ok(Original {
                raw: r.try_get("raw")?,
            })
        })
        .transpose()
    }
}

/// A Message-ID seen before, as its first delivery answered.
async fn seen(conn: &mut sqlx::AnyConnection, message_id: &str) -> StoreResult<Option<Delivered>> {
    let row = sqlx::query(
        "SELECT conversation_id, message_row, threaded FROM mail_ids \
         WHERE message_id = $1 ORDER BY account_id LIMIT 1",
    )
    .bind(message_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(Delivered::Taken {
            conversation_id: typed::<_, i64>(&r, "conversation_id")?,
            message_id: typed::<_, i64>(&r, "message_row")?,
            threaded: r.try_get::<i64, _>("threaded")? != 0,
            fresh: false,
        })
    })
    .transpose()
}

/// R32: the conversation of the first of `candidates` (the likeliest first)
/// that the account knows, in one query.
async fn thread_of(
    conn: &mut sqlx::AnyConnection,
    account: AccountId,
    candidates: &[String],
) -> StoreResult<Option<ConversationId>> {
    if candidates.is_empty() {
        return Ok(None);
    }
    let places: Vec<String> = (0..candidates.len())
        .map(|i| format!("${}", i + 2))
        .collect();
    let sql = format!(
        "SELECT message_id, conversation_id FROM mail_ids WHERE account_id = $1 AND message_id IN ({})",
        places.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(account.get());
    for id in candidates {
        query = query.bind(id.as_str());
    }
    let found = query.fetch_all(&mut *conn).await?;
    for id in candidates {
        for r in &found {
            if r.try_get::<String, _>("message_id")? == *id {
                return Ok(Some(typed::<_, i64>(r, "conversation_id")?));
            }
        }
    }
    Ok(None)
}

/// The account knows this Message-ID from now on (R32; R33 for answers).
pub(crate) async fn remember(
    conn: &mut sqlx::AnyConnection,
    account: AccountId,
    message_id: &str,
    conversation: ConversationId,
    message_row: MessageId,
    threaded: bool,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO mail_ids (account_id, message_id, conversation_id, message_row, threaded) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(account.get())
    .bind(message_id)
    .bind(conversation.get())
    .bind(message_row.get())
    .bind(i64::from(threaded))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
