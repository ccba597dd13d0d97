//! R24: a scheduled move's Reschedule and Cancel on its page, for a super admin.

mod common;

use chrono::Duration;
use common::{a_move, click, mount, pause, settle, type_into};
use deskmove::components::format::{local_input, now};
use deskmove::components::move_progress::MoveProgress;
use deskmove::session::Session;
use deskmove_rules::{Me, MoveState, Role, UserId};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlFormElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn signed_in(role: Role) -> Session {
    let session = Session::new();
    session.me.set(Some(Me {
        id: UserId::of(1),
        name: "Ada".into(),
        email: "ada@demo.test".into(),
        role,
        help_desk_access: true,
        csrf_token: "t".into(),
        locale: None,
        outbound_mail: false,
    }));
    session
}

#[wasm_bindgen_test]
async fn a_super_admin_reschedules_with_the_rules_checks_and_cancels_after_asking() {
    // R24, R1
    let mut scheduled = a_move(MoveState::Scheduled, 0, 0);
    let planned = now() + Duration::hours(3);
    scheduled.start_at = Some(planned);
    let current = RwSignal::new(scheduled);
    let m = mount(move || {
        provide_context(signed_in(Role::SuperAdmin));
        view! { <MoveProgress current=current channel_name="Support email"/> }.into_any()
    });
    settle().await;
    let input: HtmlInputElement = m.get("#new-start").unchecked_into();
    assert_eq!(
        input.value(),
        local_input(planned),
        "the planned time, in local time"
    );
    assert_eq!(m.text("label[for=new-start]"), "New start");
    // Enter in the field submits its form: a past time is refused beside it, and
    // nothing is sent.
    type_into(input.as_ref(), &local_input(now() - Duration::hours(1)));
    let form: HtmlFormElement = m.get("form.schedule-controls").unchecked_into();
    form.request_submit().unwrap();
    settle().await;
    assert_eq!(
        m.text("#new-start-error"),
        "That time has passed: choose a time in the future, or start now."
    );
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    type_into(input.as_ref(), &local_input(now() + Duration::days(40)));
    settle().await;
    assert_eq!(
        m.text("#new-start-error"),
        "A move can be scheduled at most 30 days ahead."
    );
    type_into(input.as_ref(), "");
    settle().await;
    assert_eq!(
        m.text("#new-start-error"),
        "Choose the date and time to start at."
    );
    type_into(input.as_ref(), &local_input(now() + Duration::hours(5)));
    settle().await;
    assert_eq!(m.text("#new-start-error"), "");
    assert_eq!(
        input.get_attribute("aria-invalid").as_deref(),
        Some("false")
    );

    // Cancel asks first, and Keep it takes the question back.
    let cancel = m.get("[data-action=cancel-move]");
    assert_eq!(
        cancel.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    assert!(m.get("#cancel-confirm").has_attribute("hidden"));
    click(&cancel);
    settle().await;
    assert_eq!(
        cancel.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert!(!m.get("#cancel-confirm").has_attribute("hidden"));
    assert!(m.text("#cancel-confirm").contains("Nothing has moved yet"));
    click(&m.get("#cancel-confirm button.secondary"));
    settle().await;
    assert!(m.get("#cancel-confirm").has_attribute("hidden"));
    // The server's refusal (this test page has no API: the move is unknown there)
    // is said, in words, and nothing changes on the page.
    click(&cancel);
    settle().await;
    click(&m.get("[data-action=confirm-cancel]"));
    for _ in 0..50 {
        pause(20).await;
        if !m.text(".schedule-controls [role=alert]").is_empty() {
            break;
        }
    }
    assert!(!m.text(".schedule-controls [role=alert]").is_empty());
    assert_eq!(current.get_untracked().state, MoveState::Scheduled);
}

#[wasm_bindgen_test]
async fn an_agent_sees_when_the_move_starts_but_no_controls() {
    // R24, R1
    let current = RwSignal::new(a_move(MoveState::Scheduled, 0, 0));
    let m = mount(move || {
        provide_context(signed_in(Role::Agent));
        view! { <MoveProgress current=current channel_name="Support email"/> }.into_any()
    });
    settle().await;
    assert!(m
        .text("h1")
        .starts_with("Support email moves to help desk at"));
    assert!(m.find("#new-start").is_none());
    assert!(m.find("[data-action=cancel-move]").is_none());
}
