//! Inbound traffic: what the channels receive, authenticated with the ingest bearer token.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use chrono::Utc;
use deskmove_rules::requests::{
    validate_ingest, validate_message, IngestConversation, IngestMessage,
};
use deskmove_rules::validation::invalid_request;
use deskmove_rules::{Conversation, ErrorCode};
use subtle::ConstantTimeEq;

use super::parse_body;
use super::PathId;
use crate::error::{AppError, AppResult};
use crate::store::parse_id;
use crate::AppState;

fn authorize(state: &AppState, headers: &HeaderMap) -> AppResult<()> {
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if bool::from(sent.as_bytes().ct_eq(state.ingest_token.as_bytes())) && !sent.is_empty() {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorCode::Unauthenticated,
            "Inbound traffic needs the ingest token: Authorization: Bearer <token>.",
        ))
    }
}

pub async fn conversation(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Conversation>)> {
    authorize(&state, &headers)?;
    let req: IngestConversation = parse_body(&body)?;
    let now = Utc::now();
    let started_at = validate_ingest(&req, now).map_err(|e| AppError(invalid_request(&e)))?;
    let channel_id = parse_id(&id).ok_or_else(|| AppError::not_found("channel"))?;
    let conversation = state
        .store
        .ingest_conversation(
            channel_id,
            req.contact.trim(),
            req.subject.trim(),
            &req.body,
            started_at,
            now,
        )
        .await?
        .ok_or_else(|| AppError::not_found("channel"))?;
    Ok((StatusCode::CREATED, Json(conversation)))
}

pub async fn message(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Conversation>)> {
    authorize(&state, &headers)?;
    let req: IngestMessage = parse_body(&body)?;
    validate_message(&req).map_err(|e| AppError(invalid_request(&e)))?;
    let conversation_id = parse_id(&id).ok_or_else(|| AppError::not_found("conversation"))?;
    let conversation = state
        .store
        .ingest_message(conversation_id, &req.body, Utc::now())
        .await?
        .ok_or_else(|| AppError::not_found("conversation"))?;
    Ok((StatusCode::CREATED, Json(conversation)))
}
