//! R26: a move's report: paged as JSON, or the whole of it as CSV (RFC 4180, UTF-8,
//! a header line), streamed a page at a time so a report of any size costs the
//! server one page of memory. Super admin only, as the move itself is.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body as ResponseBody;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use deskmove_rules::scope::{may_access, no_help_desk_access};
use deskmove_rules::{ItemOutcome, MoveId, MoveItem, Page, Workspace};

use super::paging::{decode_cursor, limit, page, parse_query};
use super::PathId;
use crate::auth::Actor;
use crate::catalog::Catalog;
use crate::error::{AppError, AppResult};
use crate::store::Store;
use crate::AppState;

/// `?outcome=created|kept|arrived|unassigned&cursor=&limit=`.
#[derive(Debug, Default, serde::Deserialize)]
struct ItemsQuery {
    outcome: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
}

fn outcome(raw: Option<&str>) -> AppResult<Option<ItemOutcome>> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(r) => ItemOutcome::parse(r).map(Some).ok_or_else(|| {
            AppError::invalid("outcome: choose created, kept, arrived or unassigned.")
        }),
    }
}

/// The move, if it is the actor's account's and the actor may read its report:
/// a super admin (R1) with help desk access, since every row is a help desk
/// conversation and ticket (R23).
async fn readable(state: &AppState, actor: &Actor, id: MoveId) -> AppResult<()> {
    actor.require_super_admin("move channels to help desk")?;
    if !may_access(Workspace::HelpDesk, actor.user.help_desk_access) {
        return Err(no_help_desk_access().into());
    }
    state
        .store
        .move_by_id(actor.user.account_id, id)
        .await?
        .ok_or_else(|| AppError::not_found("move"))?;
    Ok(())
}

pub async fn items(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<MoveId>,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<Page<MoveItem>>> {
    readable(&state, &actor, id).await?;
    let q: ItemsQuery = parse_query(raw.as_deref())?;
    let outcome = outcome(q.outcome.as_deref())?;
    let limit = limit(q.limit.as_deref())?;
    let after = decode_cursor(q.cursor.as_deref())?.unwrap_or(0);
    let items = state
        .store
        .move_items(id, outcome, after, limit + 1)
        .await?;
    Ok(Json(page(items, limit, |i| i.conversation_id.get())))
}

/// What the CSV writes for the ids: the names people know them by.
struct Names {
    channels: HashMap<i64, String>,
    statuses: HashMap<i64, String>,
    users: HashMap<i64, String>,
}

/// How many rows the CSV reads from the database at a time.
const CSV_PAGE: u32 = 2_000;

const HEADER: [&str; 13] = [
    "conversation_id",
    "contact",
    "subject",
    "original_channel_id",
    "original_channel",
    "ticket_id",
    "ticket",
    "arrived",
    "status_id",
    "status",
    "owner_id",
    "owner",
    "unassigned_reason",
];

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a
/// carriage return first) gets a leading `'`, so an exported contact name can
/// never compute anything on the admin's machine (OWASP's CSV injection advice).
fn text_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

fn csv_rows(names: &Names, items: &[MoveItem], header: bool) -> Result<Bytes, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(items.len() * 120));
    if header {
        w.write_record(HEADER)?;
    }
    let name = |map: &HashMap<i64, String>, id: i64| map.get(&id).cloned().unwrap_or_default();
    for i in items {
        let owner = i.owner_id.map(|o| o.get());
        w.write_record([
            i.conversation_id.to_string(),
            text_cell(&i.contact).into_owned(),
            text_cell(&i.subject).into_owned(),
            i.original_channel_id.to_string(),
            text_cell(&name(&names.channels, i.original_channel_id.get())).into_owned(),
            i.ticket_id.to_string(),
            i.ticket.as_str().to_string(),
            i.arrived.to_string(),
            i.status_id.to_string(),
            text_cell(&name(&names.statuses, i.status_id.get())).into_owned(),
            owner.map(|o| o.to_string()).unwrap_or_default(),
            owner
                .map(|o| text_cell(&name(&names.users, o)).into_owned())
                .unwrap_or_default(),
            i.unassigned_reason
                .map(|r| r.as_str().to_string())
                .unwrap_or_default(),
        ])?;
    }
    w.into_inner()
        .map(Bytes::from)
        .map_err(|e| e.into_error().into())
}

/// Where the CSV stream is: after which conversation, and whether the header is out.
struct Cursor {
    store: Store,
    names: Arc<Names>,
    id: MoveId,
    after: i64,
    started: bool,
    done: bool,
}

async fn next_chunk(mut c: Cursor) -> Option<(Result<Bytes, std::io::Error>, Cursor)> {
    if c.done {
        return None;
    }
    let items = match c.store.move_items(c.id, None, c.after, CSV_PAGE).await {
        Ok(items) => items,
        Err(e) => {
            // The status line is out: all a client can be told is that the body broke off.
            tracing::error!(move_id = c.id.get(), error = %e, "report stopped");
            c.done = true;
            return Some((Err(std::io::Error::other("the report stopped")), c));
        }
    };
    if items.is_empty() && c.started {
        return None;
    }
    c.done = items.len() < CSV_PAGE as usize;
    let header = !c.started;
    c.started = true;
    if let Some(last) = items.last() {
        c.after = last.conversation_id.get();
    }
    let chunk = csv_rows(&c.names, &items, header).map_err(std::io::Error::other);
    Some((chunk, c))
}

pub async fn csv(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<MoveId>,
) -> AppResult<Response> {
    readable(&state, &actor, id).await?;
    let account = actor.user.account_id;
    let catalog = Catalog::load(&state.store, account).await?;
    let pipeline = state.store.pipeline(account).await?;
    let names = Names {
        channels: catalog
            .channels
            .iter()
            .map(|c| (c.id.get(), c.name.clone()))
            .collect(),
        statuses: pipeline
            .iter()
            .flat_map(|p| &p.statuses)
            .map(|s| (s.id.get(), s.label.clone()))
            .collect(),
        users: catalog
            .users
            .iter()
            .map(|u| (u.id.get(), u.name.clone()))
            .collect(),
    };
    let start = Cursor {
        store: state.store.clone(),
        names: Arc::new(names),
        id,
        after: 0,
        started: false,
        done: false,
    };
    let body = ResponseBody::from_stream(futures_util::stream::unfold(start, next_chunk));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/csv; charset=utf-8; header=present".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"deskmove-move-{id}-report.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
