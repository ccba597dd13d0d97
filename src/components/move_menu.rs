//! A row's actions menu with "Move to help desk": enabled when the rules say the
//! channel can move, otherwise disabled with every reason (R2, R4, R21).

use deskmove_rules::Movability;
use leptos::prelude::*;

use crate::i18n::td_string;
use crate::words::{self, locale};
use wasm_bindgen::JsCast;

/// The row action menu. Render it only for users who may move (R1).
#[component]
pub fn MoveMenu(
    /// The trigger's words: "Options" in the channel list, "More" for chatflows.
    trigger: &'static str,
    /// The channel's name, for the trigger's accessible label.
    channel_name: String,
    /// What the rules crate says of the channel.
    movable: Movability,
    /// Called when the admin picks "Move to help desk".
    on_move: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let trigger_ref = NodeRef::<leptos::html::Button>::new();
    let item_ref = NodeRef::<leptos::html::Button>::new();
    let reason_id = format!("move-reason-{}", unique_suffix());
    let menu_id = format!("move-menu-{}", unique_suffix());
    let close = move |refocus: bool| {
        open.set(false);
        if refocus {
            if let Some(t) = trigger_ref.get_untracked() {
                let _ = t.focus();
            }
        }
    };
    // Opening moves focus into the menu, as a menu button should.
    Effect::new(move |_| {
        if open.get() {
            if let Some(item) = item_ref.get() {
                let _ = item.focus();
            }
        }
    });
    let ok = movable.ok;
    let reasons = movable.reasons.clone();
    let described_by = (!ok).then(|| reason_id.clone());
    let l = locale();
    let label = td_string!(
        l,
        menu.label,
        trigger = trigger,
        channel = channel_name.clone()
    )
    .to_string();
    view! {
        <div
            class="row-menu"
            class:open=move || open.get()
            on:keydown=move |ev| {
                if ev.key() == "Escape" && open.get_untracked() {
                    ev.stop_propagation();
                    close(true);
                }
            }
            on:focusout=move |ev: web_sys::FocusEvent| {
                // Close when focus leaves the menu entirely (click elsewhere, Tab away).
                let inside = ev
                    .related_target()
                    .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                    .zip(ev.current_target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()))
                    .is_some_and(|(to, menu)| menu.contains(Some(&to)));
                if !inside {
                    open.set(false);
                }
            }
        >
            <button
                type="button"
                class="row-menu-trigger"
                node_ref=trigger_ref
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                aria-controls=menu_id.clone()
                aria-label=label.clone()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {trigger}
                <span aria-hidden="true">" ▾"</span>
            </button>
            <Show when=move || open.get()>
                <div class="row-menu-panel">
                    <div role="menu" id=menu_id.clone() aria-label=label.clone()>
                        <button
                            type="button"
                            role="menuitem"
                            class="row-menu-item"
                            data-action="move"
                            node_ref=item_ref
                            aria-disabled=(!ok).to_string()
                            aria-describedby=described_by.clone()
                            on:click=move |_| {
                                if ok {
                                    // Focus goes back to the trigger first: the dialog returns it there on close.
                                    close(true);
                                    on_move.run(());
                                }
                            }
                        >
                            {td_string!(l, menu.move_to_help_desk)}
                        </button>
                    </div>
                    // The reasons describe the item; a menu holds only items.
                    {(!ok).then(|| {
                        let reasons = reasons.clone();
                        view! {
                            <ul class="move-reasons" id=reason_id.clone()>
                                {reasons
                                    .into_iter()
                                    .map(|r| view! { <li class="reason" data-code=format!("{:?}", r.code)>{words::said(l, &r.said)}</li> })
                                    .collect_view()}
                            </ul>
                        }
                    })}
                </div>
            </Show>
        </div>
    }
}

/// Ids that stay unique across every menu on the page.
fn unique_suffix() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
