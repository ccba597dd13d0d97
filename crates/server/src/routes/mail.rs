//! R32: raw mail from a mail server, and the original of received mail.

use axum::body::to_bytes;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use deskmove_rules::{ConversationId, ErrorCode, MessageId};
use serde::{Deserialize, Serialize};

use super::conversations::readable;
use super::IngestToken;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::mail::read::{read, MAX_MESSAGE_BYTES};
use crate::store::Delivered;
use crate::AppState;

/// A raw message: `Content-Type: message/rfc822`, at most 25 MB.
pub struct RawMail(pub bytes::Bytes);

impl<S: Send + Sync> FromRequest<S> for RawMail {
    type Rejection = AppError;

    async fn from_request(req: Request, _: &S) -> Result<Self, AppError> {
        let is_mail = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("message/rfc822"));
        if !is_mail {
            return Err(AppError::new(
                ErrorCode::UnsupportedMediaType,
                "Send the raw mail message as the body, with Content-Type: message/rfc822.",
            ));
        }
        let too_large = || {
            AppError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "The message is too large: Deskmove takes mail of at most {} MB.",
                    MAX_MESSAGE_BYTES / (1024 * 1024)
                ),
            )
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > MAX_MESSAGE_BYTES as u64) {
            return Err(too_large());
        }
        to_bytes(req.into_body(), MAX_MESSAGE_BYTES)
            .await
            .map(RawMail)
            .map_err(|e| {
                if std::error::Error::source(&e)
                    .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
                {
                    too_large()
                } else {
                    AppError::invalid("The message could not be read.")
                }
            })
    }
}

#[derive(Debug, Deserialize)]
pub struct Envelope {
    /// The recipient the mail server delivered the message for.
    to: Option<String>,
}

/// What `POST /api/ingest/email` answers for a message in a conversation.
#[derive(Debug, Serialize)]
struct Taken {
    conversation_id: ConversationId,
    message_id: MessageId,
    threaded: bool,
}

/// `POST /api/ingest/email?to=<address>`: one raw message (R32).
pub async fn email(
    State(state): State<AppState>,
    _: IngestToken,
    envelope: Result<Query<Envelope>, axum::extract::rejection::QueryRejection>,
    RawMail(raw): RawMail,
) -> AppResult<Response> {
    let Ok(Query(Envelope { to })) = envelope else {
        return Err(AppError::invalid(
            "The query is not valid: give the envelope recipient as ?to=<address>.",
        ));
    };
    // Reading 25 MB of MIME is work for a blocking thread, not the runtime's. A
    // message the parser can't get through is not one Deskmove can take: it is
    // refused (a mail server bounces it), never a 500 retried for days.
    let parsed = {
        let raw = raw.clone();
        tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(|| read(&raw, to.as_deref())).ok()
        })
        .await
        .ok()
        .flatten()
    };
    let mail_outcome = |outcome: &'static str| {
        metrics::counter!("deskmove_mail_total", "outcome" => outcome).increment(1);
    };
    let Some(parsed) = parsed else {
        mail_outcome("not_a_message");
        tracing::error!("the mail parser gave up on a message");
        return Err(AppError::new(
            ErrorCode::NotAMessage,
            "This message could not be read as mail.",
        ));
    };
    let mail = parsed.map_err(|e| {
        mail_outcome("not_a_message");
        AppError::new(ErrorCode::NotAMessage, e.say())
    })?;
    let delivered = state.store.deliver_mail(&mail, &raw, Utc::now()).await?;
    Ok(match delivered {
        Delivered::Taken {
            conversation_id,
            message_id,
            threaded,
            fresh,
        } => {
            let status = if fresh {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            tracing::info!(
                conversation = %conversation_id,
                threaded,
                again = !fresh,
                "mail delivered"
            );
            mail_outcome(match (fresh, threaded) {
                (false, _) => "again",
                (true, true) => "threaded",
                (true, false) => "new",
            });
            if fresh {
                if let Ok(Some(account)) = state.store.account_of(conversation_id).await {
                    state.engine.publish_thread(account, message_id).await;
                }
            }
            let body = Taken {
                conversation_id,
                message_id,
                threaded,
            };
            (status, Json(body)).into_response()
        }
        Delivered::Ignored(why, failed) => {
            tracing::info!(ignored = why.as_str(), "mail opens nothing");
            mail_outcome(why.as_str());
            if let Some((account, answer)) = failed {
                tracing::info!(answer = %answer, "a bounce returned an answer: failed");
                state.engine.publish_thread(account, answer).await;
            }
            (
                StatusCode::ACCEPTED,
                Json(serde_json::json!({ "ignored": why.as_str() })),
            )
                .into_response()
        }
        Delivered::UnknownRecipient => {
            mail_outcome("unknown_recipient");
            return Err(AppError::new(
                ErrorCode::UnknownRecipient,
                "No email channel has this message's recipient address: connect the address \
                 as an email channel, or check the mail server's routing.",
            ));
        }
    })
}

/// `GET /api/conversations/{id}/messages/{mid}/original.eml`: the message as it
/// came, attachments and all, for whoever may read the conversation (R23);
/// always a download, never shown inline.
pub async fn original(
    State(state): State<AppState>,
    actor: Actor,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> AppResult<Response> {
    let not_found = || AppError::not_found("message");
    let Ok(Path((conversation, message))) = path else {
        return Err(not_found());
    };
    let (Ok(conversation), Ok(message)) = (
        conversation.parse::<ConversationId>(),
        message.parse::<MessageId>(),
    ) else {
        return Err(not_found());
    };
    readable(&state, &actor, conversation).await?;
    let original = state
        .store
        .original(conversation, message)
        .await?
        .ok_or_else(not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, "message/rfc822".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"message-{message}.eml\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_string(),
            ),
        ],
        original.raw,
    )
        .into_response())
}
