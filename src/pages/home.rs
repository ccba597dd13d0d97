//! `/`: a signed-in user goes to their work, anyone else to sign in.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::components::status::loading;
use crate::i18n::td_string;
use crate::session::use_session;
use crate::words::locale;

/// Where a signed-in person starts.
pub const START: &str = "/inbox";

#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if session.known.get() {
            let to = if session.me.with(Option::is_some) {
                START
            } else if session.setup_needed.get() {
                "/setup"
            } else {
                "/login"
            };
            navigate(
                to,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    loading(td_string!(locale(), common.loading))
}
