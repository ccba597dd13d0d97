//! Where sign-in sends a person back to: only this site's own pages.

use deskmove::session::safe_next;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn sign_in_returns_to_the_page_the_person_was_on() {
    assert_eq!(
        safe_next(Some("/settings/inboxes?inbox=2".into())),
        "/settings/inboxes?inbox=2"
    );
}

#[wasm_bindgen_test]
fn sign_in_never_sends_anyone_to_another_site_or_back_to_sign_in() {
    for next in [
        "//evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "",
        "/login?next=/x",
    ] {
        assert_eq!(safe_next(Some(next.into())), "/", "{next}");
    }
    assert_eq!(safe_next(None), "/");
}
