//! R28: the first-run set-up: the company's account and its first super admin,
//! with the token the server printed; checked as the admin types, then signed in.

use deskmove_rules::setup::{validate_setup, SetupRequest};
use deskmove_rules::{ErrorCode, FieldError, Language, Said};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{self, ApiFailure};
use crate::components::brand::CardBrand;
use crate::components::field::{focus, said_beside, Field};
use crate::i18n::td_string;
use crate::pages::home::START;
use crate::session::use_session;
use crate::words::locale;

/// The input of a field of the form.
fn field_id(field: &str) -> &'static str {
    match field {
        "token" => "setup-token",
        "account_name" => "setup-account",
        "name" => "setup-name",
        "email" => "setup-email",
        _ => "setup-password",
    }
}

#[component]
pub fn Setup() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let token = RwSignal::new(query.with_untracked(|q| q.get("token")).unwrap_or_default());
    // The token leaves the address bar (and the history, and every Referer) once read.
    if !token.get_untracked().is_empty() {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ =
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/setup"));
        }
    }
    let account_name = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let language = RwSignal::new(String::new());

    let set_up = Action::new_local(|request: &SetupRequest| {
        let request = request.clone();
        async move { api::set_up(&request).await }
    });
    // Set up (here or already): the admin goes on to the settings, signed in.
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            let answer = set_up.value().get();
            if let Some(Err(ApiFailure::Refused {
                code: ErrorCode::AlreadySetUp,
                ..
            })) = &answer
            {
                // Someone else was first: sign-in is the way in now.
                session.setup_needed.set(false);
            }
            if let Some(Err(ApiFailure::Refused {
                code: ErrorCode::Forbidden,
                ..
            })) = &answer
            {
                // A wrong token: said beside the token field, read as it gets focus.
                focus("setup-token");
            }
            if let Some(Ok(me)) = answer {
                session.setup_needed.set(false);
                session.me.set(Some(me));
                navigate("/settings/inboxes", NavigateOptions::default());
            } else if session.known.get() && session.me.with(Option::is_some) {
                navigate(
                    START,
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
        }
    });
    // What the fields lack, said beside each one before anything is sent; a wrong
    // token, said beside the token.
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let refused = move || {
        set_up
            .value()
            .get()
            .and_then(|r| r.err())
            .and_then(|e| e.code())
    };
    let field_error = move |field: &'static str| {
        let wrong_token = ("token", ErrorCode::Forbidden, Said::WrongSetupToken);
        said_beside(locale(), missing, field, Some(wrong_token), refused)
    };
    let already = move || {
        matches!(
            set_up.value().get(),
            Some(Err(ApiFailure::Refused {
                code: ErrorCode::AlreadySetUp,
                ..
            }))
        ) || (session.known.get()
            && !session.setup_needed.get()
            && session.me.with(Option::is_none))
    };
    let error = move || match set_up.value().get() {
        Some(Err(ApiFailure::Refused {
            code: ErrorCode::Forbidden | ErrorCode::AlreadySetUp,
            ..
        })) => None,
        Some(Err(e)) if missing.with(Vec::is_empty) => Some(e.words(locale())),
        _ => None,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = SetupRequest {
            token: token.get_untracked(),
            account_name: account_name.get_untracked(),
            name: name.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
            locale: Language::try_from(language.get_untracked()).ok(),
        };
        match validate_setup(&request) {
            Ok(()) => {
                missing.set(Vec::new());
                set_up.dispatch(request);
            }
            Err(fields) => {
                // Focus goes to the first field that is wrong; its error is read with it.
                focus(field_id(fields[0].field));
                missing.set(fields);
            }
        }
    };
    let l = locale();
    view! {
        <main class="login-page setup-page">
            <Title text=td_string!(l, setup.title)/>
            <form class="login-card setup-card" on:submit=submit aria-labelledby="setup-title" novalidate>
                <CardBrand/>
                <h1 id="setup-title">{td_string!(l, setup.title)}</h1>
                <Show
                    when=move || !already()
                    fallback=move || view! {
                        <p class="notice" role="status">{td_string!(l, setup.already)}" "
                            <a href="/login">{td_string!(l, setup.sign_in)}</a>
                        </p>
                    }
                >
                    <p class="muted">{td_string!(l, setup.intro)}</p>
                    <Field id="setup-token" field="token" label=td_string!(l, setup.token) kind="text"
                        autocomplete="off" value=token error=field_error("token") hint=td_string!(l, setup.token_hint)/>
                    <Field id="setup-account" field="account_name" label=td_string!(l, setup.account_name) kind="text"
                        autocomplete="organization" value=account_name error=field_error("account_name")/>
                    <Field id="setup-name" field="name" label=td_string!(l, setup.name) kind="text"
                        autocomplete="name" value=name error=field_error("name")/>
                    <Field id="setup-email" field="email" label=td_string!(l, setup.email) kind="email"
                        autocomplete="username" value=email error=field_error("email")/>
                    <Field id="setup-password" field="password" label=td_string!(l, setup.password) kind="password"
                        autocomplete="new-password" value=password error=field_error("password") hint=td_string!(l, setup.password_hint)/>
                    <label for="setup-language">{td_string!(l, setup.language)}</label>
                    <select id="setup-language" on:change=move |ev| language.set(event_target_value(&ev))>
                        <option value="" selected=true>{td_string!(l, shell.follow_browser)}</option>
                        {Language::ALL.into_iter().map(|lang| view! {
                            <option value=lang.as_str() lang=lang.as_str()>{lang.label()}</option>
                        }).collect_view()}
                    </select>
                    <p id="setup-error" class="field-error" role="alert">{error}</p>
                    <button type="submit" class="button primary" disabled=move || set_up.pending().get()>
                        {move || if set_up.pending().get() { td_string!(l, setup.submitting) } else { td_string!(l, setup.submit) }}
                    </button>
                </Show>
            </form>
        </main>
    }
}
