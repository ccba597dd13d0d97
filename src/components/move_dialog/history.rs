//! The history choice: all conversations with their new ticket statuses, or none (R9).

use deskmove_rules::validation::{FIELD_CLOSED_STATUS, FIELD_OPEN_STATUS};
use deskmove_rules::{FieldError, Pipeline};
use leptos::prelude::*;

use crate::i18n::td_string;
use crate::words::{self, locale};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryMode {
    All,
    None,
}

/// The two radio choices, with a status select beside Open and Closed.
#[component]
pub fn HistoryForm(
    /// The channel's address, as the choice names it.
    address: String,
    /// The help desk pipeline the statuses come from.
    pipeline: Pipeline,
    mode: RwSignal<HistoryMode>,
    open_status: RwSignal<String>,
    closed_status: RwSignal<String>,
    /// What the rules crate says is wrong with the form right now.
    #[prop(into)]
    errors: Signal<Vec<FieldError>>,
) -> impl IntoView {
    let l = locale();
    let error_for = move |field: &'static str| {
        move || {
            errors.with(|e| {
                e.iter()
                    .find(|e| e.field == field)
                    .map(|e| words::field_error(l, e))
            })
        }
    };
    let select = move |id: &'static str,
                       label: &'static str,
                       value: RwSignal<String>,
                       field: &'static str| {
        let error_id = format!("{id}-error");
        let options = pipeline.statuses.clone();
        view! {
            <div class="status-row">
                <label for=id>{label}</label>
                <select
                    id=id
                    prop:value=move || value.get()
                    disabled=move || mode.get() != HistoryMode::All
                    aria-invalid=move || error_for(field)().is_some().to_string()
                    aria-describedby=error_id.clone()
                    on:change=move |ev| value.set(event_target_value(&ev))
                >
                    <option value="">{td_string!(l, history.choose_status)}</option>
                    {options.into_iter().map(|s| {
                        let id = s.id.to_string();
                        view! { <option value=s.id.to_string() selected=move || value.get() == id>{s.label}</option> }
                    }).collect_view()}
                </select>
                <p class="field-error" id=error_id>{error_for(field)}</p>
            </div>
        }
    };
    view! {
        <fieldset class="history-choice">
            <legend>{td_string!(l, history.legend)}</legend>
            <label class="radio">
                <input
                    type="radio"
                    name="history"
                    value="all"
                    prop:checked=move || mode.get() == HistoryMode::All
                    on:change=move |_| mode.set(HistoryMode::All)
                />
                <span>
                    <strong>{td_string!(l, history.all, address = address)}</strong>
                    <span class="muted block">
                        {td_string!(l, history.all_hint)}
                    </span>
                </span>
            </label>
            <div class="status-map" class:inactive=move || mode.get() != HistoryMode::All>
                {select("open-status", td_string!(l, history.open_status), open_status, FIELD_OPEN_STATUS)}
                {select("closed-status", td_string!(l, history.closed_status), closed_status, FIELD_CLOSED_STATUS)}
            </div>
            <label class="radio">
                <input
                    type="radio"
                    name="history"
                    value="none"
                    prop:checked=move || mode.get() == HistoryMode::None
                    on:change=move |_| mode.set(HistoryMode::None)
                />
                <span>
                    <strong>{td_string!(l, history.none)}</strong>
                    <span class="muted block">
                        {td_string!(l, history.none_hint)}
                    </span>
                </span>
            </label>
        </fieldset>
    }
}
