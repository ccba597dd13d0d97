//! The Deskmove web app: the router, the signed-in session, and the pages.

pub mod api;
pub mod components;
pub mod directory;
pub mod live;
pub mod pages;
pub mod session;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use components::shell::{RequireSignIn, Shell};
use pages::{
    chatflows::Chatflows, help_desk::HelpDesk, home::Home, inbox::Inbox, login::Login,
    move_progress::MoveProgressPage, not_found::NotFound, settings_inboxes::SettingsInboxes,
    settings_moves::SettingsMoves, ticket::TicketPage,
};
use session::Session;

#[component]
pub fn App() -> impl IntoView {
    let session = Session::new();
    provide_context(session);
    provide_meta_context();
    spawn_local(async move {
        // A network failure leaves the person signed out: the sign-in page says the rest.
        session.me.set(api::me().await.ok().flatten());
        session.known.set(true);
    });
    view! {
        // Each page names itself: "Inbox · Deskmove".
        <Title formatter=|page: String| format!("{page} · Deskmove")/>
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view=Login/>
                <Route path=path!("/") view=Home/>
                <ParentRoute path=path!("") view=|| view! { <RequireSignIn><Shell/></RequireSignIn> }>
                    <Route path=path!("/inbox") view=Inbox/>
                    <Route path=path!("/help-desk") view=HelpDesk/>
                    <Route path=path!("/help-desk/tickets/:id") view=TicketPage/>
                    <Route path=path!("/chatflows") view=Chatflows/>
                    <Route path=path!("/settings/inboxes") view=SettingsInboxes/>
                    <Route path=path!("/settings/moves") view=SettingsMoves/>
                    <Route path=path!("/moves/:id") view=MoveProgressPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
