//! A move's progress as the admin watches it (R15): bar, counts, estimate, and the summary at the end.

use deskmove_rules::progress::{percent, time_left};
use deskmove_rules::{Move, MoveState};
use leptos::prelude::*;

use super::format::{date_time, number};
use super::schedule::ScheduleControls;
use crate::i18n::td_string;
use crate::session::Session;
use crate::words::{self, locale};

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
    // A scheduled move has no progress yet; one canceled or failed before its
    // start never had any (R24).
    let started =
        move || current.with(|m| matches!(m.state, MoveState::Running | MoveState::Completed));
    let pct = move || current.with(|m| percent(m.moved, m.total));
    let l = locale();
    let when = move || {
        current
            .with(|m| m.start_at)
            .map(|t| date_time(l, t))
            .unwrap_or_default()
    };
    let heading = move || match current.with(|m| m.state) {
        MoveState::Scheduled => td_string!(
            l,
            progress.heading_scheduled,
            channel = channel_name.get(),
            time = when()
        )
        .to_string(),
        MoveState::Canceled => td_string!(l, progress.heading_canceled).to_string(),
        MoveState::Running => td_string!(l, progress.heading_running).to_string(),
        MoveState::Completed => {
            td_string!(l, progress.heading_completed, channel = channel_name.get()).to_string()
        }
        MoveState::Failed => td_string!(l, progress.heading_failed).to_string(),
    };
    view! {
        <section class="move-progress card" aria-labelledby="progress-title">
            <h1 id="progress-title">{heading}</h1>
            <p class="muted">
                {move || match current.with(|m| m.state) {
                    MoveState::Scheduled => td_string!(l, progress.line_scheduled).to_string(),
                    MoveState::Canceled => td_string!(l, progress.line_canceled, channel = channel_name.get()).to_string(),
                    MoveState::Running => td_string!(l, progress.line_running, channel = channel_name.get()).to_string(),
                    MoveState::Completed => td_string!(l, progress.line_completed, channel = channel_name.get()).to_string(),
                    MoveState::Failed => td_string!(l, progress.line_failed, channel = channel_name.get()).to_string(),
                }}
            </p>
            <Show when=started>
            <div
                class="progress"
                role="progressbar"
                aria-label=td_string!(l, progress.bar)
                aria-valuemin="0"
                aria-valuemax=move || current.with(|m| m.total.to_string())
                aria-valuenow=move || current.with(|m| m.moved.to_string())
                aria-valuetext=move || current.with(|m| words::plural!(l, m.total, progress.value.one, progress.value.other, moved = number(l, m.moved), total = number(l, m.total)))
            >
                <div class="progress-fill" style:width=move || format!("{}%", pct())></div>
            </div>
            <p class="progress-line" aria-live="polite">
                {move || current.with(|m| words::plural!(l, m.total, progress.line.one, progress.line.other, moved = number(l, m.moved), total = number(l, m.total), percent = percent(m.moved, m.total)))}
                <Show when=running>
                    " · "{move || words::time_left(l, time_left(current.with(|m| m.eta_seconds)))}
                </Show>
            </p>
            </Show>
            // R24: until it starts, a super admin may move or cancel it.
            {move || {
                let scheduled = current.with(|m| m.state == MoveState::Scheduled);
                (scheduled && use_context::<Session>().is_some())
                    .then(|| view! { <ScheduleControls current=current/> })
            }}
            // R24: why a scheduled move could not start, each reason worded.
            {move || {
                let failure = current.with(|m| m.failure.clone());
                (!failure.is_empty()).then(|| view! {
                    <div class="page-error" role="alert">
                        <p>{td_string!(l, progress.failed_why)}</p>
                        <ul>{failure.iter().map(|s| view! { <li>{words::said(l, s)}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
            // What holds it back, in the reader's language; the server's own words
            // (English, for whoever fixes the machine) beside it.
            {move || current.with(|m| m.paused_reason.clone()).map(|why| view! {
                <div class="page-error paused" role="alert">
                    <p>{td_string!(l, progress.paused)}</p>
                    <p class="small" lang="en">{why}</p>
                </div>
            })}
            <Show when=started>
            <dl class="progress-counts">
                <div><dt>{td_string!(l, progress.created)}</dt><dd data-count="tickets_created">{move || number(l, current.with(|m| m.tickets_created))}</dd></div>
                <div><dt>{td_string!(l, common.unassigned)}</dt><dd data-count="unassigned">{move || number(l, current.with(|m| m.unassigned))}</dd></div>
                <div><dt>{td_string!(l, progress.arrived)}</dt><dd data-count="arrived">{move || number(l, current.with(|m| m.arrived))}</dd></div>
            </dl>
            // R31: the SLA the move fixed at its start, which all its tickets count by.
            <p class="sla-applied">{move || current.with(|m| sla_applied(l, m.sla_policy.as_ref()))}</p>
            <Show
                when=running
                fallback=move || {
                    let m = current.get();
                    let took = m.finished_at.map(|f| (f - m.started_at).num_seconds()).unwrap_or_default();
                    view! {
                        <div class="summary" role="status">
                            <p>
                                {td_string!(
                                    l,
                                    progress.summary,
                                    moved = words::conversations(l, m.moved),
                                    took = words::duration(l, took),
                                    created = words::tickets(l, m.tickets_created),
                                    unassigned = number(l, m.unassigned),
                                    arrived = words::new_conversations(l, m.arrived)
                                ).to_string()}
                            </p>
                            <a class="button primary" href="/help-desk">{td_string!(l, progress.go_to_help_desk)}</a>
                        </div>
                    }
                }
            >
                <p class="muted">
                    {td_string!(l, progress.runs_on_server)}
                </p>
            </Show>
            </Show>
        </section>
    }
}

/// R31: which SLA policy a move's tickets count by, in words.
fn sla_applied(l: crate::i18n::Locale, policy: Option<&deskmove_rules::SlaPolicy>) -> String {
    match policy {
        None => td_string!(l, progress.no_sla).to_string(),
        Some(p) => {
            let policy = crate::pages::settings_help_desk::read_sla(l, Some(p));
            td_string!(l, progress.sla, policy = policy.as_str()).to_string()
        }
    }
}
