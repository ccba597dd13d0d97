//! The signed-in frame: the top bar with the user menu, and the guard that sends strangers to sign in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use deskmove_rules::Language;

use crate::api;
use crate::components::change_password::ChangePasswordForm;
use crate::components::modal::Modal;
use crate::components::move_banner::MoveBanner;
use crate::components::status::loading;
use crate::directory::Directory;
use crate::i18n::td_string;
use crate::live::{self, Live};
use crate::session::use_session;
use crate::words::{self, locale};

/// Shows its children only to a signed-in user; anyone else goes to the sign-in
/// page and comes back here after.
#[component]
pub fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let navigate = use_navigate();
    Effect::new(move |_| {
        // R28: a server waiting for its set-up has nobody to sign in.
        if session.known.get() && session.setup_needed.get() {
            navigate(
                "/setup",
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        } else if session.known.get()
            && session.me.with(Option::is_none)
            // Already on its way: while a lazy page loads, this frame outlives
            // the navigation to the sign-in page, which must not be sent back
            // to itself (`/login?next=/login…`).
            && location.pathname.get_untracked() != "/login"
        {
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
            fallback=move || loading(td_string!(locale(), common.loading))
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
            .map(|n| n.channel(locale(), id))
    });
    let l = locale();
    // On a phone the pages' links fold into a menu; a new page folds it again.
    let nav_open = RwSignal::new(false);
    let toggle = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        location.pathname.track();
        nav_open.set(false);
    });
    view! {
        <a class="skip-link" href="#main">{td_string!(l, shell.skip)}</a>
        <header
            class="topbar"
            on:keydown=move |ev| {
                if ev.key() == "Escape" && nav_open.get_untracked() {
                    nav_open.set(false);
                    if let Some(t) = toggle.get_untracked() {
                        let _ = t.focus();
                    }
                }
            }
        >
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"D"</span>
                <span class="brand-text">"Deskmove"</span>
            </a>
            <button
                type="button"
                class="nav-toggle"
                node_ref=toggle
                aria-expanded=move || nav_open.get().to_string()
                aria-controls="topnav"
                on:click=move |_| nav_open.update(|o| *o = !*o)
            >
                <span aria-hidden="true">"☰ "</span>{td_string!(l, shell.menu)}
            </button>
            <nav id="topnav" class="topnav" class:open=move || nav_open.get() aria-label=td_string!(l, shell.main_nav)>
                <A href="/inbox" attr:class="topnav-link">{td_string!(l, shell.inbox)}</A>
                <A href="/help-desk" attr:class="topnav-link">{td_string!(l, shell.help_desk)}</A>
                <A href="/chatflows" attr:class="topnav-link">
                    <span class="muted-on-dark">{td_string!(l, shell.service)}" ▸ "</span>{td_string!(l, shell.chatflows)}
                </A>
            </nav>
            <A href="/settings/inboxes" attr:class="topnav-link settings-link" attr:aria-label=td_string!(l, shell.settings)>
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
    // R29: the change-password dialog, and its result said in the menu.
    let changing = RwSignal::new(false);
    let changed = RwSignal::new(false);
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
                Err(e) => error.set(Some(e.words(locale()))),
            }
        });
    };
    // R27: the language, remembered for the user; the page redraws in it.
    let choose = move |language: Option<Language>| {
        let Some(csrf) = session.csrf() else { return };
        spawn_local(async move {
            match api::set_locale(language, &csrf).await {
                Ok(me) => session.me.set(Some(me)),
                Err(e) => error.set(Some(e.words(locale()))),
            }
        });
    };
    let chosen = move || session.me.with(|m| m.as_ref().and_then(|m| m.locale));
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
    let l = locale();
    let role = move || {
        session.me.with(|m| {
            m.as_ref()
                .map(|m| words::role(l, m.role))
                .unwrap_or_default()
        })
    };
    let option = move |value: Option<Language>, label: &'static str, lang: Option<&'static str>| {
        let id = format!("language-{}", value.map_or("browser", Language::as_str));
        let label_for = id.clone();
        view! {
            <label class="radio language-choice" for=label_for>
                <input
                    type="radio"
                    id=id
                    name="language"
                    prop:checked=move || chosen() == value
                    on:change=move |_| choose(value)
                />
                <span lang=lang>{label}</span>
            </label>
        }
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
                    <fieldset class="language">
                        <legend>{td_string!(l, shell.language)}</legend>
                        {Language::ALL.into_iter().map(|language| option(Some(language), language.label(), Some(language.as_str()))).collect_view()}
                        {option(None, td_string!(l, shell.follow_browser), None)}
                    </fieldset>
                    <button type="button" class="button secondary" id="change-password"
                        on:click=move |_| { changed.set(false); changing.set(true) }>
                        {td_string!(l, password.change)}
                    </button>
                    <p role="status" class="small">{move || changed.get().then(|| td_string!(l, password.done))}</p>
                    <button type="button" class="button secondary" on:click=sign_out.clone()>{td_string!(l, shell.sign_out)}</button>
                    {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                </div>
            </Show>
            <Modal open=changing on_close=Callback::new(move |_| changing.set(false)) labelled_by="password-title">
                <ChangePasswordForm
                    on_close=Callback::new(move |_| changing.set(false))
                    on_done=Callback::new(move |_| { changing.set(false); changed.set(true) })
                />
            </Modal>
        </div>
    }
}
