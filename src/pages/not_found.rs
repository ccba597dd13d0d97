//! Any address the app does not know.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <main class="centered-page">
            <Title text="Page not found"/>
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <a class="button" href="/">"Go to Deskmove"</a>
        </main>
    }
}
