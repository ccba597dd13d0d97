//! The banner every user sees while a move runs (R17): which channel, live progress,
//! that assigned conversations may change, that it cannot be stopped. No cancel.

use deskmove_rules::progress::{eta_words, percent};
use deskmove_rules::{Move, MoveState};
use leptos::prelude::*;

use super::format::thousands;

#[component]
pub fn MoveBanner(
    /// The running move, if any; the banner shows only while it runs.
    #[prop(into)]
    running: Signal<Option<Move>>,
    /// The moving channel's name, once known.
    #[prop(into)]
    channel_name: Signal<Option<String>>,
) -> impl IntoView {
    let live = move || running.get().filter(|m| m.state == MoveState::Running);
    view! {
        <div class="move-banner-slot" aria-live="polite">
            {move || live().map(|m| {
                let name = channel_name.get().unwrap_or_else(|| "A channel".to_string());
                let progress = if m.total == 0 {
                    "Taking new conversations only.".to_string()
                } else {
                    format!(
                        "{} of {} conversations moved ({}%) · {}.",
                        thousands(m.moved),
                        thousands(m.total),
                        percent(m.moved, m.total),
                        eta_words(m.eta_seconds).trim_end_matches('…')
                    )
                };
                view! {
                    <div class="move-banner" role="status" data-move=m.id.to_string()>
                        <span class="move-banner-icon" aria-hidden="true">"⇢"</span>
                        <p>
                            <strong>{format!("{name} is moving to help desk.")}</strong>
                            " "{progress}" "
                            "Conversations assigned to you may change as they move. A started move can't be stopped."
                            {m.paused_reason.clone().map(|why| view! { <span class="paused">" "{why}</span> })}
                        </p>
                        <a class="move-banner-link" href=format!("/moves/{}", m.id)>"See progress"</a>
                    </div>
                }
            })}
        </div>
    }
}
