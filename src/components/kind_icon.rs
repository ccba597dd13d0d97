//! The small icon that tells a channel's kind at a glance.

use deskmove_rules::ChannelKind;
use leptos::prelude::*;

/// SVG path data (24×24, stroked) for each kind.
fn path(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Email => "M3 6h18v12H3z M3 6l9 7 9-7",
        ChannelKind::FallbackEmail => "M3 6h18v12H3z M3 6l9 7 9-7 M15 20l3-3 3 3",
        ChannelKind::Form => "M6 3h12v18H6z M9 8h6 M9 12h6 M9 16h3",
        ChannelKind::Calling => "M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2z",
        ChannelKind::Chat => "M4 5h16v11H9l-5 4z",
        ChannelKind::Whatsapp => "M12 3a9 9 0 0 0-7.8 13.5L3 21l4.6-1.2A9 9 0 1 0 12 3z M9 9c0 3 3 6 6 6",
        ChannelKind::Messenger => "M12 3C7 3 3 6.6 3 11c0 2.5 1.2 4.6 3.2 6V21l3-1.6c.9.2 1.8.4 2.8.4 5 0 9-3.6 9-8s-4-8.8-9-8.8z M7 13l3-3 2 2 3-3",
    }
}

#[component]
pub fn KindIcon(kind: ChannelKind) -> impl IntoView {
    view! {
        <span class=format!("kind-icon kind-{}", kind.as_str()) aria-hidden="true">
            <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
                <path d=path(kind)/>
            </svg>
        </span>
    }
}
