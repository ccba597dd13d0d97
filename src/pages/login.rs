//! Sign in: email and password, a clear message when they don't match.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api;
use crate::session::{safe_next, use_session};

#[component]
pub fn Login() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let next = move || safe_next(query.with_untracked(|q| q.get("next")));

    let sign_in = Action::new_local(|(email, password): &(String, String)| {
        api::sign_in(email.clone(), password.clone())
    });
    // Someone already signed in (or just now) goes on to where they were headed.
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            if let Some(Ok(me)) = sign_in.value().get() {
                session.me.set(Some(me));
            }
            if session.me.with(Option::is_some) {
                navigate(
                    &next(),
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
        }
    });
    let error = move || match sign_in.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sign_in.dispatch((email.get_untracked(), password.get_untracked()));
    };
    view! {
        <main class="login-page">
            <form class="login-card" on:submit=submit aria-labelledby="login-title" novalidate>
                <div class="brand login-brand">
                    <span class="brand-mark" aria-hidden="true">"D"</span>
                    "Deskmove"
                </div>
                <h1 id="login-title">"Sign in"</h1>
                <label for="login-email">"Email"</label>
                <input
                    id="login-email"
                    type="email"
                    autocomplete="username"
                    required
                    prop:value=email
                    on:input=move |ev| email.set(event_target_value(&ev))
                    aria-invalid=move || error().is_some().to_string()
                    aria-describedby="login-error"
                />
                <label for="login-password">"Password"</label>
                <input
                    id="login-password"
                    type="password"
                    autocomplete="current-password"
                    required
                    prop:value=password
                    on:input=move |ev| password.set(event_target_value(&ev))
                    aria-invalid=move || error().is_some().to_string()
                    aria-describedby="login-error"
                />
                <p id="login-error" class="field-error" role="alert">{error}</p>
                <button type="submit" class="button primary" disabled=move || sign_in.pending().get()>
                    {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}
