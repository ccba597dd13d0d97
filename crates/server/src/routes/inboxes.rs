//! R30: super admins make inboxes, connect channels, change a channel's name and
//! R6 settings, and edit a chatflow's bot. Each answer is what the reads show.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use deskmove_rules::inboxes::{BotRequest, ChannelPatch, InboxName, NewChannel};
use deskmove_rules::{AccountId, Channel, ChannelId, Chatflow, ChatflowId, Inbox, InboxId};

use crate::auth::Actor;
use crate::catalog::Catalog;
use crate::error::{AppError, AppResult};
use crate::routes::{Body, PathId};
use crate::AppState;

const WHAT: &str = "change inboxes and channels";

async fn inbox_view(state: &AppState, account: AccountId, id: InboxId) -> AppResult<Json<Inbox>> {
    Catalog::load(&state.store, account)
        .await?
        .inbox_views()
        .into_iter()
        .find(|i| i.id == id)
        .map(Json)
        .ok_or_else(|| AppError::not_found("inbox"))
}

/// The channel as `GET /api/channels/{id}` shows it, after every stream heard
/// that it changed.
async fn channel_view(
    state: &AppState,
    account: AccountId,
    id: ChannelId,
) -> AppResult<Json<Channel>> {
    state.engine.publish_channel(account, id).await;
    let catalog = Catalog::load(&state.store, account).await?;
    let row = catalog
        .channel_row(id)
        .ok_or_else(|| AppError::not_found("channel"))?;
    Ok(Json(catalog.channel(row)))
}

pub async fn create_inbox(
    State(state): State<AppState>,
    actor: Actor,
    Body(req): Body<InboxName>,
) -> AppResult<(StatusCode, Json<Inbox>)> {
    actor.require_super_admin(WHAT)?;
    let account = actor.user.account_id;
    let id = state
        .store
        .create_inbox(account, &req)
        .await
        .map_err(|e| e.answer("inbox"))?;
    Ok((StatusCode::CREATED, inbox_view(&state, account, id).await?))
}

pub async fn rename_inbox(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<InboxId>,
    Body(req): Body<InboxName>,
) -> AppResult<Json<Inbox>> {
    actor.require_super_admin(WHAT)?;
    let account = actor.user.account_id;
    state
        .store
        .rename_inbox(account, id, &req)
        .await
        .map_err(|e| e.answer("inbox"))?;
    inbox_view(&state, account, id).await
}

pub async fn connect_channel(
    State(state): State<AppState>,
    actor: Actor,
    Body(req): Body<NewChannel>,
) -> AppResult<(StatusCode, Json<Channel>)> {
    actor.require_super_admin(WHAT)?;
    let account = actor.user.account_id;
    let id = state
        .store
        .connect_channel(account, &req)
        .await
        .map_err(|e| e.answer("inbox"))?;
    Ok((
        StatusCode::CREATED,
        channel_view(&state, account, id).await?,
    ))
}

pub async fn change_channel(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<ChannelId>,
    Body(patch): Body<ChannelPatch>,
) -> AppResult<Json<Channel>> {
    actor.require_super_admin(WHAT)?;
    let account = actor.user.account_id;
    state
        .store
        .change_channel(account, id, &patch)
        .await
        .map_err(|e| e.answer("channel"))?;
    channel_view(&state, account, id).await
}

pub async fn set_bot(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<ChatflowId>,
    Body(bot): Body<BotRequest>,
) -> AppResult<Json<Chatflow>> {
    actor.require_super_admin("edit chat bots")?;
    let account = actor.user.account_id;
    let channel = state
        .store
        .set_bot(account, id, &bot)
        .await
        .map_err(|e| e.answer("chatflow"))?;
    state.engine.publish_channel(account, channel).await;
    Catalog::load(&state.store, account)
        .await?
        .chatflow_views()
        .into_iter()
        .find(|f| f.id == id)
        .map(Json)
        .ok_or_else(|| AppError::not_found("chatflow"))
}
