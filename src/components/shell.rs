//! The signed-in frame: the top bar with the user menu, and the guard that sends strangers to sign in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::api;
use crate::components::move_banner::MoveBanner;
use crate::components::status::loading;
use crate::directory::Directory;
use crate::live::{self, Live};
use crate::session::use_session;

/// Shows its children only to a signed-in user; anyone else goes to the sign-in
/// page and comes back here after.
#[component]
pub fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if session.known.get() && session.me.with(Option::is_none) {
            // The router's `search` has no leading "?".
            let search = location.search.get_untracked();
            let here = if search.is_empty() {
                location.pathname.get_untracked()
            } else {
                format!(
                    "{}?{}",
                    location.pathname.get_untracked(),
                    search.trim_start_matches('?')
                )
            };
            let next = String::from(js_sys::encode_uri_component(&here));
            navigate(
                &format!("/login?next={next}"),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    view! {
        <Show
            when=move || session.me.with(Option::is_some)
            fallback=|| loading("Loading…")
        >
            {children()}
        </Show>
    }
}

/// The signed-in frame: top bar, the live connection, the move banner, the page.
#[component]
pub fn Shell() -> impl IntoView {
    let live = Live::new();
    provide_context(live);
    live::connect(live);
    let directory = Directory::load(live);
    provide_context(directory);
    let location = use_location();
    // R17: the banner shows on the inbox and the inbox settings pages.
    let banner_here = move || {
        location
            .pathname
            .with(|p| p.starts_with("/inbox") || p.starts_with("/settings"))
    };
    let running = Signal::derive(move || live.running.get().filter(|_| banner_here()));
    let channel_name = Signal::derive(move || {
        let id = live.running.with(|r| r.as_ref().map(|m| m.channel_id))?;
        directory
            .0
            .get()
            .and_then(Result::ok)
            .map(|n| n.channel(id))
    });
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"D"</span>
                <span class="brand-text">"Deskmove"</span>
            </a>
            <nav class="topnav" aria-label="Main">
                <A href="/inbox" attr:class="topnav-link">"Inbox"</A>
                <A href="/help-desk" attr:class="topnav-link">"Help Desk"</A>
                <A href="/chatflows" attr:class="topnav-link">
                    <span class="muted-on-dark">"Service ▸ "</span>"Chatflows"
                </A>
            </nav>
            <A href="/settings/inboxes" attr:class="topnav-link settings-link" attr:aria-label="Settings">
                <span aria-hidden="true" class="gear">"⚙"</span>
            </A>
            <UserMenu/>
        </header>
        <MoveBanner running=running channel_name=channel_name/>
        <Outlet/>
    }
}

#[component]
fn UserMenu() -> impl IntoView {
    let session = use_session();
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let sign_out = move |_| {
        let Some(csrf) = session.csrf() else { return };
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::sign_out(&csrf).await {
                Ok(()) => {
                    session.me.set(None);
                    navigate("/login", NavigateOptions::default());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let name = move || {
        session
            .me
            .with(|m| m.as_ref().map(|m| m.name.clone()).unwrap_or_default())
    };
    let email = move || {
        session
            .me
            .with(|m| m.as_ref().map(|m| m.email.clone()).unwrap_or_default())
    };
    let role = move || {
        session
            .me
            .with(|m| m.as_ref().map(|m| m.role.label()).unwrap_or_default())
    };
    view! {
        <div
            class="user-menu"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    open.set(false);
                }
            }
        >
            <button
                type="button"
                class="user-button"
                aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                aria-controls="user-menu-panel"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="avatar" aria-hidden="true">{move || name().chars().next().unwrap_or('?').to_string()}</span>
                <span class="user-name">{name}</span>
            </button>
            <Show when=move || open.get()>
                <div class="user-panel" id="user-menu-panel">
                    <p class="user-panel-name">{name}</p>
                    <p class="muted">{email}</p>
                    <p class="role-badge">{role}</p>
                    <button type="button" class="button secondary" on:click=sign_out.clone()>"Sign out"</button>
                    {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                </div>
            </Show>
        </div>
    }
}
