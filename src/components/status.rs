//! How a page says it is reading, or could not read.

use leptos::prelude::*;

use crate::api::ApiFailure;

/// A polite "reading…" line while data is on its way.
pub fn loading(text: &'static str) -> AnyView {
    view! { <p class="page-status" role="status">{text}</p> }.into_any()
}

/// The reason a read failed, in words, announced at once.
pub fn load_error(e: &ApiFailure) -> AnyView {
    view! { <p class="page-error" role="alert">{e.to_string()}</p> }.into_any()
}
