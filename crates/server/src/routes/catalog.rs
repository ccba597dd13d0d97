//! Reading the account: inboxes and their channels, chatflows, the pipeline, users.

use axum::extract::State;
use axum::Json;
use deskmove_rules::{Channel, ChannelId, Chatflow, Inbox, Pipeline};

use super::PathId;
use crate::auth::Actor;
use crate::catalog::Catalog;
use crate::error::{AppError, AppResult};
use crate::AppState;

pub async fn inboxes(State(state): State<AppState>, actor: Actor) -> AppResult<Json<Vec<Inbox>>> {
    let catalog = Catalog::load(&state.store, actor.user.account_id).await?;
    Ok(Json(catalog.inbox_views()))
}

pub async fn help_desk_channels(
    State(state): State<AppState>,
    actor: Actor,
) -> AppResult<Json<Vec<Channel>>> {
    let catalog = Catalog::load(&state.store, actor.user.account_id).await?;
    Ok(Json(catalog.help_desk_channels()))
}

pub async fn channel(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<ChannelId>,
) -> AppResult<Json<Channel>> {
    let catalog = Catalog::load(&state.store, actor.user.account_id).await?;
    let row = catalog
        .channel_row(id)
        .ok_or_else(|| AppError::not_found("channel"))?;
    Ok(Json(catalog.channel(row)))
}

pub async fn chatflows(
    State(state): State<AppState>,
    actor: Actor,
) -> AppResult<Json<Vec<Chatflow>>> {
    let catalog = Catalog::load(&state.store, actor.user.account_id).await?;
    Ok(Json(catalog.chatflow_views()))
}

pub async fn pipelines(
    State(state): State<AppState>,
    actor: Actor,
) -> AppResult<Json<Vec<Pipeline>>> {
    let pipeline = state.store.pipeline(actor.user.account_id).await?;
    Ok(Json(pipeline.into_iter().collect()))
}
