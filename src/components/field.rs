//! A labelled form field with its error beside it, read with it by a screen reader.

use deskmove_rules::{ErrorCode, FieldError, Said};
use leptos::prelude::*;

use crate::i18n::Locale;
use crate::words;

/// A server refusal that belongs beside one field: its code, and what to say there.
pub type FieldRefusal = (&'static str, ErrorCode, Said);

/// What a form says beside `field`: what the rules found wrong before anything
/// was sent, else the server's refusal when `refused_now` answers the code that
/// `refusal` puts beside this field (a wrong token, a taken email).
pub fn said_beside(
    l: Locale,
    missing: RwSignal<Vec<FieldError>>,
    field: &'static str,
    refusal: Option<FieldRefusal>,
    refused_now: impl Fn() -> Option<ErrorCode> + Send + Sync + 'static,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        missing
            .with(|m| {
                m.iter()
                    .find(|e| e.field == field)
                    .map(|e| words::field_error(l, e))
            })
            .or_else(|| match &refusal {
                Some((at, code, said)) if *at == field && refused_now() == Some(*code) => {
                    Some(words::said(l, said))
                }
                _ => None,
            })
    })
}

/// One labelled field with its error beside it.
#[component]
pub fn Field(
    id: &'static str,
    field: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let described = match hint {
        Some(_) => format!("{id}-hint {id}-error"),
        None => format!("{id}-error"),
    };
    view! {
        <label for=id>{label}</label>
        {hint.map(|h| view! { <p class="field-hint muted" id=format!("{id}-hint")>{h}</p> })}
        <input
            id=id
            name=field
            type=kind
            autocomplete=autocomplete
            required
            prop:value=value
            on:input=move |ev| value.set(event_target_value(&ev))
            aria-invalid=move || error.get().is_some().to_string()
            aria-describedby=described
        />
        <p id=format!("{id}-error") class="field-error">{move || error.get()}</p>
    }
}

/// Moves focus to the element of `id`, if it is on the page.
pub fn focus(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    if let Some(e) = element {
        let _ = e.focus();
    }
}
