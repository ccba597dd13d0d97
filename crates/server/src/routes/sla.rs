//! R31: `/api/sla-policy`: read by anyone signed in (tickets show their due
//! times by it); made, replaced and removed by super admins.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use deskmove_rules::sla::{validate_sla_policy, SlaPolicyRequest};
use deskmove_rules::validation::invalid_request;
use deskmove_rules::SlaPolicy;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::routes::Body;
use crate::AppState;

pub async fn get(
    State(state): State<AppState>,
    actor: Actor,
) -> AppResult<Json<Option<SlaPolicy>>> {
    Ok(Json(state.store.sla_policy(actor.user.account_id).await?))
}

pub async fn put(
    State(state): State<AppState>,
    actor: Actor,
    Body(request): Body<SlaPolicyRequest>,
) -> AppResult<Json<SlaPolicy>> {
    actor.require_super_admin("change the SLA policy")?;
    validate_sla_policy(&request).map_err(|e| AppError(invalid_request(&e)))?;
    let policy = state
        .store
        .put_sla_policy(actor.user.account_id, &request)
        .await?;
    tracing::info!(by = actor.user.id.get(), "set the SLA policy");
    Ok(Json(policy))
}

pub async fn delete(State(state): State<AppState>, actor: Actor) -> AppResult<StatusCode> {
    actor.require_super_admin("change the SLA policy")?;
    state.store.delete_sla_policy(actor.user.account_id).await?;
    tracing::info!(by = actor.user.id.get(), "removed the SLA policy");
    Ok(StatusCode::NO_CONTENT)
}
