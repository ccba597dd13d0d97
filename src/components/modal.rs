//! A native modal `<dialog>` (Esc, focus trap and the inert page behind for free),
//! open while its signal says so.

use leptos::prelude::*;

#[component]
pub fn Modal(
    /// Open while true.
    #[prop(into)]
    open: Signal<bool>,
    /// Called when the person closes the dialog (Esc).
    on_close: Callback<()>,
    /// The id of the heading that names the dialog.
    labelled_by: &'static str,
    #[prop(optional)] class: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        let Some(d) = dialog.get() else { return };
        match (open.get(), d.open()) {
            (true, false) => {
                let _ = d.show_modal();
            }
            (false, true) => d.close(),
            _ => {}
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class=format!("modal {class}")
            aria-labelledby=labelled_by
            // Closed by Esc (still meant to be open): say so; closed because
            // `open` went false: nothing to say, another dialog may be opening.
            on:close=move |_| if open.get_untracked() { on_close.run(()) }
        >
            <Show when=move || open.get()>{children()}</Show>
        </dialog>
    }
}
