//! The Deskmove web app: the router, the signed-in session, and the pages.

pub mod api;
pub mod components;
pub mod directory;
pub mod language;
pub mod live;
pub mod pages;
pub mod session;
pub mod words;

// R27: the `i18n` module leptos_i18n generates from locales/*.json (see build.rs).
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use api::ApiFailure;
use components::shell::{RequireSignIn, Shell};
use deskmove_rules::setup::SetupState;
use deskmove_rules::ErrorCode;
use pages::{
    chatflows::Chatflows, help_desk::HelpDesk, home::Home, inbox::Inbox, link::SetPasswordPage,
    login::Login, move_progress::MoveProgressPage, not_found::NotFound,
    settings_channel::SettingsChannel, settings_help_desk::SettingsHelpDesk,
    settings_inboxes::SettingsInboxes, settings_moves::SettingsMoves,
    settings_users::SettingsUsers, setup::Setup, ticket::TicketPage,
};
use session::Session;

#[component]
pub fn App() -> impl IntoView {
    let session = Session::new();
    provide_context(session);
    provide_meta_context();
    spawn_local(async move {
        // R28: a server that waits for its set-up answers nothing else; asked
        // first, so no page asks it anything in vain.
        if let Ok(SetupState { needed: true }) = api::setup_state().await {
            session.setup_needed.set(true);
        } else {
            // A network failure leaves the person signed out: the sign-in page says the rest.
            match api::me().await {
                Err(ApiFailure::Refused {
                    code: ErrorCode::SetupNeeded,
                    ..
                }) => session.setup_needed.set(true),
                me => session.me.set(me.ok().flatten()),
            }
        }
        session.known.set(true);
    });
    view! {
        // Sets <html lang> as the language changes, for screen readers.
        <i18n::I18nContextProvider>
            <Pages session=session/>
        </i18n::I18nContextProvider>
    }
}

#[component]
fn Pages(session: Session) -> impl IntoView {
    language::follow(session);
    let i18n = i18n::use_i18n();
    view! {
        // Each page names itself: "Inbox · Deskmove".
        <Title formatter=|page: String| format!("{page} · Deskmove")/>
        <Router>
            // A new language draws the page again, in it: every word, date and number.
            {move || {
                i18n.get_locale();
                view! { <Routed/> }
            }}
        </Router>
    }
}

#[component]
fn Routed() -> impl IntoView {
    view! {
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view=Login/>
                <Route path=path!("/setup") view=Setup/>
                <Route path=path!("/link/:token") view=SetPasswordPage/>
                <Route path=path!("/") view=Home/>
                <ParentRoute path=path!("") view=|| view! { <RequireSignIn><Shell/></RequireSignIn> }>
                    <Route path=path!("/inbox") view=Inbox/>
                    <Route path=path!("/help-desk") view=HelpDesk/>
                    <Route path=path!("/help-desk/tickets/:id") view=TicketPage/>
                    <Route path=path!("/chatflows") view=Chatflows/>
                    <Route path=path!("/settings/inboxes") view=SettingsInboxes/>
                    <Route path=path!("/settings/users") view=SettingsUsers/>
                    <Route path=path!("/settings/help-desk") view=SettingsHelpDesk/>
                    <Route path=path!("/settings/channels/:id") view=SettingsChannel/>
                    <Route path=path!("/settings/moves") view=SettingsMoves/>
                    <Route path=path!("/moves/:id") view=MoveProgressPage/>
                </ParentRoute>
            </Routes>
    }
}
