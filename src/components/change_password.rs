//! R29: "Change password" from the user menu: the current password, then a new
//! one (12–128 characters); this sign-in goes on, every other one ends.

use deskmove_rules::users::{validate_change_password, ChangePassword};
use deskmove_rules::{ErrorCode, FieldError, Said};
use leptos::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::field::{focus, said_beside, Field};
use crate::i18n::td_string;
use crate::session::use_session;
use crate::words::locale;

#[component]
pub fn ChangePasswordForm(on_close: Callback<()>, on_done: Callback<()>) -> impl IntoView {
    // The page is drawn again in a new language, this form with it.
    let l = locale();
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let change = Action::new_local(|(request, csrf): &(ChangePassword, String)| {
        let (request, csrf) = (request.clone(), csrf.clone());
        async move { api::change_password(&request, &csrf).await }
    });
    let wrong_current = move || {
        matches!(
            change.value().get(),
            Some(Err(ApiFailure::Refused {
                code: ErrorCode::Forbidden,
                ..
            }))
        )
    };
    Effect::new(move |_| match change.value().get() {
        Some(Ok(())) => on_done.run(()),
        Some(Err(ApiFailure::Refused {
            code: ErrorCode::Forbidden,
            ..
        })) => focus("password-current"),
        _ => {}
    });
    let refused = move || {
        change
            .value()
            .get()
            .and_then(|r| r.err())
            .and_then(|e| e.code())
    };
    let field_error = move |field: &'static str| {
        let wrong = (
            "current_password",
            ErrorCode::Forbidden,
            Said::WrongCurrentPassword,
        );
        said_beside(l, missing, field, Some(wrong), refused)
    };
    let error = move || match change.value().get() {
        Some(Err(e)) if !wrong_current() => Some(e.words(l)),
        _ => None,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = ChangePassword {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        match validate_change_password(&request) {
            Ok(()) => {
                missing.set(Vec::new());
                if let Some(csrf) = session.csrf() {
                    change.dispatch((request, csrf));
                }
            }
            Err(fields) => {
                focus(if fields[0].field == "current_password" {
                    "password-current"
                } else {
                    "password-new"
                });
                missing.set(fields);
            }
        }
    };
    view! {
        <h2 id="password-title">{td_string!(l, password.title)}</h2>
        <form class="dialog-form" on:submit=submit novalidate>
            <Field id="password-current" field="current_password" label=td_string!(l, password.current_password)
                kind="password" autocomplete="current-password" value=current error=field_error("current_password")/>
            <Field id="password-new" field="new_password" label=td_string!(l, password.new_password)
                kind="password" autocomplete="new-password" value=new error=field_error("new_password")
                hint=td_string!(l, password.hint)/>
            <p class="field-error" role="alert">{error}</p>
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>{td_string!(l, common.cancel)}</button>
                <button type="submit" class="button primary" disabled=move || change.pending().get()>
                    {move || if change.pending().get() { td_string!(l, password.submitting) } else { td_string!(l, password.submit) }}
                </button>
            </div>
        </form>
    }
}
