//! The screens whose code loads when one is first opened: the set-up and link
//! pages, a ticket's page, and everything a super admin sets up or moves with.
//! Built with `--features split` (scripts/build-app, TOOLCHAIN.md "Splitting the
//! wasm by route"), each is a wasm module of its own that the router fetches on
//! entering the route, so the first visit (sign-in, the inbox) downloads none of
//! it. Without the feature (development builds, browser tests) the same routes
//! are built whole and render at once.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::pages::{
    chatflows::Chatflows, conversation::ConversationPage, link::SetPasswordPage,
    move_progress::MoveProgressPage, settings_channel::SettingsChannel,
    settings_help_desk::SettingsHelpDesk, settings_inboxes::SettingsInboxes,
    settings_moves::SettingsMoves, settings_users::SettingsUsers, setup::Setup, ticket::TicketPage,
};

/// `Name => Page;`: a route type `Name` whose view is the page component `Page`,
/// split off with the feature, whole without it. The split module of each is
/// named after its type (`__<name>_View`), so the names never collide.
macro_rules! lazy_pages {
    ($($(#[$doc:meta])* $route:ident => $page:ident;)+) => {$(
        $(#[$doc])*
        pub struct $route;

        #[cfg(feature = "split")]
        #[leptos_router::lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }
            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }

        #[cfg(not(feature = "split"))]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }
            async fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )+};
}

lazy_pages! {
    /// R28.
    SetupRoute => Setup;
    /// R29.
    LinkRoute => SetPasswordPage;
    TicketRoute => TicketPage;
    /// R33.
    ConversationRoute => ConversationPage;
    ChatflowsRoute => Chatflows;
    InboxesRoute => SettingsInboxes;
    /// R29.
    UsersRoute => SettingsUsers;
    /// R31.
    HelpDeskSettingsRoute => SettingsHelpDesk;
    /// R30.
    ChannelRoute => SettingsChannel;
    MovesRoute => SettingsMoves;
    ProgressRoute => MoveProgressPage;
}
