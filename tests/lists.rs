//! Lists while they read, when reading failed, and the names they show.

mod common;

use common::{click, mount, settle};
use deskmove::api::ApiFailure;
use deskmove::components::list::{list_view, ListWords};
use deskmove::components::pager::page_range;
use deskmove::directory::Names;
use deskmove::i18n::Locale;
use deskmove_rules::{ChannelId, UserId};
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const WORDS: ListWords = ListWords {
    loading: "Loading tickets…",
    empty: "No tickets in this view.",
};

#[wasm_bindgen_test]
async fn a_read_that_failed_says_why_and_offers_to_read_again() {
    // Daily use: a stuck read stayed on "Loading…" for good.
    let state = RwSignal::new(None::<Result<Vec<u32>, ApiFailure>>);
    let retried = RwSignal::new(0);
    let retry = Callback::new(move |_| retried.update(|n| *n += 1));
    let m = mount(move || {
        view! {
            <div>
                {move || list_view(state.get(), WORDS, retry, |items| {
                    view! { <p class="full">{items.len()}</p> }.into_any()
                })}
            </div>
        }
        .into_any()
    });
    settle().await;
    assert_eq!(m.text("[role=status]"), "Loading tickets…");
    state.set(Some(Err(ApiFailure::TimedOut)));
    settle().await;
    let alert = m.text("[role=alert]");
    assert!(alert.contains("didn't answer in time"), "{alert}");
    click(&m.get("button.try-again"));
    assert_eq!(retried.get_untracked(), 1);
    state.set(Some(Ok(vec![])));
    settle().await;
    assert_eq!(m.text(".empty"), "No tickets in this view.");
    state.set(Some(Ok(vec![1, 2])));
    settle().await;
    assert_eq!(m.text(".full"), "2");
}

#[wasm_bindgen_test]
fn names_never_stand_in_for_data() {
    // Daily use: rows showed "A channel" and "Owner: Someone" as if they were data.
    let names = Names::default();
    assert_eq!(names.user(Locale::en, None), "Unassigned");
    assert_eq!(names.user(Locale::en, Some(UserId::of(9))), "Unknown user");
    assert_eq!(
        names.channel(Locale::en, ChannelId::of(9)),
        "Unknown channel"
    );
}

#[wasm_bindgen_test]
fn a_page_says_which_rows_of_how_many_and_when_that_is_a_lower_bound() {
    // Daily use: no total; a search's total counted only so far says so.
    assert_eq!(
        page_range(Locale::en, 1, 50, 29_637, false),
        "1–50 of 29,637"
    );
    assert_eq!(
        page_range(Locale::en, 593, 50, 29_637, false),
        "29,601–29,637 of 29,637"
    );
    assert_eq!(page_range(Locale::en, 1, 50, 1_000, true), "1–50 of 1,000+");
    assert_eq!(page_range(Locale::en, 3, 50, 0, false), "0 of 0");
}

#[wasm_bindgen_test]
fn a_server_fault_says_the_reference_its_log_line_has() {
    // Issue 31: the person passes on what the operator looks up.
    let fault = |code, request_id: Option<&str>| ApiFailure::Refused {
        status: 500,
        code,
        message: "Something went wrong on our side.".into(),
        request_id: request_id.map(str::to_string),
    };
    let said = fault(deskmove_rules::ErrorCode::Internal, Some("9707c0d4b4")).words(Locale::de);
    assert!(said.ends_with("(Referenz: 9707c0d4b4)"), "{said}");
    let said = fault(deskmove_rules::ErrorCode::Unavailable, Some("abc")).words(Locale::en);
    assert!(said.ends_with("(Reference: abc)"), "{said}");
    // A refusal that is the person's to fix needs no reference.
    let said = fault(deskmove_rules::ErrorCode::Conflict, Some("abc")).words(Locale::en);
    assert!(!said.contains("abc"), "{said}");
    let said = fault(deskmove_rules::ErrorCode::Internal, None).words(Locale::nb);
    assert!(!said.contains("Referanse"), "{said}");
}
