//! R29 in the browser: a password form says what is wrong beside its field, in
//! the reader's language, before anything is sent; one dialog giving way to the
//! next (an invitation to its link) leaves the next one open.

mod common;

use common::{mount, mount_in, pause, settle, submit, type_into};
use deskmove::components::change_password::ChangePasswordForm;
use deskmove::components::modal::Modal;
use deskmove::i18n::Locale;
use deskmove::session::Session;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn change_password_says_what_is_wrong_beside_each_field_in_german() {
    // R29, R27: 12 to 128 characters, the current password required.
    let m = mount_in(Locale::de, || {
        provide_context(Session::new());
        view! {
            <ChangePasswordForm on_close=Callback::new(|_| ()) on_done=Callback::new(|_| ())/>
        }
        .into_any()
    });
    type_into(&m.get("#password-new"), "zu kurz");
    submit(&m.get("form"));
    settle().await;
    assert_eq!(
        m.text("#password-current-error"),
        "Das darf nicht leer sein."
    );
    assert_eq!(
        m.text("#password-new-error"),
        "Ein Passwort hat 12 bis 128 Zeichen."
    );
    let focused = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .unwrap();
    assert_eq!(focused.id(), "password-current", "the first wrong field");
    assert_eq!(
        m.get("#password-new")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    // Fixed, the errors go.
    type_into(&m.get("#password-current"), "mein altes Passwort");
    type_into(&m.get("#password-new"), "lang genug für heute");
    submit(&m.get("form"));
    settle().await;
    assert_eq!(m.text("#password-new-error"), "");
    assert_eq!(m.text("#password-current-error"), "");
}

#[wasm_bindgen_test]
async fn a_dialog_giving_way_to_the_next_leaves_the_next_one_open() {
    // R29: the invitation's dialog closes as the link's opens; the first's close
    // event must not close the second.
    let which = RwSignal::new(1u8);
    let closed = RwSignal::new(0u32);
    let m = mount(move || {
        let on_close = Callback::new(move |_| {
            closed.update(|n| *n += 1);
            which.set(0);
        });
        view! {
            <Modal open=Signal::derive(move || which.get() == 1) on_close=on_close labelled_by="first-title">
                <h2 id="first-title">"First"</h2>
            </Modal>
            <Modal open=Signal::derive(move || which.get() == 2) on_close=on_close labelled_by="second-title">
                <h2 id="second-title">"Second"</h2>
            </Modal>
        }
        .into_any()
    });
    pause(50).await;
    assert!(m.find("dialog[open] #first-title").is_some());
    which.set(2);
    pause(100).await;
    assert!(
        m.find("dialog[open] #second-title").is_some(),
        "{}",
        m.root.inner_html()
    );
    assert!(m.find("#first-title").is_none());
    assert_eq!(closed.get_untracked(), 0, "nobody closed anything");
    // Esc (the dialog closing itself) says so once.
    m.get("dialog[open]")
        .unchecked_ref::<web_sys::HtmlDialogElement>()
        .close();
    pause(100).await;
    assert_eq!(closed.get_untracked(), 1);
    assert!(m.find("dialog[open]").is_none());
}
