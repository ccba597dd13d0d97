//! Moving a channel: the preview, the start, and reading moves (no cancel, no way back: R3, R17).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use deskmove_rules::validation::invalid_request;
use deskmove_rules::warnings::{busy_window_start, is_linked_email};
use deskmove_rules::{
    may_move, refusal, refused_already_in_help_desk, refused_move_in_progress,
    validate_move_request, ChannelId, Move, MoveId, MoveRequest, Preview, WarningFacts,
};

use super::{Body, PathId};
use crate::auth::Actor;
use crate::catalog::Catalog;
use crate::error::{AppError, AppResult};
use crate::store::{MoveRow, NewMove, StartError};
use crate::AppState;

/// R1: the server refuses whatever the client does.
fn require_super_admin(actor: &Actor) -> AppResult<()> {
    if may_move(actor.user.role) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Only a super admin can move channels to help desk.",
        ))
    }
}

fn view(state: &AppState, row: &MoveRow) -> AppResult<Move> {
    Ok(state.engine.view(row)?)
}

pub async fn preview(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<ChannelId>,
) -> AppResult<Json<Preview>> {
    require_super_admin(&actor)?;
    let account = actor.user.account_id;
    let catalog = Catalog::load(&state.store, account).await?;
    let row = catalog
        .channel_row(id)
        .ok_or_else(|| AppError::not_found("channel"))?;
    let now = Utc::now();
    let counts = state
        .store
        .history_counts(row.id, busy_window_start(now))
        .await?;
    let sla = state.store.sla_policy(account).await?;
    let linked: Vec<String> = catalog
        .channels
        .iter()
        .filter(|c| is_linked_email(row.inbox_id, c.inbox_id, c.kind, c.workspace))
        .map(|c| c.name.clone())
        .collect();
    let warnings = deskmove_rules::warnings(&WarningFacts {
        kind: row.kind,
        users: &catalog.users,
        sla_policy: sla.as_ref(),
        recent_arrivals: counts.recent_arrivals.max(0) as u64,
        linked_email_channels: &linked,
        mute_notifications: false,
    });
    let n = |v: i64| v.max(0) as u64;
    Ok(Json(Preview {
        conversations: n(counts.conversations),
        with_ticket: n(counts.with_ticket),
        without_ticket: n(counts.conversations - counts.with_ticket),
        open: n(counts.open),
        closed: n(counts.conversations - counts.open),
        owners_without_access: n(counts.owners_without_access),
        blockers: catalog.movability(row).reasons,
        warnings,
    }))
}

/// Checks in API.md's order: session and CSRF (the extractor), role, body, channel,
/// movability (already in help desk, not movable, move in progress), statuses.
pub async fn start(
    State(state): State<AppState>,
    actor: Actor,
    body: Result<Body<MoveRequest>, AppError>,
) -> AppResult<(StatusCode, Json<Move>)> {
    require_super_admin(&actor)?;
    let Body(req) = body?;
    let account = actor.user.account_id;
    let catalog = Catalog::load(&state.store, account).await?;
    let row = ChannelId::parse(req.channel_id.trim())
        .and_then(|id| catalog.channel_row(id))
        .ok_or_else(|| AppError::not_found("channel"))?;
    if let Some(refused) = refusal(&catalog.movability(row)) {
        return Err(refused.into());
    }
    let pipeline = state.store.pipeline(account).await?;
    let valid = validate_move_request(&req, pipeline.as_ref())
        .map_err(|e| AppError(invalid_request(&e)))?;
    let started = state
        .store
        .start_move(&NewMove {
            account_id: account,
            channel_id: row.id,
            requested_by: actor.user.id,
            history: valid
                .history
                .map(|m| (m.open_status_id, m.closed_status_id)),
            mute_notifications: valid.mute_notifications,
        })
        .await;
    let row = match started {
        Ok(row) => row,
        Err(StartError::MoveInProgress) => return Err(refused_move_in_progress().into()),
        Err(StartError::AlreadyInHelpDesk) => return Err(refused_already_in_help_desk().into()),
        Err(StartError::Store(e)) => return Err(e.into()),
    };
    tracing::info!(
        move_id = row.id.get(),
        channel_id = row.channel_id.get(),
        by = actor.user.id.get(),
        "move started"
    );
    state.engine.publish_move(&row);
    state.engine.spawn(row.id);
    Ok((StatusCode::ACCEPTED, Json(view(&state, &row)?)))
}

pub async fn current(State(state): State<AppState>, actor: Actor) -> AppResult<Json<Option<Move>>> {
    let row = state.store.current_move(actor.user.account_id).await?;
    Ok(Json(row.as_ref().map(|r| view(&state, r)).transpose()?))
}

pub async fn get(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<MoveId>,
) -> AppResult<Json<Move>> {
    let row = state
        .store
        .move_by_id(actor.user.account_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("move"))?;
    Ok(Json(view(&state, &row)?))
}

pub async fn list(State(state): State<AppState>, actor: Actor) -> AppResult<Json<Vec<Move>>> {
    let rows = state.store.moves(actor.user.account_id).await?;
    Ok(Json(
        rows.iter()
            .map(|r| view(&state, r))
            .collect::<AppResult<_>>()?,
    ))
}
