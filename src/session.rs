//! Who is signed in, shared with every page through context.

use deskmove_rules::{may_move, Me};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Session {
    /// The signed-in user; `None` when nobody is.
    pub me: RwSignal<Option<Me>>,
    /// Whether the first `GET /api/me` has answered.
    pub known: RwSignal<bool>,
}

impl Session {
    pub fn new() -> Self {
        Session {
            me: RwSignal::new(None),
            known: RwSignal::new(false),
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

/// Where to go after sign-in: only a path of this site, never another site.
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/login") => n,
        _ => "/".to_string(),
    }
}
