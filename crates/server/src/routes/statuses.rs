//! R31: `/api/pipelines/{id}/statuses`: super admins add, rename, reorder,
//! re-state and delete the pipeline's ticket statuses.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use deskmove_rules::statuses::{NewStatus, StatusPatch};
use deskmove_rules::{PipelineId, PipelineStatus, StatusId};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::routes::{Body, PathId};
use crate::AppState;

/// `{id}` and `{sid}` of the path; anything else names no status.
fn ids(path: Result<Path<(String, String)>, PathRejection>) -> AppResult<(PipelineId, StatusId)> {
    let Ok(Path((pipeline, status))) = path else {
        return Err(AppError::not_found("status"));
    };
    match (pipeline.parse(), status.parse()) {
        (Ok(p), Ok(s)) => Ok((p, s)),
        _ => Err(AppError::not_found("status")),
    }
}

pub async fn add(
    State(state): State<AppState>,
    actor: Actor,
    PathId(pipeline): PathId<PipelineId>,
    Body(new): Body<NewStatus>,
) -> AppResult<(StatusCode, Json<PipelineStatus>)> {
    actor.require_super_admin("change the ticket statuses")?;
    let status = state
        .store
        .add_status(actor.user.account_id, pipeline, &new)
        .await
        .map_err(|e| e.answer("pipeline or status"))?;
    Ok((StatusCode::CREATED, Json(status)))
}

pub async fn change(
    State(state): State<AppState>,
    actor: Actor,
    path: Result<Path<(String, String)>, PathRejection>,
    Body(patch): Body<StatusPatch>,
) -> AppResult<Json<PipelineStatus>> {
    actor.require_super_admin("change the ticket statuses")?;
    let (pipeline, id) = ids(path)?;
    Ok(Json(
        state
            .store
            .change_status(actor.user.account_id, pipeline, id, &patch)
            .await
            .map_err(|e| e.answer("pipeline or status"))?,
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    actor: Actor,
    path: Result<Path<(String, String)>, PathRejection>,
) -> AppResult<StatusCode> {
    actor.require_super_admin("change the ticket statuses")?;
    let (pipeline, id) = ids(path)?;
    state
        .store
        .delete_status(actor.user.account_id, pipeline, id)
        .await
        .map_err(|e| e.answer("pipeline or status"))?;
    Ok(StatusCode::NO_CONTENT)
}
