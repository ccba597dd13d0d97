//! The banner every user sees while a move runs (R17): which channel, live progress,
//! that assigned conversations may change, that it cannot be stopped. No cancel.
//! While a move is scheduled, it says when the channel moves (R24).

use deskmove_rules::progress::{percent, time_left};
use deskmove_rules::{Move, MoveState};
use leptos::prelude::*;

use super::format::{date_time, number};
use crate::i18n::td_string;
use crate::words::{self, locale};

#[component]
pub fn MoveBanner(
    /// The running move, if any; the banner shows only while it runs.
    #[prop(into)]
    running: Signal<Option<Move>>,
    /// The moving channel's name, once known.
    #[prop(into)]
    channel_name: Signal<Option<String>>,
) -> impl IntoView {
    let live = move || running.get().filter(|m| m.state.is_active());
    let l = locale();
    view! {
        <div class="move-banner-slot" aria-live="polite">
            {move || live().map(|m| {
                let name = channel_name.get().unwrap_or_else(|| td_string!(l, banner.a_channel).to_string());
                if m.state == MoveState::Scheduled {
                    // R24: when it moves, in the reader's clock.
                    let time = m.start_at.map(|t| date_time(l, t)).unwrap_or_default();
                    return view! {
                        <div class="move-banner scheduled" role="status" data-move=m.id.to_string()>
                            <span class="move-banner-icon" aria-hidden="true">"⏲"</span>
                            <p>
                                <strong>{td_string!(l, banner.scheduled, channel = name, time = time)}</strong>
                                " "{td_string!(l, banner.scheduled_note)}
                            </p>
                            <a class="move-banner-link" href=format!("/moves/{}", m.id)>{td_string!(l, banner.see_move)}</a>
                        </div>
                    }
                    .into_any();
                }
                let progress = if m.total == 0 {
                    td_string!(l, banner.new_only).to_string()
                } else {
                    let left = words::time_left(l, time_left(m.eta_seconds));
                    words::plural!(
                        l,
                        m.total,
                        banner.progress.one,
                        banner.progress.other,
                        moved = number(l, m.moved),
                        total = number(l, m.total),
                        percent = percent(m.moved, m.total),
                        left = left.trim_end_matches('…')
                    )
                    .to_string()
                };
                view! {
                    <div class="move-banner" role="status" data-move=m.id.to_string()>
                        <span class="move-banner-icon" aria-hidden="true">"⇢"</span>
                        <p>
                            <strong>{td_string!(l, banner.moving, channel = name)}</strong>
                            " "{progress}" "
                            {td_string!(l, banner.may_change)}
                            {m.paused_reason.is_some().then(|| view! { <span class="paused">" "{td_string!(l, progress.paused)}</span> })}
                        </p>
                        <a class="move-banner-link" href=format!("/moves/{}", m.id)>{td_string!(l, banner.see_progress)}</a>
                    </div>
                }
                .into_any()
            })}
        </div>
    }
}
