//! How a page says it is reading, or could not read.

use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::i18n::td_string;
use crate::words::locale;

/// A polite "reading…" line while data is on its way.
pub fn loading(text: &'static str) -> AnyView {
    view! { <p class="page-status" role="status">{text}</p> }.into_any()
}

/// The reason a read failed, in words, announced at once, with the way to read again.
pub fn load_error(e: &ApiFailure, retry: Callback<()>) -> AnyView {
    let l = locale();
    view! {
        <div class="load-failed" role="alert">
            <p class="page-error">{e.words(l)}</p>
            <button type="button" class="button secondary try-again" on:click=move |_| retry.run(())>
                {td_string!(l, common.try_again)}
            </button>
        </div>
    }
    .into_any()
}
