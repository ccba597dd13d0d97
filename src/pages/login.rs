//! Sign in: email and password, a clear message when they don't match.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use deskmove_rules::{validate_sign_in, FieldError};

use crate::api;
use crate::components::brand::CardBrand;
use crate::i18n::td_string;
use crate::session::{safe_next, use_session};
use crate::words::{self, locale};

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
            } else if session.setup_needed.get() {
                // R28: nobody to sign in yet; never a broken sign-in.
                navigate(
                    "/setup",
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
        }
    });
    // What the fields lack, said beside each one before anything is sent.
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let field_error = move |field: &'static str| {
        missing.with(|m| {
            m.iter()
                .find(|e| e.field == field)
                .map(|e| words::field_error(locale(), e))
        })
    };
    let error = move || match sign_in.value().get() {
        // R29: the right password of a deactivated user.
        Some(Err(e)) if e.code() == Some(deskmove_rules::ErrorCode::Forbidden) => Some(
            words::said(locale(), &deskmove_rules::Said::UserDeactivated),
        ),
        Some(Err(e)) if missing.with(Vec::is_empty) => Some(e.words(locale())),
        _ => None,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (e, p) = (email.get_untracked(), password.get_untracked());
        match validate_sign_in(&e, &p) {
            Ok(()) => {
                missing.set(Vec::new());
                sign_in.dispatch((e, p));
            }
            Err(fields) => missing.set(fields),
        }
    };
    let l = locale();
    view! {
        <main class="login-page">
            <Title text=td_string!(l, login.title)/>
            <form class="login-card" on:submit=submit aria-labelledby="login-title" novalidate>
                <CardBrand/>
                <h1 id="login-title">{td_string!(l, login.title)}</h1>
                <label for="login-email">{td_string!(l, login.email)}</label>
                <input
                    id="login-email"
                    type="email"
                    autocomplete="username"
                    required
                    prop:value=email
                    on:input=move |ev| email.set(event_target_value(&ev))
                    aria-invalid=move || (error().is_some() || field_error("email").is_some()).to_string()
                    aria-describedby="login-email-error login-error"
                />
                <p id="login-email-error" class="field-error">{move || field_error("email")}</p>
                <label for="login-password">{td_string!(l, login.password)}</label>
                <input
                    id="login-password"
                    type="password"
                    autocomplete="current-password"
                    required
                    prop:value=password
                    on:input=move |ev| password.set(event_target_value(&ev))
                    aria-invalid=move || (error().is_some() || field_error("password").is_some()).to_string()
                    aria-describedby="login-password-error login-error"
                />
                <p id="login-password-error" class="field-error">{move || field_error("password")}</p>
                <p id="login-error" class="field-error" role="alert">{error}</p>
                <button type="submit" class="button primary" disabled=move || sign_in.pending().get()>
                    {move || if sign_in.pending().get() { td_string!(l, login.signing_in) } else { td_string!(l, login.title) }}
                </button>
            </form>
        </main>
    }
}
