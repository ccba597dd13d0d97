//! Moving a channel: the preview, the start (now or scheduled), a scheduled move's
//! reschedule and cancel, and reading moves (no cancel once started, no way back: R3, R17).

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use deskmove_rules::plan::{plan_history_ticket, planned_ticket};
use deskmove_rules::validation::{
    invalid_request, natural_status, validate_start_at, FIELD_START_AT,
};
use deskmove_rules::warnings::{
    activity, activity_window_start, busy_window_start, is_linked_email,
};
use deskmove_rules::{
    has_help_desk_access, validate_move_request, AccountId, ChannelId, ConversationStatus,
    ErrorCode, FieldError, HistoryChoice, Move, MoveId, MoveRequest, MoveReschedule, MoveState,
    Preview, Said, SampleConversation, WarningFacts,
};

use super::paging::parse_query;
use super::{Body, PathId};
use crate::auth::Actor;
use crate::catalog::Catalog;
use crate::error::{AppError, AppResult};
use crate::starts::{check_start, start_refused};
use crate::store::{ChangeMoveError, MoveRow};
use crate::AppState;

/// R25: what the move would do to the oldest and newest conversations of the
/// history, planned by the rules crate as the engine's oracle test plans them,
/// for the statuses asked (the pipeline's natural ones when none are). The
/// statuses are checked as a start checks them.
async fn sample(
    state: &AppState,
    account: AccountId,
    catalog: &Catalog,
    channel: ChannelId,
    query: PreviewQuery,
    wanted: u32,
) -> AppResult<Vec<SampleConversation>> {
    let pipeline = state.store.pipeline(account).await?;
    let asked = query.open_status_id.is_some() || query.closed_status_id.is_some();
    if pipeline.is_none() && !asked {
        // A new account has no pipeline yet: nothing to plan tickets in, and the
        // preview's blockers say so.
        return Ok(Vec::new());
    }
    let natural = |status| {
        pipeline
            .as_ref()
            .and_then(|p| natural_status(p, status))
            .map(|s| s.id.to_string())
    };
    let request = MoveRequest {
        channel_id: channel.to_string(),
        history: HistoryChoice::All {
            open_status_id: query
                .open_status_id
                .or_else(|| natural(ConversationStatus::Open)),
            closed_status_id: query
                .closed_status_id
                .or_else(|| natural(ConversationStatus::Closed)),
        },
        mute_notifications: false,
        start_at: None,
    };
    let valid = validate_move_request(&request, pipeline.as_ref())
        .map_err(|e| AppError(invalid_request(&e)))?;
    let Some(mapping) = valid.history else {
        return Ok(Vec::new());
    };
    let sla = state.store.sla_policy(account).await?;
    let sampled = state
        .store
        .history_sample(channel, wanted.div_ceil(2), wanted / 2)
        .await?;
    Ok(sampled
        .into_iter()
        .filter_map(|c| {
            let plan = plan_history_ticket(
                &c.history,
                &mapping,
                |u| has_help_desk_access(&catalog.users, u),
                sla.as_ref(),
            );
            let t = planned_ticket(&c.history, &plan)?;
            Some(SampleConversation {
                conversation_id: c.id,
                contact: c.contact,
                subject: c.subject,
                status: c.history.status,
                started_at: c.history.started_at,
                ticket: t.fate,
                status_id: t.status_id,
                owner_id: t.owner_id,
                unassigned_reason: t.unassigned_reason,
                created_at: t.created_at,
                sla: t.sla,
            })
        })
        .collect())
}

fn view(state: &AppState, row: &MoveRow) -> AppResult<Move> {
    Ok(state.engine.view(row)?)
}

/// R25: `?open_status_id=&closed_status_id=&sample=N`.
#[derive(Debug, Default, serde::Deserialize)]
struct PreviewQuery {
    open_status_id: Option<String>,
    closed_status_id: Option<String>,
    sample: Option<String>,
}

/// R25: at most this many conversations in a preview's sample.
pub const MAX_SAMPLE: u32 = 50;

pub async fn preview(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<ChannelId>,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Preview>> {
    actor.require_super_admin("move channels to help desk")?;
    let query: PreviewQuery = parse_query(raw.as_deref())?;
    let wanted = match query.sample.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(n) => n
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_SAMPLE)
            .ok_or_else(|| {
                AppError::invalid(format!("sample: ask for 0 to {MAX_SAMPLE} conversations."))
            })?,
    };
    let account = actor.user.account_id;
    let catalog = Catalog::load(&state.store, account).await?;
    let row = catalog
        .channel_row(id)
        .ok_or_else(|| AppError::not_found("channel"))?;
    let sample = if wanted == 0 {
        Vec::new()
    } else {
        sample(&state, account, &catalog, row.id, query, wanted).await?
    };
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
    let by_hour = state
        .store
        .arrivals_by_hour(row.id, activity_window_start(now))
        .await?;
    let activity = activity(counts.recent_arrivals.max(0) as u64, &by_hour);
    let warnings = deskmove_rules::warnings(&WarningFacts {
        kind: row.kind,
        users: &catalog.users,
        sla_policy: sla.as_ref(),
        recent_arrivals: counts.recent_arrivals.max(0) as u64,
        quietest_hour: Some(activity.quietest_hour),
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
        sample,
        activity,
    }))
}

/// Checks in API.md's order: session and CSRF (the extractor), role, body, then
/// channel, movability and statuses as every start checks them (R24).
pub async fn start(
    State(state): State<AppState>,
    actor: Actor,
    body: Result<Body<MoveRequest>, AppError>,
) -> AppResult<(StatusCode, Json<Move>)> {
    actor.require_super_admin("move channels to help desk")?;
    let Body(req) = body?;
    let account = actor.user.account_id;
    let new = check_start(&state.store, account, actor.user.id, &req, None, Utc::now()).await?;
    let row = state.store.start_move(&new).await.map_err(start_refused)?;
    tracing::info!(
        move_id = row.id.get(),
        channel_id = row.channel_id.get(),
        by = actor.user.id.get(),
        scheduled = row.start_at.is_some(),
        "move started"
    );
    state.engine.publish_move(&row);
    if row.state == MoveState::Running {
        state.engine.spawn(row.id);
    }
    Ok((StatusCode::ACCEPTED, Json(view(&state, &row)?)))
}

/// R24: a scheduled move's new start, only while it is scheduled.
pub async fn reschedule(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<MoveId>,
    body: Result<Body<MoveReschedule>, AppError>,
) -> AppResult<Json<Move>> {
    actor.require_super_admin("move channels to help desk")?;
    let Body(patch) = body?;
    let at = match validate_start_at(patch.start_at.as_deref(), Utc::now()) {
        Ok(Some(at)) => at,
        Ok(None) => {
            return Err(AppError(invalid_request(&[FieldError::new(
                FIELD_START_AT,
                Said::StartAtNotATime,
            )])))
        }
        Err(e) => return Err(AppError(invalid_request(&[e]))),
    };
    let row = state
        .store
        .reschedule_move(actor.user.account_id, id, at)
        .await
        .map_err(change_refused)?;
    tracing::info!(
        move_id = id.get(),
        by = actor.user.id.get(),
        "move rescheduled"
    );
    state.engine.publish_move(&row);
    Ok(Json(view(&state, &row)?))
}

/// R24: cancels a scheduled move; a started one has no cancel (R17).
pub async fn cancel(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<MoveId>,
) -> AppResult<StatusCode> {
    actor.require_super_admin("move channels to help desk")?;
    let row = state
        .store
        .cancel_move(actor.user.account_id, id)
        .await
        .map_err(change_refused)?;
    tracing::info!(
        move_id = id.get(),
        by = actor.user.id.get(),
        "move canceled"
    );
    state.engine.publish_move(&row);
    Ok(StatusCode::NO_CONTENT)
}

fn change_refused(e: ChangeMoveError) -> AppError {
    match e {
        ChangeMoveError::NotFound => AppError::not_found("move"),
        ChangeMoveError::Started => AppError::new(
            ErrorCode::MoveStarted,
            "This move has started: it can no longer be rescheduled or canceled, and it will finish on its own.",
        ),
        ChangeMoveError::Store(e) => e.into(),
    }
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
