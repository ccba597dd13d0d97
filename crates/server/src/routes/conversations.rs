//! Conversations, tickets and notifications: what agents read and do every day.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use deskmove_rules::answers::{validate_answer, AnswerRequest};
use deskmove_rules::requests::{
    ConversationPatch, CreateTicketRequest, TicketPatch, TransferRequest,
};
use deskmove_rules::scope::{may_access, no_help_desk_access, visible_workspace};
use deskmove_rules::validation::invalid_request;
use deskmove_rules::{
    ChannelId, Conversation, ConversationId, ConversationSort, ConversationStatus, ErrorCode,
    Message, Notification, Page, StatusId, StatusState, Ticket, TicketId, TicketSort, UserId,
    Workspace,
};
use serde::Deserialize;

use super::paging::{decode_cursor, empty_page, limit, numbered, page, parse_query, IdFilter};
use super::{Body, PathId};
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::store::{
    search_words, Answerer, ChangeError, ConversationFilter, OwnerChange, TicketFilter, Total,
};
use crate::AppState;

#[derive(Deserialize)]
pub struct ConversationQuery {
    workspace: Option<String>,
    channel_id: Option<String>,
    original_channel_id: Option<String>,
    status: Option<String>,
    owner_id: Option<String>,
    unassigned: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
}

/// `?q=`: the starts of words the contact or subject has.
fn search(raw: Option<&str>) -> AppResult<Option<String>> {
    match raw.map(str::trim).filter(|q| !q.is_empty()) {
        None => Ok(None),
        Some(q) if q.chars().count() < 2 => {
            Err(AppError::invalid("q: search for at least 2 characters."))
        }
        Some(q) if search_words(q).is_empty() => {
            Err(AppError::invalid("q: search for letters or digits."))
        }
        Some(q) if q.chars().count() > 200 => {
            Err(AppError::invalid("q: search for at most 200 characters."))
        }
        Some(q) => Ok(Some(q.to_string())),
    }
}

fn unassigned(raw: Option<&str>) -> AppResult<bool> {
    match raw {
        None | Some("") | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(AppError::invalid("unassigned: use true or false.")),
    }
}

/// A page of `items` fetched one past `limit`: numbered (with the total) or by cursor.
fn answer<T>(
    items: Vec<T>,
    limit: u32,
    total: Option<Total>,
    id_of: impl Fn(&T) -> i64,
) -> Page<T> {
    match total {
        Some(total) => {
            let mut items = items;
            items.truncate(limit as usize);
            Page {
                items,
                next_cursor: None,
                total: Some(total.n),
                total_at_least: total.at_least,
            }
        }
        None => page(items, limit, id_of),
    }
}

/// R23: what of the asked-for workspace the actor may list; `None`: nothing.
fn visible(actor: &Actor, asked: Option<Workspace>) -> Option<Option<Workspace>> {
    visible_workspace(asked, actor.user.help_desk_access)
}

/// R23: a help desk record is refused to a user without help desk access.
fn check_access(actor: &Actor, workspace: Workspace) -> AppResult<()> {
    if may_access(workspace, actor.user.help_desk_access) {
        Ok(())
    } else {
        Err(no_help_desk_access().into())
    }
}

fn workspace(raw: Option<&str>) -> AppResult<Option<Workspace>> {
    match raw.filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(w) => Workspace::parse(w)
            .map(Some)
            .ok_or_else(|| AppError::invalid("workspace: use inbox or help_desk.")),
    }
}

pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> AppResult<Json<Page<Conversation>>> {
    let q: ConversationQuery = parse_query(q.as_deref())?;
    let limit = limit(q.limit.as_deref())?;
    let sort = numbered(
        q.page.as_deref(),
        q.sort.as_deref(),
        ConversationSort::parse,
        ConversationSort::Newest,
        "newest or oldest",
        limit,
    )?;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            ConversationStatus::parse(s)
                .ok_or_else(|| AppError::invalid("status: use open or closed."))?,
        ),
    };
    let unassigned = unassigned(q.unassigned.as_deref())?;
    let Some(workspace) = visible(&actor, workspace(q.workspace.as_deref())?) else {
        return Ok(Json(empty_page(sort.is_some())));
    };
    let before_id = decode_cursor(q.cursor.as_deref())?;
    let ids = (
        IdFilter::parse(q.channel_id.as_deref()).get(),
        IdFilter::parse(q.original_channel_id.as_deref()).get(),
        IdFilter::parse(q.owner_id.as_deref()).get(),
    );
    let (Ok(channel_id), Ok(original_channel_id), Ok(owner_id)) = ids else {
        return Ok(Json(empty_page(sort.is_some())));
    };
    let filter = ConversationFilter {
        workspace,
        channel_id,
        original_channel_id,
        status,
        owner_id,
        unassigned,
        search: search(q.q.as_deref())?,
        sort,
        before_id,
        limit: limit + 1,
    };
    let account = actor.user.account_id;
    let items = state.store.conversations(account, &filter).await?;
    let total = match sort {
        Some(_) => Some(state.store.count_conversations(account, &filter).await?),
        None => None,
    };
    Ok(Json(answer(items, limit, total, |c| c.id.get())))
}

/// The conversation `id` names, if the actor may read it (R23).
pub(super) async fn readable(
    state: &AppState,
    actor: &Actor,
    id: ConversationId,
) -> AppResult<Conversation> {
    let conversation = state
        .store
        .conversation(actor.user.account_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("conversation"))?;
    check_access(actor, conversation.workspace)?;
    Ok(conversation)
}

pub async fn get(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<ConversationId>,
) -> AppResult<Json<Conversation>> {
    Ok(Json(readable(&state, &actor, id).await?))
}

/// The most messages a conversation's read answers with, oldest first.
const MESSAGES: u32 = 500;

/// `GET /api/conversations/{id}/messages`: what was said, oldest first (R23 applies).
pub async fn messages(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<ConversationId>,
) -> AppResult<Json<Vec<Message>>> {
    readable(&state, &actor, id).await?;
    Ok(Json(state.store.messages(id, MESSAGES).await?))
}

impl From<ChangeError> for AppError {
    fn from(e: ChangeError) -> Self {
        match e {
            ChangeError::NotFound => AppError::not_found("conversation"),
            ChangeError::TicketNotFound => AppError::not_found("ticket"),
            ChangeError::NoHelpDeskAccess => no_help_desk_access().into(),
            ChangeError::Invalid(f) => AppError::invalid(format!("{}: {}", f.field, f.message)),
            ChangeError::TicketExists => AppError::new(
                ErrorCode::TicketExists,
                "This conversation already has a ticket; a conversation has at most one.",
            ),
            ChangeError::Store(e) => e.into(),
        }
    }
}

pub async fn patch(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<ConversationId>,
    Body(patch): Body<ConversationPatch>,
) -> AppResult<Json<Conversation>> {
    let owner = match patch.owner_id {
        None => OwnerChange::Leave,
        Some(None) => OwnerChange::Unassign,
        // An id that names nobody here is refused inside the store's transaction.
        Some(Some(o)) => UserId::parse(&o).map_or(OwnerChange::Unknown, OwnerChange::To),
    };
    Ok(Json(
        state
            .store
            .patch_conversation(
                actor.user.account_id,
                id,
                patch.status,
                owner,
                actor.user.help_desk_access,
                Utc::now(),
            )
            .await?,
    ))
}

pub async fn transfer(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<ConversationId>,
    Body(req): Body<TransferRequest>,
) -> AppResult<Json<Conversation>> {
    Ok(Json(
        state
            .store
            .transfer_conversation(
                actor.user.account_id,
                id,
                ChannelId::parse(&req.channel_id),
                actor.user.help_desk_access,
            )
            .await?,
    ))
}

pub async fn create_ticket(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<ConversationId>,
    Body(req): Body<CreateTicketRequest>,
) -> AppResult<(StatusCode, Json<Ticket>)> {
    let ticket = state
        .store
        .create_ticket(
            actor.user.account_id,
            id,
            StatusId::parse(&req.status_id),
            actor.user.help_desk_access,
            Utc::now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

#[derive(Deserialize)]
pub struct TicketQuery {
    status_id: Option<String>,
    owner_id: Option<String>,
    channel_id: Option<String>,
    unassigned: Option<String>,
    overdue: Option<String>,
    state: Option<String>,
    workspace: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<String>,
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
    let sort = numbered(
        q.page.as_deref(),
        q.sort.as_deref(),
        TicketSort::parse,
        TicketSort::Newest,
        "newest, oldest or due",
        limit,
    )?;
    let unassigned = unassigned(q.unassigned.as_deref())?;
    let overdue = match q.overdue.as_deref() {
        None | Some("") | Some("false") => None,
        Some("true") => Some(Utc::now().timestamp_millis()),
        Some(_) => return Err(AppError::invalid("overdue: use true or false.")),
    };
    let mut status_state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            StatusState::parse(s).ok_or_else(|| AppError::invalid("state: use open or closed."))?,
        ),
    };
    // R33: only an open ticket is overdue; a closed one waits for nobody.
    if overdue.is_some() {
        if status_state == Some(StatusState::Closed) {
            return Ok(Json(empty_page(sort.is_some())));
        }
        status_state = Some(StatusState::Open);
    }
    let Some(workspace) = visible(&actor, workspace(q.workspace.as_deref())?) else {
        return Ok(Json(empty_page(sort.is_some())));
    };
    let before_id = decode_cursor(q.cursor.as_deref())?;
    let ids = (
        IdFilter::parse(q.status_id.as_deref()).get(),
        IdFilter::parse(q.owner_id.as_deref()).get(),
        IdFilter::parse(q.channel_id.as_deref()).get(),
    );
    let (Ok(status_id), Ok(owner_id), Ok(channel_id)) = ids else {
        return Ok(Json(empty_page(sort.is_some())));
    };
    let filter = TicketFilter {
        status_id,
        owner_id,
        unassigned,
        overdue_at: overdue,
        state: status_state,
        workspace,
        channel_id,
        search: search(q.q.as_deref())?,
        sort,
        before_id,
        limit: limit + 1,
    };
    let account = actor.user.account_id;
    let items = state.store.tickets(account, &filter).await?;
    let total = match sort {
        Some(_) => Some(state.store.count_tickets(account, &filter).await?),
        None => None,
    };
    Ok(Json(answer(items, limit, total, |t| t.id.get())))
}

pub async fn ticket(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<TicketId>,
) -> AppResult<Json<Ticket>> {
    let ticket = state
        .store
        .ticket(actor.user.account_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("ticket"))?;
    // A ticket is read as its conversation is (R23).
    readable(&state, &actor, ticket.conversation_id).await?;
    Ok(Json(ticket))
}

/// `PATCH /api/tickets/{id}` `{"status_id"}`: the ticket's place in its pipeline.
pub async fn patch_ticket(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<TicketId>,
    Body(patch): Body<TicketPatch>,
) -> AppResult<Json<Ticket>> {
    Ok(Json(
        state
            .store
            .set_ticket_status(
                actor.user.account_id,
                id,
                StatusId::parse(patch.status_id.trim()),
                actor.user.help_desk_access,
            )
            .await?,
    ))
}

pub async fn notifications(
    State(state): State<AppState>,
    actor: Actor,
) -> AppResult<Json<Vec<Notification>>> {
    Ok(Json(state.store.notifications(actor.user.id, 200).await?))
}

/// `POST /api/conversations/{id}/replies`: an answer, committed as its mail and
/// queued (202); the sender takes it from there (R33, R23).
pub async fn reply(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<ConversationId>,
    Body(req): Body<AnswerRequest>,
) -> AppResult<(StatusCode, Json<Message>)> {
    readable(&state, &actor, id).await?;
    if state.relay.is_none() {
        return Err(AppError::new(
            ErrorCode::NoOutboundMail,
            "Answers go out by email, and this server has no mail relay: whoever runs Deskmove \
             starts it with --smtp-url smtp://user:password@relay.example.com:587.",
        ));
    }
    validate_answer(&req).map_err(|e| AppError(invalid_request(&e)))?;
    let who = Answerer {
        account: actor.user.account_id,
        user: actor.user.id,
        help_desk_access: actor.user.help_desk_access,
        mail_domain: &state.mail_domain,
    };
    let answer = state
        .store
        .queue_answer(&who, id, &req.body, Utc::now())
        .await?;
    crate::mail::send::outbound("answer", "queued");
    state.outbox_wake.notify_one();
    state
        .engine
        .publish_thread(actor.user.account_id, answer.id)
        .await;
    Ok((StatusCode::ACCEPTED, Json(answer)))
}
