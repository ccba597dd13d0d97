//! R27: which language the app speaks: the one the user chose (remembered by the
//! server), else the browser's first that the app knows, else English.

use deskmove_rules::Language;
use leptos::prelude::*;

use crate::i18n::{use_i18n, Locale};
use crate::session::Session;

/// The app's locale for a language of the API.
pub fn locale_of(language: Language) -> Locale {
    match language {
        Language::English => Locale::en,
        Language::German => Locale::de,
        Language::NorwegianBokmal => Locale::nb,
    }
}

/// The browser's languages ("de-DE", "en-GB"), in its order of preference.
pub fn browser_languages() -> Vec<String> {
    web_sys::window()
        .map(|w| w.navigator().languages())
        .map(|list| list.iter().filter_map(|l| l.as_string()).collect())
        .unwrap_or_default()
}

/// The language a browser's tag is read as: its primary subtag, with "no"
/// (Norwegian) read as Bokmål, which the browser may say either way.
pub fn primary_language(tag: &str) -> &str {
    match tag.split('-').next().unwrap_or_default() {
        "no" => "nb",
        primary => primary,
    }
}

/// The browser's languages, in its order of preference, matched to the app's.
pub fn browser_locale() -> Locale {
    let languages: Vec<String> = browser_languages()
        .iter()
        .map(|l| primary_language(l).to_string())
        .collect();
    <Locale as leptos_i18n::Locale>::find_locale(&languages)
}

/// The locale for someone who chose `chosen` (`None` follows the browser).
pub fn wanted(chosen: Option<Language>) -> Locale {
    chosen.map(locale_of).unwrap_or_else(browser_locale)
}

/// Keeps the app's language on what the signed-in user chose; signed out, or with
/// no choice, on the browser's.
pub fn follow(session: Session) {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let want = wanted(session.me.with(|m| m.as_ref().and_then(|m| m.locale)));
        if i18n.get_locale_untracked() != want {
            i18n.set_locale(want);
        }
    });
}
