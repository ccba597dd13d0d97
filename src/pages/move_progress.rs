//! `/moves/<id>`: the move in progress, live; the same move, finished, when opened later (R15).

use deskmove_rules::{Move, MoveId, MoveState};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::api::ApiFailure;
use crate::components::move_progress::MoveProgress;
use crate::components::move_report::MoveReport;
use crate::components::status::{load_error, loading};
use crate::directory::use_directory;
use crate::i18n::td_string;
use crate::live::use_live;
use crate::session::use_session;
use crate::words::locale;

#[component]
pub fn MoveProgressPage() -> impl IntoView {
    let params = use_params_map();
    let live = use_live();
    let directory = use_directory();
    let session = use_session();
    let id = move || params.with(|p| p.get("id").and_then(|id| MoveId::parse(&id)));
    let fetched = LocalResource::new(move || {
        let id = id();
        async move {
            match id {
                Some(id) => api::move_by_id(id).await,
                None => Err(api::ApiFailure::not_found("move")),
            }
        }
    });
    // What the stream says beats the first read, as soon as it speaks of this move.
    let current = Memo::new(move |_| -> Option<Result<Move, ApiFailure>> {
        let heard = live.latest.get().filter(|m| Some(m.id) == id());
        match (heard, directory.gate(fetched.get())) {
            (Some(m), _) => Some(Ok(m)),
            (None, Some(Ok(m))) => Some(Ok(m)),
            (None, Some(Err(e))) => Some(Err(e)),
            (None, None) => None,
        }
    });
    // Rebuild the view only when loading, failing or showing flips, not on every event.
    let shown = Memo::new(move |_| current.with(|c| c.as_ref().map(|r| r.as_ref().err().cloned())));
    let l = locale();
    view! {
        <main class="page narrow" id="main">
            <Title text=td_string!(l, progress.title)/>
            {move || match shown.get() {
                None => loading(td_string!(l, progress.loading)),
                Some(Some(e)) => load_error(&e, Callback::new(move |_| fetched.refetch())),
                Some(None) => {
                    let m = Signal::derive(move || current.get().and_then(Result::ok).expect("a move"));
                    let name = Signal::derive(move || directory.names().channel(l, m.with(|m| m.channel_id)));
                    let state = Memo::new(move |_| m.with(|m| m.state));
                    // R26: the report, once the move has started, for whoever may
                    // move and may see help desk (R23: its rows are help desk's).
                    let started = Memo::new(move |_| matches!(state.get(), MoveState::Running | MoveState::Completed));
                    let report = move || {
                        (started.get() && session.can_move().get() && session.has_help_desk_access().get()).then(|| {
                            let (id, reported) = m.with_untracked(|m| (m.id, m.reported));
                            view! { <MoveReport id=id state=state reported=reported/> }
                        })
                    };
                    view! { <MoveProgress current=m channel_name=name/> {report} }.into_any()
                }
            }}
        </main>
    }
}
