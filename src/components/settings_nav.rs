//! The settings sidebar: Inbox & Help Desk ▸ Inboxes, Move history.

use leptos::prelude::*;

/// Which settings page is showing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SettingsPage {
    Inboxes,
    Moves,
}

#[component]
pub fn SettingsNav(current: SettingsPage) -> impl IntoView {
    let link = move |page: SettingsPage, href: &'static str, label: &'static str| {
        let here = page == current;
        view! {
            <li>
                <a href=href class:active=here aria-current=here.then_some("page")>{label}</a>
            </li>
        }
    };
    view! {
        <aside class="settings-nav" aria-label="Settings">
            <h2 class="settings-nav-title">"Inbox & Help Desk"</h2>
            <ul>
                {link(SettingsPage::Inboxes, "/settings/inboxes", "Inboxes")}
                {link(SettingsPage::Moves, "/settings/moves", "Move history")}
            </ul>
        </aside>
    }
}
