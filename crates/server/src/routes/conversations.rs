//! Conversations, tickets and notifications: what agents read and do every day.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use deskmove_rules::requests::{ConversationPatch, CreateTicketRequest, TransferRequest};
use deskmove_rules::{Conversation, ErrorCode, Notification, Page, StatusState, Ticket, Workspace};
use serde::Deserialize;

use super::paging::{decode_cursor, id_filter, limit, page, parse_query};
use super::parse_body;
use super::PathId;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::store::{parse_id, ChangeError, ConversationFilter, ConversationRefusal, TicketFilter};
use crate::AppState;

#[derive(Deserialize)]
pub struct ConversationQuery {
    workspace: Option<String>,
    channel_id: Option<String>,
    original_channel_id: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
}

fn workspace(raw: Option<&str>) -> AppResult<Option<Workspace>> {
    match raw.filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(w) => Workspace::parse(w)
            .map(Some)
            .ok_or_else(|| AppError::invalid("workspace: use inbox or help_desk.")),
    }
}

fn conversation_id(c: &Conversation) -> i64 {
    parse_id(&c.id).unwrap_or_default()
}

pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> AppResult<Json<Page<Conversation>>> {
    let q: ConversationQuery = parse_query(q.as_deref())?;
    let limit = limit(q.limit.as_deref())?;
    let filter = ConversationFilter {
        workspace: workspace(q.workspace.as_deref())?,
        channel_id: id_filter(q.channel_id.as_deref()),
        original_channel_id: id_filter(q.original_channel_id.as_deref()),
        before_id: decode_cursor(q.cursor.as_deref())?,
        limit: limit + 1,
    };
    let items = state
        .store
        .conversations(actor.user.account_id, &filter)
        .await?;
    Ok(Json(page(items, limit, conversation_id)))
}

fn path_id(raw: &str, what: &str) -> AppResult<i64> {
    parse_id(raw).ok_or_else(|| AppError::not_found(what))
}

pub async fn get(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId,
) -> AppResult<Json<Conversation>> {
    let id = path_id(&id, "conversation")?;
    state
        .store
        .conversation(actor.user.account_id, id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::not_found("conversation"))
}

fn change_error(e: ChangeError) -> AppError {
    match e {
        ChangeError::Refused(ConversationRefusal::NotFound) => AppError::not_found("conversation"),
        ChangeError::Refused(ConversationRefusal::Invalid(f)) => {
            AppError::invalid(format!("{}: {}", f.field, f.message))
        }
        ChangeError::Refused(ConversationRefusal::TicketExists) => AppError::new(
            ErrorCode::TicketExists,
            "This conversation already has a ticket; a conversation has at most one.",
        ),
        ChangeError::Store(e) => e.into(),
    }
}

pub async fn patch(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Json<Conversation>> {
    let id = path_id(&id, "conversation")?;
    let patch: ConversationPatch = parse_body(&body)?;
    let owner = match patch.owner_id {
        None => None,
        Some(None) => Some(None),
        // An id that names nobody here is refused inside the store's transaction.
        Some(Some(o)) => Some(Some(parse_id(&o).unwrap_or(-1))),
    };
    state
        .store
        .patch_conversation(actor.user.account_id, id, patch.status, owner, Utc::now())
        .await
        .map(Json)
        .map_err(change_error)
}

pub async fn transfer(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Json<Conversation>> {
    let id = path_id(&id, "conversation")?;
    let req: TransferRequest = parse_body(&body)?;
    state
        .store
        .transfer_conversation(actor.user.account_id, id, parse_id(&req.channel_id))
        .await
        .map(Json)
        .map_err(change_error)
}

pub async fn create_ticket(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<(StatusCode, Json<Ticket>)> {
    let id = path_id(&id, "conversation")?;
    let req: CreateTicketRequest = parse_body(&body)?;
    state
        .store
        .create_ticket(
            actor.user.account_id,
            id,
            parse_id(&req.status_id),
            Utc::now(),
        )
        .await
        .map(|t| (StatusCode::CREATED, Json(t)))
        .map_err(change_error)
}

#[derive(Deserialize)]
pub struct TicketQuery {
    status_id: Option<String>,
    owner_id: Option<String>,
    unassigned: Option<String>,
    state: Option<String>,
    workspace: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
}

pub async fn tickets(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> AppResult<Json<Page<Ticket>>> {
    let q: TicketQuery = parse_query(q.as_deref())?;
    let limit = limit(q.limit.as_deref())?;
    let unassigned = match q.unassigned.as_deref() {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(AppError::invalid("unassigned: use true or false.")),
    };
    let status_state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            StatusState::parse(s).ok_or_else(|| AppError::invalid("state: use open or closed."))?,
        ),
    };
    let filter = TicketFilter {
        status_id: id_filter(q.status_id.as_deref()),
        owner_id: id_filter(q.owner_id.as_deref()),
        unassigned,
        state: status_state,
        workspace: workspace(q.workspace.as_deref())?,
        before_id: decode_cursor(q.cursor.as_deref())?,
        limit: limit + 1,
    };
    let items = state.store.tickets(actor.user.account_id, &filter).await?;
    Ok(Json(page(items, limit, |t: &Ticket| {
        parse_id(&t.id).unwrap_or_default()
    })))
}

pub async fn ticket(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId,
) -> AppResult<Json<Ticket>> {
    let id = path_id(&id, "ticket")?;
    state
        .store
        .ticket(actor.user.account_id, id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::not_found("ticket"))
}

pub async fn notifications(
    State(state): State<AppState>,
    actor: Actor,
) -> AppResult<Json<Vec<Notification>>> {
    Ok(Json(state.store.notifications(actor.user.id, 200).await?))
}
