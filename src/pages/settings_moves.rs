//! `/settings/moves`: every move of the account, newest first: who, when, what, how it went (SCREENS.md 10).

use deskmove_rules::{Move, MoveHistory, MoveId, MoveState, Pipeline, StatusId};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api;
use crate::components::format::{date_time, number};
use crate::components::list::{list_view, DataTable, ListWords};
use crate::components::move_report::MoveReport;
use crate::components::settings_nav::{SettingsNav, SettingsPage};
use crate::directory::{use_directory, Names};
use crate::i18n::{td_string, Locale};
use crate::live::use_live;
use crate::words::{self, locale};

/// The columns' headings; each cell carries its own as `data-label`, which a
/// phone shows beside it when the rows become cards.
struct Columns {
    started: &'static str,
    channel: &'static str,
    by: &'static str,
    history: &'static str,
    moved: &'static str,
    duration: &'static str,
    state: &'static str,
}

impl Columns {
    fn new(l: Locale) -> Self {
        Columns {
            started: td_string!(l, moves.started),
            channel: td_string!(l, moves.channel),
            by: td_string!(l, moves.by),
            history: td_string!(l, moves.history),
            moved: td_string!(l, moves.moved),
            duration: td_string!(l, moves.duration),
            state: td_string!(l, moves.state),
        }
    }

    fn all(&self) -> Vec<&'static str> {
        vec![
            self.started,
            self.channel,
            self.by,
            self.history,
            self.moved,
            self.duration,
            self.state,
        ]
    }
}

#[component]
pub fn SettingsMoves() -> impl IntoView {
    let live = use_live();
    let directory = use_directory();
    let moves = LocalResource::new(move || {
        live.latest.track();
        api::moves()
    });
    let pipeline = LocalResource::new(api::pipeline);
    let retry = Callback::new(move |_| {
        moves.refetch();
        pipeline.refetch();
        directory.retry_if_failed();
    });
    // R26: the moves whose report is open; kept here, so a live refresh of the
    // list leaves them open.
    let open = RwSignal::new(std::collections::HashSet::<MoveId>::new());
    let l = locale();
    let list_words = ListWords {
        loading: td_string!(l, moves.loading),
        empty: td_string!(l, moves.empty),
    };
    view! {
        <div class="settings-layout">
            <Title text=td_string!(l, moves.title)/>
            <SettingsNav current=SettingsPage::Moves/>
            <main class="settings-main" id="main">
                <h1>{td_string!(l, settings.moves)}</h1>
                <p class="muted">{td_string!(l, moves.intro)}</p>
                {move || list_view(directory.gate(moves.get()), list_words, retry, |list| {
                    let names = directory.names();
                    let pipeline = pipeline.get().and_then(Result::ok).flatten();
                    let columns = Columns::new(l);
                    view! {
                        <DataTable class="moves" columns=columns.all()>
                            {list.into_iter().map(|m| row(l, &columns, m, &names, pipeline.as_ref(), open)).collect_view()}
                        </DataTable>
                    }.into_any()
                })}
            </main>
        </div>
    }
}

fn history(l: Locale, choice: &MoveHistory, pipeline: Option<&Pipeline>) -> String {
    let label = |id: &StatusId| {
        pipeline
            .and_then(|p| p.status(*id))
            .map(|s| s.label.clone())
            .unwrap_or_else(|| "?".into())
    };
    match choice {
        MoveHistory::None => td_string!(l, history.none).to_string(),
        MoveHistory::All {
            open_status_id,
            closed_status_id,
        } => td_string!(
            l,
            moves.all,
            open = label(open_status_id),
            closed = label(closed_status_id)
        )
        .to_string(),
    }
}

/// R24: what became of a move that never ran, or when it will.
fn not_started(l: Locale, m: &Move) -> Option<impl IntoView> {
    let at =
        |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| date_time(l, t)).unwrap_or_default();
    let line = match m.state {
        MoveState::Scheduled => td_string!(l, moves.starts_at, time = at(m.start_at)).to_string(),
        MoveState::Canceled => {
            td_string!(l, moves.canceled_before, time = at(m.finished_at)).to_string()
        }
        MoveState::Failed if !m.failure.is_empty() => {
            let why: Vec<String> = m.failure.iter().map(|s| words::said(l, s)).collect();
            format!(
                "{} {}",
                td_string!(l, moves.failed_at_start, time = at(m.start_at)),
                why.join(" ")
            )
        }
        _ => return None,
    };
    Some(view! { <div class="muted small">{line}</div> })
}

fn row(
    l: Locale,
    c: &Columns,
    m: Move,
    names: &Names,
    pipeline: Option<&Pipeline>,
    open: RwSignal<std::collections::HashSet<MoveId>>,
) -> impl IntoView {
    let id = m.id;
    let (state_now, reported) = (m.state, m.reported);
    // R23: a report's rows are help desk conversations and tickets.
    let started = matches!(m.state, MoveState::Running | MoveState::Completed);
    let access = crate::session::use_session().has_help_desk_access();
    let has_report = move || started && access.get();
    let is_open = move || open.with(|o| o.contains(&id));
    let toggle = move || {
        view! {
            <button
                type="button"
                class="button secondary small report-toggle"
                aria-expanded=move || is_open().to_string()
                aria-controls=format!("report-row-{id}")
                on:click=move |_| open.update(|o| if !o.remove(&id) { o.insert(id); })
            >
                {move || if is_open() { td_string!(l, report.hide_report) } else { td_string!(l, report.show_report) }}
            </button>
        }
    };
    let (state, class) = (words::move_state(l, m.state), m.state.as_str());
    let took = m
        .finished_at
        .map(|f| words::duration(l, (f - m.started_at).num_seconds()))
        .unwrap_or_else(|| "—".into());
    view! {
        <tr data-move=m.id.to_string()>
            <td class="small" data-label=c.started><a href=format!("/moves/{}", m.id)>{date_time(l, m.started_at)}</a></td>
            <td data-label=c.channel>{names.channel(l, m.channel_id)}</td>
            <td data-label=c.by>{names.user(l, Some(m.requested_by))}</td>
            <td class="small" data-label=c.history>
                {history(l, &m.history, pipeline)}
                {m.mute_notifications.then(|| view! { <div class="muted">{td_string!(l, moves.muted)}</div> })}
            </td>
            <td class="small" data-label=c.moved>
                {td_string!(l, moves.of, moved = number(l, m.moved), total = number(l, m.total)).to_string()}
                <div class="muted">{td_string!(l, moves.counts, created = number(l, m.tickets_created), unassigned = number(l, m.unassigned), arrived = number(l, m.arrived)).to_string()}</div>
                {move || has_report().then(toggle)}
            </td>
            <td class="small" data-label=c.duration>{took}</td>
            <td data-label=c.state>
                <span class=format!("state-badge {class}")>{state}</span>
                {not_started(l, &m)}
            </td>
        </tr>
        {move || (has_report() && is_open()).then(|| view! {
            <tr class="report-row" id=format!("report-row-{id}")>
                <td colspan="7">
                    <MoveReport id=id state=Signal::stored(state_now) reported=reported/>
                </td>
            </tr>
        })}
    }
}
