//! R24: when the move starts: now, or at a time the admin picks, with the
//! channel's arrivals by hour and its quietest hour offered.

use chrono::{DateTime, Duration, Utc};
use deskmove_rules::Activity;
use leptos::prelude::*;

use crate::components::format::{decimal, hour_of_day, hour_on, local_hour, local_input, now};
use crate::i18n::td_string;
use crate::words::locale;

/// Start now, or at the time in the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Now,
    At,
}

/// The next time the clock shows `utc_hour`:00 UTC at least a minute from `now`.
pub fn next_utc_hour(now: DateTime<Utc>, utc_hour: u8) -> DateTime<Utc> {
    let today = hour_on(now, utc_hour);
    if today > now + Duration::minutes(1) {
        today
    } else {
        today + Duration::days(1)
    }
}

/// The choice, the field, and the arrivals by hour (in the viewer's clock) with
/// the quietest hour one press away.
#[component]
pub fn WhenChoice(
    activity: Activity,
    when: RwSignal<When>,
    /// What the `datetime-local` field holds.
    start_text: RwSignal<String>,
    /// What is wrong with the start, once the admin has touched it.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Set when the admin first changes the field.
    touched: RwSignal<bool>,
) -> impl IntoView {
    let l = locale();
    let quiet = activity.quietest_hour;
    let quiet_time = hour_of_day(l, quiet);
    let chart = (activity.by_hour.len() == 24).then(|| {
        let top = activity.by_hour.iter().copied().fold(0.0_f64, f64::max);
        let mut bars: Vec<(u32, u8, f64)> = activity
            .by_hour
            .iter()
            .enumerate()
            .map(|(h, n)| (local_hour(h as u8), h as u8, *n))
            .collect();
        bars.sort_by_key(|b| b.0);
        view! {
            <figure class="activity">
                <figcaption id="activity-title">{td_string!(l, dialog.activity_title)}</figcaption>
                <ol class="activity-bars" aria-labelledby="activity-title">
                    {bars.into_iter().map(|(local, utc, n)| {
                        let share = if top > 0.0 { (n / top * 100.0).round() } else { 0.0 };
                        let (hour, n) = (hour_of_day(l, utc), decimal(l, n));
                        // A screen reader hears which hour is the quietest, as the colour shows it.
                        let said = if utc == quiet {
                            td_string!(l, dialog.activity_bar_quietest, hour = hour, n = n).to_string()
                        } else {
                            td_string!(l, dialog.activity_bar, hour = hour, n = n).to_string()
                        };
                        let title = said.clone();
                        view! {
                            <li class:quietest=utc == quiet data-hour=utc.to_string() title=title>
                                // Through the CSSOM: the CSP refuses a `style` attribute.
                                <span class="bar" style:height=format!("{}%", share.max(2.0))></span>
                                <span class="visually-hidden">{said}</span>
                                {(local % 6 == 0).then(|| view! { <span class="tick" aria-hidden="true">{format!("{local:02}")}</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </figure>
        }
    });
    let use_quietest = move |_| {
        when.set(When::At);
        start_text.set(local_input(next_utc_hour(now(), quiet)));
        touched.set(true);
    };
    view! {
        <fieldset class="when-choice">
            <legend>{td_string!(l, dialog.when)}</legend>
            <label class="radio">
                <input
                    type="radio"
                    name="when"
                    value="now"
                    id="when-now"
                    prop:checked=move || when.get() == When::Now
                    on:change=move |_| when.set(When::Now)
                />
                <span>{td_string!(l, dialog.start_now)}</span>
            </label>
            <label class="radio">
                <input
                    type="radio"
                    name="when"
                    value="at"
                    id="when-at"
                    prop:checked=move || when.get() == When::At
                    on:change=move |_| {
                        when.set(When::At);
                        touched.set(true);
                    }
                />
                <span>{td_string!(l, dialog.start_at)}</span>
            </label>
            <div class="start-at" hidden=move || when.get() != When::At>
                <label for="start-at">{td_string!(l, dialog.start_at_label)}</label>
                <input
                    id="start-at"
                    type="datetime-local"
                    prop:value=move || start_text.get()
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby="start-at-error"
                    on:input=move |ev| {
                        start_text.set(event_target_value(&ev));
                        touched.set(true);
                    }
                />
                <p class="field-error" id="start-at-error">{move || error.get()}</p>
            </div>
            {chart}
            <p class="quiet-line">
                <span class="muted">{td_string!(l, dialog.quietest, time = quiet_time.clone())}</span>
                " "
                <button type="button" class="button secondary small" data-action="use-quietest" on:click=use_quietest>
                    {td_string!(l, dialog.use_quietest, time = quiet_time)}
                </button>
            </p>
        </fieldset>
    }
}
