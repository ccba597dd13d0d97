//! The banner and the progress page, fed live signals as the event stream would.

mod common;

use common::{a_move, mount, settle};
use deskmove::components::move_banner::MoveBanner;
use deskmove::components::move_progress::MoveProgress;
use deskmove_rules::{Move, MoveState};
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_banner_appears_while_a_move_runs_and_goes_when_it_ends() {
    // R17
    let running = RwSignal::new(None::<Move>);
    let name = RwSignal::new(Some("Support email".to_string()));
    let m = mount(move || view! { <MoveBanner running=running channel_name=name/> }.into_any());
    settle().await;
    assert!(m.find(".move-banner").is_none());
    running.set(Some(a_move(MoveState::Running, 300, 1200)));
    settle().await;
    let text = m.text(".move-banner");
    assert!(
        text.contains("Support email is moving to help desk."),
        "{text}"
    );
    assert!(
        text.contains("300 of 1,200 conversations moved (25%)"),
        "{text}"
    );
    assert!(
        text.contains("Conversations assigned to you may change"),
        "{text}"
    );
    assert!(text.contains("can't be stopped"), "{text}");
    assert_eq!(
        m.get(".move-banner").get_attribute("role").as_deref(),
        Some("status")
    );
    assert_eq!(
        m.get(".move-banner-slot")
            .get_attribute("aria-live")
            .as_deref(),
        Some("polite")
    );
    assert!(
        m.root.query_selector_all("button").unwrap().length() == 0,
        "no cancel (R17)"
    );
    assert_eq!(
        m.get(".move-banner-link").get_attribute("href").as_deref(),
        Some("/moves/7")
    );
    running.set(Some(a_move(MoveState::Running, 900, 1200)));
    settle().await;
    assert!(m
        .text(".move-banner")
        .contains("900 of 1,200 conversations moved (75%)"));
    running.set(Some(a_move(MoveState::Completed, 1200, 1200)));
    settle().await;
    assert!(m.find(".move-banner").is_none(), "gone when the move ends");
    running.set(None);
    settle().await;
    assert!(m.find(".move-banner").is_none());
}

#[wasm_bindgen_test]
async fn the_progress_bar_reports_its_values_to_assistive_technology() {
    // R15
    let current = RwSignal::new(a_move(MoveState::Running, 0, 1200));
    let m = mount(move || {
        view! { <MoveProgress current=current channel_name="Support email"/> }.into_any()
    });
    settle().await;
    let bar = m.get("[role=progressbar]");
    assert_eq!(bar.get_attribute("aria-valuemin").as_deref(), Some("0"));
    assert_eq!(bar.get_attribute("aria-valuemax").as_deref(), Some("1200"));
    assert_eq!(bar.get_attribute("aria-valuenow").as_deref(), Some("0"));
    assert_eq!(m.text("#progress-title"), "Your move is in progress");
    assert!(m
        .text(".move-progress")
        .contains("you can leave this page, and it goes on"));
    current.set(a_move(MoveState::Running, 600, 1200));
    settle().await;
    assert_eq!(bar.get_attribute("aria-valuenow").as_deref(), Some("600"));
    assert_eq!(
        bar.get_attribute("aria-valuetext").as_deref(),
        Some("600 of 1,200 conversations moved")
    );
    assert!(m.text(".progress-line").contains("(50%)"));
    assert!(m.text(".progress-line").contains("About 2 minutes left"));
    assert_eq!(m.text("[data-count=tickets_created]"), "300");
    assert_eq!(m.text("[data-count=unassigned]"), "60");
    assert!(m.find(".summary").is_none());
}

#[wasm_bindgen_test]
async fn a_finished_move_shows_its_summary_and_the_way_to_help_desk() {
    // R15, R16
    let current = RwSignal::new(a_move(MoveState::Running, 1100, 1200));
    let m = mount(move || {
        view! { <MoveProgress current=current channel_name="Support email"/> }.into_any()
    });
    current.set(a_move(MoveState::Completed, 1200, 1200));
    settle().await;
    assert_eq!(
        m.text("#progress-title"),
        "Support email is now in help desk"
    );
    // Daily use: it said "Moving Support email to help desk" after the end.
    let line = m.text(".move-progress > p.muted");
    assert_eq!(line, "Support email moved to help desk.");
    let summary = m.text(".summary");
    assert!(
        summary.contains(
            "Moved 1,200 conversations in 2 min 5 s: 600 tickets created, 120 of them unassigned."
        ),
        "{summary}"
    );
    assert!(summary.contains("3 new conversations arrived"), "{summary}");
    assert_eq!(
        m.get(".summary a").get_attribute("href").as_deref(),
        Some("/help-desk")
    );
    assert_eq!(
        m.get("[role=progressbar]")
            .get_attribute("aria-valuenow")
            .as_deref(),
        Some("1200")
    );
}

#[wasm_bindgen_test]
async fn the_live_state_follows_events_and_ignores_stale_ones() {
    // R15, R16, R17
    use deskmove::live::Live;
    let owner = Owner::new();
    owner.with(|| {
        let live = Live::new();
        live.heard(a_move(MoveState::Running, 500, 1200));
        assert_eq!(live.running.get_untracked().map(|m| m.moved), Some(500));
        // An older progress event arriving late changes nothing.
        live.heard(a_move(MoveState::Running, 400, 1200));
        assert_eq!(live.latest.get_untracked().map(|m| m.moved), Some(500));
        assert_eq!(live.channels_changed.get_untracked(), 0);
        live.heard(a_move(MoveState::Completed, 1200, 1200));
        assert_eq!(live.running.get_untracked(), None, "the banner goes");
        assert_eq!(
            live.latest.get_untracked().map(|m| m.state),
            Some(MoveState::Completed)
        );
        assert_eq!(
            live.channels_changed.get_untracked(),
            1,
            "channel lists read again"
        );
    });
}

#[wasm_bindgen_test]
async fn what_the_stream_s_holder_relays_is_what_every_tab_shows() {
    // One stream per browser: a relayed move event is taken in as the stream's own.
    use deskmove::live::{Live, Relay};
    let live = Live::new();
    let m = a_move(MoveState::Running, 10, 100);
    let relayed: Relay = serde_json::from_str(
        &serde_json::to_string(&Relay::Move {
            data: serde_json::to_string(&m).unwrap(),
        })
        .unwrap(),
    )
    .unwrap();
    relayed.apply(live);
    assert_eq!(live.running.get_untracked().map(|r| r.id), Some(m.id));
    Relay::Channel.apply(live);
    assert_eq!(live.channels_changed.get_untracked(), 1);
    Relay::Closed.apply(live);
    assert!(!live.connected.get_untracked());
}

#[wasm_bindgen_test]
async fn a_scheduled_move_says_when_it_starts_and_an_unstarted_one_how_it_ended() {
    // R24, R17
    let scheduled = a_move(MoveState::Scheduled, 0, 0);
    let when = deskmove::components::format::date_time(
        deskmove::i18n::Locale::en,
        scheduled.start_at.unwrap(),
    );
    let running = RwSignal::new(Some(scheduled.clone()));
    let name = RwSignal::new(Some("Support email".to_string()));
    let banner =
        mount(move || view! { <MoveBanner running=running channel_name=name/> }.into_any());
    settle().await;
    let text = banner.text(".move-banner");
    assert!(
        text.contains(&format!("Support email moves to help desk at {when}.")),
        "{text}"
    );
    assert!(
        text.contains("A super admin can reschedule or cancel it."),
        "{text}"
    );
    assert!(!text.contains("can't be stopped"), "{text}");
    assert_eq!(banner.text(".move-banner-link"), "See the move");

    let current = RwSignal::new(scheduled.clone());
    let page = mount(move || {
        view! { <MoveProgress current=current channel_name="Support email"/> }.into_any()
    });
    settle().await;
    assert_eq!(
        page.text("h1"),
        format!("Support email moves to help desk at {when}")
    );
    assert!(page.find("[role=progressbar]").is_none(), "no progress yet");
    assert!(page.find(".summary").is_none());

    current.set(Move {
        state: MoveState::Canceled,
        ..scheduled.clone()
    });
    settle().await;
    assert_eq!(page.text("h1"), "This move was canceled");
    assert!(page
        .text("p.muted")
        .contains("nothing of Support email was moved"));
    assert!(
        page.find(".summary").is_none(),
        "no summary of a move that never ran"
    );

    current.set(Move {
        state: MoveState::Failed,
        failure: vec![deskmove_rules::Said::FallbackAddress],
        ..scheduled
    });
    settle().await;
    let alert = page.text("[role=alert]");
    assert!(
        alert.starts_with("It could not start at its time"),
        "{alert}"
    );
    assert!(alert.contains("fallback email address"), "{alert}");

    // R24: its requester lost the right to move channels meanwhile.
    current.update(|m| m.failure = vec![deskmove_rules::Said::RequesterNotAllowed]);
    settle().await;
    let alert = page.text("[role=alert]");
    assert!(
        alert.contains("Whoever scheduled this move is no longer an active super admin"),
        "{alert}"
    );
}

#[wasm_bindgen_test]
fn a_live_whose_shell_was_drawn_again_hears_a_late_answer_without_panicking() {
    // R27: a new language draws the shell again and disposes its Live; a fetch or
    // an event that comes back afterwards used to panic on the disposed signals.
    use deskmove::live::Live;
    let owner = Owner::new();
    let live = owner.with(Live::new);
    owner.cleanup();
    live.heard(a_move(MoveState::Running, 1, 10));
    live.heard(a_move(MoveState::Completed, 10, 10));
}
