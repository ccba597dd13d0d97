//! Inbound traffic: what the channels receive, authenticated with the ingest bearer token.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use deskmove_rules::requests::{
    validate_ingest, validate_message, IngestConversation, IngestMessage,
};
use deskmove_rules::validation::invalid_request;
use deskmove_rules::{ChannelId, Conversation, ConversationId};

use super::{Body, IngestToken, PathId};
use crate::error::{AppError, AppResult};
use crate::store::Arrival;
use crate::AppState;

pub async fn conversation(
    State(state): State<AppState>,
    _: IngestToken,
    id: Result<PathId<ChannelId>, AppError>,
    Body(req): Body<IngestConversation>,
) -> AppResult<(StatusCode, Json<Conversation>)> {
    let now = Utc::now();
    let started_at = validate_ingest(&req, now).map_err(|e| AppError(invalid_request(&e)))?;
    let PathId(channel) = id?;
    let arrival = Arrival {
        contact: req.contact.trim(),
        subject: req.subject.trim(),
        body: &req.body,
        started_at,
    };
    let conversation = state
        .store
        .ingest_conversation(channel, &arrival, now)
        .await?
        .ok_or_else(|| AppError::not_found("channel"))?;
    metrics::counter!("deskmove_arrivals_total", "kind" => "conversation").increment(1);
    Ok((StatusCode::CREATED, Json(conversation)))
}

pub async fn message(
    State(state): State<AppState>,
    _: IngestToken,
    id: Result<PathId<ConversationId>, AppError>,
    Body(req): Body<IngestMessage>,
) -> AppResult<(StatusCode, Json<Conversation>)> {
    validate_message(&req).map_err(|e| AppError(invalid_request(&e)))?;
    let PathId(conversation) = id?;
    let conversation = state
        .store
        .ingest_message(conversation, &req.body, Utc::now())
        .await?
        .ok_or_else(|| AppError::not_found("conversation"))?;
    metrics::counter!("deskmove_arrivals_total", "kind" => "message").increment(1);
    Ok((StatusCode::CREATED, Json(conversation)))
}
