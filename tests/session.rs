//! Where sign-in sends a person back to: only this site's own pages.

use deskmove::session::{path_on, safe_next};
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
    // Issue 30, finding 1: what browsers read as another origin.
    for next in [
        "//evil.example/",
        "/\\evil.example",
        "/\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n//evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "",
        "/login",
        "/login?next=/x",
        // Dot segments that leave `//host` once resolved.
        "/.//evil.example",
        "/a/..//evil.example",
        "/%2e//evil.example",
        "/.%2e//evil.example",
        "/./login",
    ] {
        assert_eq!(safe_next(Some(next.into())), "/", "{next:?}");
    }
    assert_eq!(safe_next(None), "/");
}

#[wasm_bindgen_test]
fn a_path_is_read_against_the_origin_as_the_browser_reads_it() {
    let origin = "https://help.example.com";
    assert_eq!(
        path_on("/inbox?page=2#top", origin).as_deref(),
        Some("/inbox?page=2#top")
    );
    // Encoded, it is only a strange path of this site.
    assert_eq!(
        path_on("/%2F%2Fevil.example", origin).as_deref(),
        Some("/%2F%2Fevil.example")
    );
    assert_eq!(path_on("/./../inbox", origin).as_deref(), Some("/inbox"));
    assert_eq!(path_on("//evil.example", origin), None);
    assert_eq!(path_on("/\\evil.example", origin), None);
}
