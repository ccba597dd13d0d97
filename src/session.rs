//! Who is signed in, shared with every page through context.

use deskmove_rules::{may_move, Me};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Session {
    /// The signed-in user; `None` when nobody is.
    pub me: RwSignal<Option<Me>>,
    /// Whether the first `GET /api/me` has answered.
    pub known: RwSignal<bool>,
    /// R28: the server waits for its set-up; every page leads to `/setup`.
    pub setup_needed: RwSignal<bool>,
}

impl Session {
    pub fn new() -> Self {
        Session {
            me: RwSignal::new(None),
            known: RwSignal::new(false),
            setup_needed: RwSignal::new(false),
        }
    }

    /// R1: whether the signed-in user may move channels (the server checks again).
    pub fn can_move(&self) -> Signal<bool> {
        let me = self.me;
        Signal::derive(move || me.with(|m| m.as_ref().is_some_and(|m| may_move(m.role))))
    }

    /// R23: whether help desk is theirs to see; the server enforces it.
    pub fn has_help_desk_access(&self) -> Signal<bool> {
        let me = self.me;
        Signal::derive(move || me.with(|m| m.as_ref().is_some_and(|m| m.help_desk_access)))
    }

    pub fn csrf(&self) -> Option<String> {
        self.me
            .with_untracked(|m| m.as_ref().map(|m| m.csrf_token.clone()))
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Where to go after sign-in: only a path of this site, never another site, and
/// never sign-in again; anything else goes home.
pub fn safe_next(next: Option<String>) -> String {
    let origin = web_sys::window().and_then(|w| w.location().origin().ok());
    next.zip(origin)
        .and_then(|(next, origin)| path_on(&next, &origin))
        .unwrap_or_else(|| "/".to_string())
}

/// R29, R31, SCREENS.md 17: where a settings page leads back to (`?back=`, the
/// move dialog it was opened from): a path of this app only.
pub fn back_from(
    query: leptos::prelude::Memo<leptos_router::params::ParamsMap>,
) -> leptos::prelude::Memo<Option<String>> {
    use leptos::prelude::*;
    Memo::new(move |_| {
        let origin = web_sys::window().and_then(|w| w.location().origin().ok())?;
        query
            .with(|q| q.get("back"))
            .and_then(|b| path_on(&b, &origin))
    })
}

/// `next` as a path of `origin` (path, query and fragment), or `None` when the
/// browser would read it as anything else. Browsers read `\` as `/` and drop
/// tabs and newlines inside a URL (`/\evil.example` and `/<TAB>/evil.example`
/// are `//evil.example`): those are refused outright, then what is left is
/// parsed against the origin the way the browser will, and must stay on it.
pub fn path_on(next: &str, origin: &str) -> Option<String> {
    if !next.starts_with('/') || next.contains('\\') || next.chars().any(char::is_control) {
        return None;
    }
    let url = web_sys::Url::new_with_base(next, origin).ok()?;
    if url.origin() != origin {
        return None;
    }
    let path = url.pathname();
    // Dot segments can still make `//host` of a path (`/.//evil.example`), which
    // the router reads as another origin.
    if path.starts_with("//") || path == "/login" || path.starts_with("/login/") {
        return None;
    }
    Some(format!("{path}{}{}", url.search(), url.hash()))
}
