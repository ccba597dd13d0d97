//! A move's progress as the admin watches it (R15): bar, counts, estimate, and the summary at the end.

use deskmove_rules::progress::{eta_words, percent};
use deskmove_rules::{Move, MoveState};
use leptos::prelude::*;

use super::format::{count, duration, thousands};

#[component]
pub fn MoveProgress(
    /// The move as last heard.
    #[prop(into)]
    current: Signal<Move>,
    /// The channel's name.
    #[prop(into)]
    channel_name: Signal<String>,
) -> impl IntoView {
    let running = move || current.with(|m| m.state == MoveState::Running);
    let pct = move || current.with(|m| percent(m.moved, m.total));
    let heading = move || match current.with(|m| m.state) {
        MoveState::Running => "Your move is in progress".to_string(),
        MoveState::Completed => format!("{} is now in help desk", channel_name.get()),
        MoveState::Failed => "This move stopped".to_string(),
    };
    view! {
        <section class="move-progress card" aria-labelledby="progress-title">
            <h1 id="progress-title">{heading}</h1>
            <p class="muted">
                {move || match current.with(|m| m.state) {
                    MoveState::Running => format!("Moving {} to help desk.", channel_name.get()),
                    MoveState::Completed => format!("{} moved to help desk.", channel_name.get()),
                    MoveState::Failed => format!("The move of {} to help desk stopped.", channel_name.get()),
                }}
            </p>
            <div
                class="progress"
                role="progressbar"
                aria-label="Conversations moved"
                aria-valuemin="0"
                aria-valuemax=move || current.with(|m| m.total.to_string())
                aria-valuenow=move || current.with(|m| m.moved.to_string())
                aria-valuetext=move || current.with(|m| format!("{} of {} conversations moved", thousands(m.moved), thousands(m.total)))
            >
                <div class="progress-fill" style:width=move || format!("{}%", pct())></div>
            </div>
            <p class="progress-line" aria-live="polite">
                {move || current.with(|m| format!("{} of {} conversations moved ({}%)", thousands(m.moved), thousands(m.total), percent(m.moved, m.total)))}
                <Show when=running>
                    " · "{move || eta_words(current.with(|m| m.eta_seconds))}
                </Show>
            </p>
            {move || current.with(|m| m.paused_reason.clone()).map(|why| view! {
                <p class="page-error paused" role="alert">{why}</p>
            })}
            <dl class="progress-counts">
                <div><dt>"Tickets created"</dt><dd data-count="tickets_created">{move || thousands(current.with(|m| m.tickets_created))}</dd></div>
                <div><dt>"Unassigned"</dt><dd data-count="unassigned">{move || thousands(current.with(|m| m.unassigned))}</dd></div>
                <div><dt>"Arrived during the move"</dt><dd data-count="arrived">{move || thousands(current.with(|m| m.arrived))}</dd></div>
            </dl>
            <Show
                when=running
                fallback=move || {
                    let m = current.get();
                    let took = m.finished_at.map(|f| (f - m.started_at).num_seconds()).unwrap_or_default();
                    view! {
                        <div class="summary" role="status">
                            <p>
                                {format!(
                                    "Moved {} in {}: {} created, {} of them unassigned. {} arrived while it ran.",
                                    count(m.moved, "conversation", "conversations"),
                                    duration(took),
                                    count(m.tickets_created, "ticket", "tickets"),
                                    thousands(m.unassigned),
                                    count(m.arrived, "new conversation", "new conversations"),
                                )}
                            </p>
                            <a class="button primary" href="/help-desk">"Go to the help desk"</a>
                        </div>
                    }
                }
            >
                <p class="muted">
                    "The move runs on the server: you can leave this page, and it goes on. New conversations in this channel already land in help desk."
                </p>
            </Show>
        </section>
    }
}
