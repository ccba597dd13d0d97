//! The product's name and mark atop the cards of those not signed in (sign-in, set-up).

use leptos::prelude::*;

#[component]
pub fn CardBrand() -> impl IntoView {
    view! {
        <div class="brand login-brand">
            <span class="brand-mark" aria-hidden="true">"D"</span>
            "Deskmove"
        </div>
    }
}
