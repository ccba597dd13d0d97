//! R24: a scheduled move's Reschedule and Cancel, for a super admin, until it starts.

use chrono::{DateTime, Utc};
use deskmove_rules::validation::{validate_start_at, FIELD_START_AT};
use deskmove_rules::{FieldError, Move, Said};
use leptos::prelude::*;

use super::format::{from_local_input, local_input, now};
use crate::api;
use crate::i18n::{td_string, Locale};
use crate::live::Live;
use crate::session::use_session;
use crate::words::{self, locale};

/// What is wrong with a `datetime-local` text as a start, in the reader's words,
/// checked by the rules the server runs.
pub fn start_at_error(l: Locale, text: &str, now: DateTime<Utc>) -> Option<String> {
    let error = match from_local_input(text) {
        None => FieldError::new(FIELD_START_AT, Said::StartAtNotATime),
        Some(at) => validate_start_at(Some(&at.to_rfc3339()), now).err()?,
    };
    Some(words::field_error(l, &error))
}

/// The new start and the two buttons; Cancel asks once more before it cancels.
#[component]
pub fn ScheduleControls(#[prop(into)] current: Signal<Move>) -> impl IntoView {
    let session = use_session();
    let live = use_context::<Live>();
    let l = locale();
    let id = move || current.with(|m| m.id);
    let text = RwSignal::new(
        current
            .with_untracked(|m| m.start_at)
            .map(local_input)
            .unwrap_or_default(),
    );
    let touched = RwSignal::new(false);
    let error = move || {
        touched
            .get()
            .then(|| start_at_error(l, &text.get(), now()))
            .flatten()
    };
    let confirming = RwSignal::new(false);
    let reschedule = Action::new_local(move |(at, csrf): &(DateTime<Utc>, String)| {
        let (at, csrf, id) = (*at, csrf.clone(), id());
        async move { api::reschedule_move(id, at, &csrf).await }
    });
    let cancel = Action::new_local(move |csrf: &String| {
        let (csrf, id) = (csrf.clone(), id());
        async move {
            api::cancel_move(id, &csrf).await?;
            api::move_by_id(id).await
        }
    });
    Effect::new(move |_| {
        for done in [reschedule.value().get(), cancel.value().get()]
            .into_iter()
            .flatten()
            .flatten()
        {
            if let Some(live) = live {
                live.heard(done);
            }
        }
    });
    let refused = move || {
        [reschedule.value().get(), cancel.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .map(|e| e.words(l))
    };
    let pending = move || reschedule.pending().get() || cancel.pending().get();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if start_at_error(l, &text.get_untracked(), now()).is_some() {
            return;
        }
        if let (Some(at), Some(csrf)) = (from_local_input(&text.get_untracked()), session.csrf()) {
            reschedule.dispatch((at, csrf));
        }
    };
    view! {
        <Show when=move || session.can_move().get()>
            <form class="schedule-controls" on:submit=submit novalidate>
                <label for="new-start">{td_string!(l, progress.new_start)}</label>
                <div class="schedule-row">
                    <input
                        id="new-start"
                        type="datetime-local"
                        prop:value=move || text.get()
                        aria-invalid=move || error().is_some().to_string()
                        aria-describedby="new-start-error"
                        on:input=move |ev| {
                            text.set(event_target_value(&ev));
                            touched.set(true);
                        }
                    />
                    <button type="submit" class="button secondary" data-action="reschedule" disabled=pending>
                        {move || if reschedule.pending().get() { td_string!(l, progress.rescheduling) } else { td_string!(l, progress.reschedule) }}
                    </button>
                    <button
                        type="button"
                        class="button danger"
                        data-action="cancel-move"
                        aria-expanded=move || confirming.get().to_string()
                        aria-controls="cancel-confirm"
                        disabled=pending
                        on:click=move |_| confirming.set(true)
                    >
                        {td_string!(l, progress.cancel_move)}
                    </button>
                </div>
                <p class="field-error" id="new-start-error">{error}</p>
                <div id="cancel-confirm" class="cancel-confirm" hidden=move || !confirming.get()>
                    <p>{td_string!(l, progress.cancel_confirm)}</p>
                    <button type="button" class="button secondary" on:click=move |_| confirming.set(false)>
                        {td_string!(l, progress.keep_move)}
                    </button>
                    <button
                        type="button"
                        class="button danger"
                        data-action="confirm-cancel"
                        disabled=pending
                        on:click=move |_| {
                            if let Some(csrf) = session.csrf() {
                                cancel.dispatch(csrf);
                            }
                        }
                    >
                        {td_string!(l, progress.yes_cancel)}
                    </button>
                </div>
                <p class="field-error" role="alert">{refused}</p>
            </form>
        </Show>
    }
}
