//! What a load balancer and an operator ask of a server: `/healthz`, the
//! process answers (no database); `/readyz`, it can serve requests now: its
//! database answers within a second with this binary's migrations, and it is
//! not shutting down. Outside the API: no session, no set-up needed.

use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use deskmove_rules::ErrorCode;

use crate::error::AppError;
use crate::AppState;

/// How long the database gets to answer a readiness check.
const DATABASE_WITHIN: Duration = Duration::from_secs(1);

pub async fn healthz() -> Response {
    fresh(Json(serde_json::json!({ "status": "ok" })).into_response())
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    let not_ready = |why: String| fresh(AppError::new(ErrorCode::Unavailable, why).into_response());
    if state.draining.is_cancelled() {
        return not_ready("This server is shutting down.".into());
    }
    match tokio::time::timeout(DATABASE_WITHIN, state.store.readiness()).await {
        Err(_) => not_ready("The database did not answer within a second.".into()),
        Ok(Err(why)) => not_ready(why),
        Ok(Ok(())) => fresh(Json(serde_json::json!({ "status": "ready" })).into_response()),
    }
}

/// Never kept by a cache between the prober and the server.
fn fresh(mut res: Response) -> Response {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}
