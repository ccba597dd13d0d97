//! R29: `/link/<token>`: an invited user's first password, or a reset one. The
//! link says whose it is; a used or expired one says so (410) and leads to sign-in.

use deskmove_rules::users::{validate_set_password, LinkInfo, LinkKind, SetPassword};
use deskmove_rules::{ErrorCode, FieldError, Said};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::brand::CardBrand;
use crate::components::field::{focus, said_beside, Field};
use crate::components::status::loading;
use crate::i18n::td_string;
use crate::pages::home::START;
use crate::session::use_session;
use crate::words::{self, locale};

#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    // A memo: the link is asked about once, not again when the router hands
    // over the same parameters anew (as it does on entering a lazy route).
    let token = Memo::new(move |_| params.with(|p| p.get("token")).unwrap_or_default());
    let info = LocalResource::new(move || {
        let token = token.get();
        async move { api::link(&token).await }
    });
    let l = locale();
    view! {
        <main class="login-page link-page">
            <div class="login-card">
                <CardBrand/>
                {move || match info.get() {
                    None => loading(td_string!(l, link.reading)),
                    Some(answer) => view! { <LinkForm token=token.get_untracked() answer=answer/> }.into_any(),
                }}
            </div>
        </main>
    }
}

#[component]
fn LinkForm(token: String, answer: ApiResult<LinkInfo>) -> impl IntoView {
    let l = locale();
    let info = match answer {
        Ok(info) => info,
        Err(e) => {
            let gone = e.code() == Some(ErrorCode::LinkExpired);
            let text = if gone {
                words::said(l, &Said::LinkExpired)
            } else {
                e.words(l)
            };
            return view! {
                <Title text=td_string!(l, link.expired_title)/>
                <h1>{td_string!(l, link.expired_title)}</h1>
                <p role="alert">{text}</p>
                <p><a class="button secondary" href="/login">{td_string!(l, link.sign_in)}</a></p>
            }
            .into_any();
        }
    };
    let session = use_session();
    let navigate = use_navigate();
    let password = RwSignal::new(String::new());
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let set = Action::new_local(|(token, password): &(String, String)| {
        let (token, password) = (token.clone(), password.clone());
        async move { api::use_link(&token, password).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(me)) = set.value().get() {
            session.me.set(Some(me));
            navigate(
                START,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    let field_error = said_beside(l, missing, "password", None, || None);
    let error = move || match set.value().get() {
        Some(Err(ApiFailure::Refused {
            code: ErrorCode::LinkExpired,
            ..
        })) => Some(words::said(locale(), &Said::LinkExpired)),
        Some(Err(e)) => Some(e.words(locale())),
        _ => None,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = SetPassword {
            password: password.get_untracked(),
        };
        match validate_set_password(&request) {
            Ok(()) => {
                missing.set(Vec::new());
                set.dispatch((token.clone(), request.password));
            }
            Err(fields) => {
                focus("link-password");
                missing.set(fields);
            }
        }
    };
    let (name, email) = (info.name.as_str(), info.email.as_str());
    let (title, intro) = match info.kind {
        LinkKind::Invite => (
            td_string!(l, link.title_invite),
            td_string!(l, link.intro_invite, name = name, email = email).to_string(),
        ),
        LinkKind::Reset => (
            td_string!(l, link.title_reset),
            td_string!(l, link.intro_reset, name = name, email = email).to_string(),
        ),
    };
    view! {
        <Title text=title/>
        <form class="link-form" on:submit=submit aria-labelledby="link-page-title" novalidate>
            <h1 id="link-page-title">{title}</h1>
            <p class="muted">{intro}</p>
            // For password managers: the account this password belongs to.
            <input type="email" autocomplete="username" value=info.email.clone() hidden readonly/>
            <Field id="link-password" field="password" label=td_string!(l, link.password) kind="password"
                autocomplete="new-password" value=password error=field_error hint=td_string!(l, link.password_hint)/>
            <p class="field-error" role="alert">{error}</p>
            <button type="submit" class="button primary" disabled=move || set.pending().get()>
                {move || if set.pending().get() { td_string!(l, link.submitting) } else { td_string!(l, link.submit) }}
            </button>
        </form>
    }
    .into_any()
}
