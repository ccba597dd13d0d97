//! The history choice: all conversations with their new ticket statuses, or none (R9).

use deskmove_rules::validation::{FIELD_CLOSED_STATUS, FIELD_OPEN_STATUS};
use deskmove_rules::{FieldError, Pipeline};
use leptos::prelude::*;

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
    let error_for = move |field: &'static str| {
        move || {
            errors.with(|e| {
                e.iter()
                    .find(|e| e.field == field)
                    .map(|e| e.message.clone())
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
                    <option value="">"Choose a status…"</option>
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
            <legend>"Historical conversations"</legend>
            <label class="radio">
                <input
                    type="radio"
                    name="history"
                    value="all"
                    prop:checked=move || mode.get() == HistoryMode::All
                    on:change=move |_| mode.set(HistoryMode::All)
                />
                <span>
                    <strong>"All conversations with "{address}</strong>
                    <span class="muted block">
                        "They move with their tickets. Conversations without a ticket get one, with this status:"
                    </span>
                </span>
            </label>
            <div class="status-map" class:inactive=move || mode.get() != HistoryMode::All>
                {select("open-status", "Open conversations: new ticket status", open_status, FIELD_OPEN_STATUS)}
                {select("closed-status", "Closed conversations: new ticket status", closed_status, FIELD_CLOSED_STATUS)}
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
                    <strong>"Don't move any conversations"</strong>
                    <span class="muted block">
                        "Existing conversations stay in this inbox. Choose this only if you won't need them in help desk."
                    </span>
                </span>
            </label>
        </fieldset>
    }
}
