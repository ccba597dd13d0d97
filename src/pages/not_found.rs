//! Any address the app does not know.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::td_string;
use crate::words::locale;

#[component]
pub fn NotFound() -> impl IntoView {
    let l = locale();
    view! {
        <main class="centered-page">
            <Title text=td_string!(l, not_found.title)/>
            <h1>{td_string!(l, not_found.title)}</h1>
            <p>{td_string!(l, not_found.text)}</p>
            <a class="button" href="/">{td_string!(l, not_found.home)}</a>
        </main>
    }
}
