//! `/settings/moves`: every move of the account, newest first: who, when, what, how it went (SCREENS.md 10).

use deskmove_rules::{Move, MoveHistory, Pipeline, StatusId};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api;
use crate::components::format::{date_time, duration, thousands};
use crate::components::list::{list_view, DataTable, ListWords};
use crate::components::settings_nav::{SettingsNav, SettingsPage};
use crate::directory::{use_directory, Names};
use crate::live::use_live;

const WORDS: ListWords = ListWords {
    loading: "Loading moves…",
    empty: "No channel has been moved yet.",
};

const COLUMNS: &[&str] = &[
    "Started", "Channel", "By", "History", "Moved", "Duration", "State",
];

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
    view! {
        <div class="settings-layout">
            <Title text="Move history · Settings"/>
            <SettingsNav current=SettingsPage::Moves/>
            <main class="settings-main" id="main">
                <h1>"Move history"</h1>
                <p class="muted">"Every channel moved to help desk, newest first."</p>
                {move || list_view(directory.gate(moves.get()), WORDS, retry, |list| {
                    let names = directory.names();
                    let pipeline = pipeline.get().and_then(Result::ok).flatten();
                    view! {
                        <DataTable class="moves" columns=COLUMNS>
                            {list.into_iter().map(|m| row(m, &names, pipeline.as_ref())).collect_view()}
                        </DataTable>
                    }.into_any()
                })}
            </main>
        </div>
    }
}

fn history(choice: &MoveHistory, pipeline: Option<&Pipeline>) -> String {
    let label = |id: &StatusId| {
        pipeline
            .and_then(|p| p.status(*id))
            .map(|s| s.label.clone())
            .unwrap_or_else(|| "?".into())
    };
    match choice {
        MoveHistory::None => "Don't move any conversations".into(),
        MoveHistory::All {
            open_status_id,
            closed_status_id,
        } => format!(
            "All conversations: Open → {}, Closed → {}",
            label(open_status_id),
            label(closed_status_id)
        ),
    }
}

fn row(m: Move, names: &Names, pipeline: Option<&Pipeline>) -> impl IntoView {
    let (state, class) = (m.state.label(), m.state.as_str());
    let took = m
        .finished_at
        .map(|f| duration((f - m.started_at).num_seconds()))
        .unwrap_or_else(|| "—".into());
    view! {
        <tr data-move=m.id.to_string()>
            <td class="small"><a href=format!("/moves/{}", m.id)>{date_time(m.started_at)}</a></td>
            <td>{names.channel(m.channel_id)}</td>
            <td>{names.user(Some(m.requested_by))}</td>
            <td class="small">
                {history(&m.history, pipeline)}
                {m.mute_notifications.then(|| view! { <div class="muted">"Notifications off during the move"</div> })}
            </td>
            <td class="small">
                {format!("{} of {}", thousands(m.moved), thousands(m.total))}
                <div class="muted">{format!("{} tickets created, {} unassigned, {} arrived", thousands(m.tickets_created), thousands(m.unassigned), thousands(m.arrived))}</div>
            </td>
            <td class="small">{took}</td>
            <td><span class=format!("state-badge {class}")>{state}</span></td>
        </tr>
    }
}
