//! R26: a move's report: each conversation it moved and what happened to its
//! ticket, a page at a time, filtered by outcome, and the whole of it as CSV.

use deskmove_rules::{ItemOutcome, MoveId, MoveItem, MoveState, Page, Pipeline, TicketFate};
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use super::list::DataTable;
use super::status::{load_error, loading};
use crate::api::{self, ApiResult};
use crate::directory::{use_directory, Names};
use crate::i18n::{td_string, Locale};
use crate::words::locale;

type Reading<T> = Pin<Box<dyn Future<Output = ApiResult<T>>>>;
/// A page of move `id`'s report of an outcome (or all) after a cursor.
pub type ReadItems = dyn Fn(MoveId, Option<ItemOutcome>, Option<String>) -> Reading<Page<MoveItem>>;

/// Where the report reads from: the server, unless a test says otherwise.
#[derive(Clone)]
pub struct ReportReader {
    pub items: Rc<ReadItems>,
    pub pipeline: Rc<dyn Fn() -> Reading<Option<Pipeline>>>,
}

impl Default for ReportReader {
    fn default() -> Self {
        ReportReader {
            items: Rc::new(|id, outcome, cursor| {
                Box::pin(async move { api::move_items(id, outcome, cursor.as_deref()).await })
            }),
            pipeline: Rc::new(|| Box::pin(api::pipeline())),
        }
    }
}

fn outcome_label(l: Locale, o: Option<ItemOutcome>) -> &'static str {
    match o {
        None => td_string!(l, report.all),
        Some(ItemOutcome::Created) => td_string!(l, report.created),
        Some(ItemOutcome::Kept) => td_string!(l, report.kept),
        Some(ItemOutcome::Arrived) => td_string!(l, report.arrived),
        Some(ItemOutcome::Unassigned) => td_string!(l, report.unassigned),
    }
}

/// The report of move `id`. While the move runs it grows; it is read again
/// when the move's state changes, and on Refresh.
#[component]
pub fn MoveReport(
    id: MoveId,
    #[prop(into)] state: Signal<MoveState>,
    /// Whether the move keeps a report at all (not moves made before reports began).
    reported: bool,
    /// Where it reads; the server by default.
    #[prop(optional)]
    reader: Option<ReportReader>,
) -> impl IntoView {
    let reader = reader.unwrap_or_default();
    let (read_items, read_pipeline) = (reader.items.clone(), reader.pipeline.clone());
    let l = locale();
    let names = use_directory();
    let outcome = RwSignal::new(None::<ItemOutcome>);
    // The cursors of the pages walked so far: the last is the page shown.
    let cursors = RwSignal::new(vec![None::<String>]);
    let refresh = RwSignal::new(0_u32);
    let state_now = Memo::new(move |_| state.get());
    Effect::new(move |seen: Option<MoveState>| {
        let now = state_now.get();
        if seen.is_some_and(|s| s != now) {
            refresh.update(|n| *n += 1);
        }
        now
    });
    let page = LocalResource::new(move || {
        refresh.track();
        let (o, cursor) = (outcome.get(), cursors.with(|c| c.last().cloned().flatten()));
        read_items(id, o, cursor)
    });
    let pipeline = LocalResource::new(move || read_pipeline());
    let table_id = format!("report-{id}");
    let select_id = format!("report-outcome-{id}");
    let focus_table = {
        let table_id = table_id.clone();
        move || {
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&table_id))
            {
                let _ = wasm_bindgen::JsCast::unchecked_ref::<web_sys::HtmlElement>(&el).focus();
            }
        }
    };
    let next_cursor = move || page.get().and_then(|p| p.ok()).and_then(|p| p.next_cursor);
    let go_next = {
        let focus = focus_table.clone();
        move |_| {
            if let Some(c) = next_cursor() {
                cursors.update(|s| s.push(Some(c)));
                focus();
            }
        }
    };
    let go_back = {
        let focus = focus_table.clone();
        move |_| {
            cursors.update(|s| {
                if s.len() > 1 {
                    s.pop();
                }
            });
            focus();
        }
    };
    let page_number = move || cursors.with(Vec::len);
    let body = {
        move || -> AnyView {
            let shown: Option<ApiResult<Page<MoveItem>>> = names.gate(page.get());
            match shown {
                None => loading(td_string!(l, report.loading)),
                Some(Err(e)) => load_error(&e, Callback::new(move |_| page.refetch())),
                Some(Ok(p)) if p.items.is_empty() => {
                    let line = if outcome.get().is_none() {
                        td_string!(l, report.nothing_moved)
                    } else {
                        td_string!(l, report.empty)
                    };
                    view! { <p class="empty">{line}</p> }.into_any()
                }
                Some(Ok(p)) => {
                    let names = names.names();
                    let pipeline = pipeline.get().and_then(Result::ok).flatten();
                    rows(l, p.items, &names, pipeline.as_ref())
                }
            }
        }
    };
    if !reported {
        return view! {
            <section class="move-report" aria-labelledby=format!("report-title-{id}")>
                <h2 id=format!("report-title-{id}")>{td_string!(l, report.title)}</h2>
                <p class="muted">{td_string!(l, report.before_reports)}</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="move-report" aria-labelledby=format!("report-title-{id}")>
            <div class="report-head">
                <h2 id=format!("report-title-{id}")>{td_string!(l, report.title)}</h2>
                <a class="button secondary" href=api::report_csv(id) download="" data-action="download-csv">
                    {td_string!(l, report.download)}
                </a>
            </div>
            <p class="muted">
                {td_string!(l, report.intro)}
                {move || (state_now.get() == MoveState::Running).then(|| view! {
                    " "{td_string!(l, report.growing)}" "
                    <button type="button" class="button secondary small" on:click=move |_| refresh.update(|n| *n += 1)>
                        {td_string!(l, report.refresh)}
                    </button>
                })}
            </p>
            <div class="field inline">
                <label for=select_id.clone()>{td_string!(l, report.show)}</label>
                <select
                    id=select_id
                    data-filter="outcome"
                    on:change=move |ev| {
                        outcome.set(ItemOutcome::parse(&event_target_value(&ev)));
                        cursors.set(vec![None]);
                    }
                >
                    {std::iter::once(None).chain(ItemOutcome::ALL.into_iter().map(Some)).map(|o| {
                        let value = o.map(ItemOutcome::as_str).unwrap_or("");
                        view! { <option value=value selected=move || outcome.get() == o>{outcome_label(l, o)}</option> }
                    }).collect_view()}
                </select>
            </div>
            // Stays while pages come and go, so focus stays on it.
            <div class="report-table" id=table_id.clone() tabindex="-1">{body}</div>
            <nav class="pager" aria-label=td_string!(l, pager.below)>
                {move || (page_number() > 1).then(|| view! {
                    <button type="button" class="button secondary" data-action="report-previous" on:click=go_back.clone()>
                        {td_string!(l, pager.previous)}
                    </button>
                })}
                <span class="muted page-range" aria-live="polite">{move || td_string!(l, report.page, n = page_number()).to_string()}</span>
                {move || next_cursor().is_some().then(|| view! {
                    <button type="button" class="button secondary" data-action="report-next" on:click=go_next.clone()>
                        {td_string!(l, pager.next)}
                    </button>
                })}
            </nav>
        </section>
    }
    .into_any()
}

fn rows(l: Locale, items: Vec<MoveItem>, names: &Names, pipeline: Option<&Pipeline>) -> AnyView {
    let columns = vec![
        td_string!(l, report.conversation),
        td_string!(l, report.ticket),
        td_string!(l, list.status),
        td_string!(l, list.owner),
    ];
    let heads = columns.clone();
    let rows = items
        .into_iter()
        .map(|i| {
            let status = pipeline
                .and_then(|p| p.status(i.status_id))
                .map(|s| s.label.clone())
                .unwrap_or_else(|| "—".into());
            let owner = match i.owner_id {
                Some(o) => names.user(l, Some(o)),
                None => match i.unassigned_reason {
                    Some(deskmove_rules::UnassignedReason::OwnerWithoutAccess) => {
                        td_string!(l, sample.owner_without_access).to_string()
                    }
                    _ => td_string!(l, sample.no_owner).to_string(),
                },
            };
            let fate = match i.ticket {
                TicketFate::Kept => td_string!(l, sample.kept),
                TicketFate::Created => td_string!(l, sample.created),
            };
            let subject = if i.subject.trim().is_empty() {
                td_string!(l, help_desk.no_subject).to_string()
            } else {
                i.subject.clone()
            };
            view! {
                <tr data-conversation=i.conversation_id.to_string() data-ticket=i.ticket.as_str() data-arrived=i.arrived.to_string()>
                    <td data-label=heads[0]>
                        <div>{i.contact.clone()}</div>
                        <div class="muted small">{subject}</div>
                    </td>
                    <td data-label=heads[1]>
                        <a href=format!("/help-desk/tickets/{}", i.ticket_id)>{format!("#{}", i.ticket_id)}</a>
                        " "<span class="muted small">{fate}</span>
                        {i.arrived.then(|| view! { " "<span class="state-badge running">{td_string!(l, report.arrived_badge)}</span> })}
                    </td>
                    <td data-label=heads[2]>{status}</td>
                    <td data-label=heads[3] class:muted=i.owner_id.is_none()>{owner}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable class="report" columns=columns>{rows}</DataTable> }.into_any()
}
