//! The Deskmove web app: the router, the signed-in session, and the pages.

pub mod api;
pub mod components;
pub mod directory;
pub mod language;
pub mod lazy;
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
use leptos_router::{path, Lazy};

use api::ApiFailure;
use components::shell::{RequireSignIn, Shell};
use deskmove_rules::setup::SetupState;
use deskmove_rules::ErrorCode;
use lazy::{
    ChannelRoute, ChatflowsRoute, ConversationRoute, HelpDeskSettingsRoute, InboxesRoute,
    LinkRoute, MovesRoute, ProgressRoute, SetupRoute, TicketRoute, UsersRoute,
};
use pages::{help_desk::HelpDesk, home::Home, inbox::Inbox, login::Login, not_found::NotFound};
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
    // A memo: the locale is set again to the same one as the app starts, and the
    // page must not be drawn twice (a lazy page would load and ask its API twice).
    let language = Memo::new(move |_| i18n.get_locale());
    view! {
        // Each page names itself: "Inbox · Deskmove".
        <Title formatter=|page: String| format!("{page} · Deskmove")/>
        <Router>
            // A new language draws the page again, in it: every word, date and number.
            {move || {
                let _drawn_in = language.get();
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
                <Route path=path!("/setup") view={Lazy::<SetupRoute>::new()}/>
                <Route path=path!("/link/:token") view={Lazy::<LinkRoute>::new()}/>
                <Route path=path!("/") view=Home/>
                <ParentRoute path=path!("") view=|| view! { <RequireSignIn><Shell/></RequireSignIn> }>
                    <Route path=path!("/inbox") view=Inbox/>
                    <Route path=path!("/help-desk") view=HelpDesk/>
                    <Route path=path!("/help-desk/tickets/:id") view={Lazy::<TicketRoute>::new()}/>
                    <Route path=path!("/inbox/conversations/:id") view={Lazy::<ConversationRoute>::new()}/>
                    <Route path=path!("/chatflows") view={Lazy::<ChatflowsRoute>::new()}/>
                    <Route path=path!("/settings/inboxes") view={Lazy::<InboxesRoute>::new()}/>
                    <Route path=path!("/settings/users") view={Lazy::<UsersRoute>::new()}/>
                    <Route path=path!("/settings/help-desk") view={Lazy::<HelpDeskSettingsRoute>::new()}/>
                    <Route path=path!("/settings/channels/:id") view={Lazy::<ChannelRoute>::new()}/>
                    <Route path=path!("/settings/moves") view={Lazy::<MovesRoute>::new()}/>
                    <Route path=path!("/moves/:id") view={Lazy::<ProgressRoute>::new()}/>
                </ParentRoute>
            </Routes>
    }
}
