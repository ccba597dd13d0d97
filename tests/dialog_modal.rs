//! The move dialog is a native modal: labelled, focus inside while open, back on the trigger after.

mod common;

use common::{mount, pause, settle};
use deskmove::components::move_dialog::MoveDialog;
use deskmove::session::Session;
use deskmove_rules::fixtures::support_email;
use deskmove_rules::Channel;
use leptos::prelude::*;
use leptos_router::components::Router;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlDialogElement, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_dialog_is_a_labelled_modal_and_closing_returns_focus() {
    let chosen = RwSignal::new(None::<Channel>);
    let m = mount(move || {
        provide_context(Session::new());
        view! {
            <Router>
                <button id="trigger" on:click=move |_| chosen.set(Some(support_email()))>"Options"</button>
                <MoveDialog channel=chosen on_close=Callback::new(move |_| chosen.set(None))/>
            </Router>
        }
        .into_any()
    });
    settle().await;
    let dialog: HtmlDialogElement = m.get("dialog").unchecked_into();
    assert!(!dialog.open());
    let trigger: HtmlElement = m.get("#trigger").unchecked_into();
    trigger.focus().unwrap();
    trigger.click();
    settle().await;
    assert!(dialog.open());
    assert!(
        dialog.matches(":modal").unwrap(),
        "opened with showModal(): Esc and an inert page for free"
    );
    let title_id = dialog.get_attribute("aria-labelledby").unwrap();
    assert_eq!(
        m.text(&format!("#{title_id}")),
        "Move Support email to help desk"
    );
    let document = web_sys::window().unwrap().document().unwrap();
    assert!(
        dialog.contains(
            document
                .active_element()
                .as_ref()
                .map(|e| e.unchecked_ref())
        ),
        "focus moves into the dialog"
    );
    // What Esc does: the browser closes the dialog.
    dialog.close();
    pause(50).await;
    assert_eq!(chosen.get_untracked(), None, "closing tells the page");
    assert!(!dialog.open());
    assert!(
        document
            .active_element()
            .unwrap()
            .is_same_node(Some(&trigger)),
        "focus returns to the trigger"
    );
}
