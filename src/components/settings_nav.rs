//! The settings sidebar: Inbox & Help Desk ▸ Inboxes, Users, Move history.

use leptos::prelude::*;

use crate::i18n::td_string;
use crate::words::locale;

/// Which settings page is showing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SettingsPage {
    Inboxes,
    Users,
    HelpDesk,
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
    let l = locale();
    view! {
        <aside class="settings-nav" aria-label=td_string!(l, shell.settings)>
            <h2 class="settings-nav-title">{td_string!(l, settings.area)}</h2>
            <ul>
                {link(SettingsPage::Inboxes, "/settings/inboxes", td_string!(l, settings.inboxes))}
                {link(SettingsPage::Users, "/settings/users", td_string!(l, settings.users))}
                {link(SettingsPage::HelpDesk, "/settings/help-desk", td_string!(l, settings.help_desk))}
                {link(SettingsPage::Moves, "/settings/moves", td_string!(l, settings.moves))}
            </ul>
        </aside>
    }
}
