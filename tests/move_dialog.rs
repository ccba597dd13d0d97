//! The move dialog's form: validation through the real rules crate, blockers, submit.

mod common;

use chrono::Duration;
use common::{choose, click, mount, settle, type_into};
use deskmove::components::format::{hour_of_day, local_input, now};
use deskmove::components::move_dialog::dialog::MoveForm;
use deskmove::components::move_dialog::when::next_utc_hour;
use deskmove::i18n::Locale;
use deskmove_rules::fixtures::pipeline;
use deskmove_rules::fixtures::support_email;
use deskmove_rules::Activity;
use deskmove_rules::{
    Blocker, BlockerCode, BotActionKind, ConversationId, ConversationStatus, HistoryChoice,
    MoveRequest, Preview, Said, SampleConversation, StatusId, TicketFate, UnassignedReason,
    Warning, WarningCode,
};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlButtonElement, HtmlFormElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn preview(blockers: Vec<Blocker>) -> Preview {
    Preview {
        conversations: 1200,
        with_ticket: 200,
        without_ticket: 1000,
        open: 800,
        closed: 400,
        owners_without_access: 90,
        blockers,
        warnings: vec![
            Warning::new(
                WarningCode::AgentsWithoutAccess,
                Said::PeopleWithoutAccess {
                    count: 1,
                    names: vec!["Noor Sales".into()],
                },
            ),
            Warning::new(WarningCode::Notifications, Said::Notifications),
        ],
        sample: vec![
            sampled(1, ConversationStatus::Open, TicketFate::Created, 1, None),
            sampled(
                2,
                ConversationStatus::Closed,
                TicketFate::Created,
                4,
                Some(UnassignedReason::OwnerWithoutAccess),
            ),
            sampled(3, ConversationStatus::Open, TicketFate::Kept, 2, None),
        ],
        activity: Default::default(),
    }
}

/// A conversation of the sample, as the server planned it for New and Closed.
fn sampled(
    id: i64,
    status: ConversationStatus,
    ticket: TicketFate,
    status_id: i64,
    unassigned: Option<UnassignedReason>,
) -> SampleConversation {
    let at =
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, id as u32, 12, 0, 0).unwrap();
    SampleConversation {
        conversation_id: ConversationId::of(id),
        contact: format!("Contact {id}"),
        subject: format!("Subject {id}"),
        status,
        started_at: at,
        ticket,
        status_id: StatusId::of(status_id),
        owner_id: None,
        unassigned_reason: unassigned.or(Some(UnassignedReason::NoOwner)),
        created_at: at,
        sla: None,
    }
}

struct Form {
    m: common::Mounted,
    sent: RwSignal<Vec<MoveRequest>>,
    pending: RwSignal<bool>,
    server_error: RwSignal<Option<String>>,
}

fn form(blockers: Vec<Blocker>) -> Form {
    form_of(preview(blockers))
}

fn form_of(preview: Preview) -> Form {
    let sent = RwSignal::new(Vec::<MoveRequest>::new());
    let pending = RwSignal::new(false);
    let server_error = RwSignal::new(None::<String>);
    let m = mount(move || {
        view! {
            <MoveForm
                channel=support_email()
                preview=preview.clone()
                pipeline=Some(pipeline())
                pending=pending
                server_error=server_error
                on_submit=Callback::new(move |r| sent.update(|s| s.push(r)))
                on_cancel=Callback::new(|_| {})
            />
        }
        .into_any()
    });
    Form {
        m,
        sent,
        pending,
        server_error,
    }
}

fn move_button(f: &Form) -> HtmlButtonElement {
    f.m.get("[data-action=move-channel]").unchecked_into()
}

#[wasm_bindgen_test]
async fn the_form_suggests_the_natural_statuses_and_may_move_at_once() {
    // R9
    let f = form(vec![]);
    settle().await;
    let open: web_sys::HtmlSelectElement = f.m.get("#open-status").unchecked_into();
    let closed: web_sys::HtmlSelectElement = f.m.get("#closed-status").unchecked_into();
    assert_eq!(
        (open.value(), closed.value()),
        ("1".to_string(), "4".to_string())
    );
    assert_eq!(
        open.options().length(),
        5,
        "a placeholder and the pipeline's four statuses"
    );
    assert!(f
        .m
        .text(".history-choice")
        .contains("All conversations with support@demo.test"));
    assert!(f.m.text(".preview").contains("1,200 conversations"));
    assert!(f
        .m
        .text(".preview")
        .contains("90 conversations owned by people without help desk access"));
    assert!(!move_button(&f).disabled());
}

#[wasm_bindgen_test]
async fn a_missing_status_disables_move_channel_and_says_why_beside_the_field() {
    // R9
    let f = form(vec![]);
    settle().await;
    choose(&f.m.get("#open-status"), "");
    settle().await;
    assert!(move_button(&f).disabled());
    assert_eq!(
        f.m.text("#open-status-error"),
        "Pick a new ticket status for open conversations."
    );
    assert_eq!(
        f.m.get("#open-status")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(f.m.text("#closed-status-error"), "");
    // Submitting anyway sends nothing.
    click(&f.m.get("[data-action=move-channel]"));
    settle().await;
    assert!(f.sent.get_untracked().is_empty());
    choose(&f.m.get("#open-status"), "3");
    settle().await;
    assert!(!move_button(&f).disabled());
    assert_eq!(f.m.text("#open-status-error"), "");
}

#[wasm_bindgen_test]
async fn dont_move_any_conversations_needs_no_status() {
    // R9
    let f = form(vec![]);
    settle().await;
    choose(&f.m.get("#open-status"), "");
    settle().await;
    assert!(move_button(&f).disabled());
    click(&f.m.get("input[value=none]"));
    settle().await;
    assert!(!move_button(&f).disabled());
    assert!(f
        .m
        .get("#open-status")
        .unchecked_into::<web_sys::HtmlSelectElement>()
        .disabled());
    click(&f.m.get("[data-action=move-channel]"));
    settle().await;
    assert_eq!(f.sent.get_untracked()[0].history, HistoryChoice::None);
}

#[wasm_bindgen_test]
async fn submitting_sends_what_the_rules_validated_with_notifications_choice() {
    // R9, R22
    let f = form(vec![]);
    settle().await;
    choose(&f.m.get("#open-status"), "3");
    let warning = f.m.get("p.warning[data-code=Notifications]");
    assert!(!warning.class_list().contains("hidden"));
    click(&f.m.get("#mute-notifications"));
    settle().await;
    assert!(
        warning.class_list().contains("hidden"),
        "ticking answers the warning"
    );
    click(&f.m.get("[data-action=move-channel]"));
    settle().await;
    assert_eq!(
        f.sent.get_untracked(),
        vec![MoveRequest {
            channel_id: "1".into(),
            history: HistoryChoice::All {
                open_status_id: Some("3".into()),
                closed_status_id: Some("4".into())
            },
            mute_notifications: true,
            start_at: None,
        }]
    );
}

#[wasm_bindgen_test]
async fn a_blocker_shows_in_red_and_keeps_move_channel_disabled() {
    // R2, R21
    let f = form(vec![Blocker::new(
        BlockerCode::BotCreateTicketAction,
        Said::BotCreatesTickets {
            number: 2,
            action: BotActionKind::CreateTicket,
        },
    )]);
    settle().await;
    assert!(f
        .m
        .text(".blockers")
        .contains("Bot action 2 “Create ticket”"));
    assert_eq!(
        f.m.get(".blockers").get_attribute("role").as_deref(),
        Some("alert")
    );
    assert!(f.m.find(".history-choice").is_none());
    assert!(move_button(&f).disabled());
}

#[wasm_bindgen_test]
async fn a_pending_move_disables_the_button_and_a_refusal_shows_beside_it() {
    // R4
    let f = form(vec![]);
    settle().await;
    f.pending.set(true);
    settle().await;
    assert!(move_button(&f).disabled());
    assert_eq!(move_button(&f).text_content().unwrap(), "Moving…");
    f.pending.set(false);
    f.server_error
        .set(Some("Sales email is moving to help desk right now.".into()));
    settle().await;
    let error = f.m.get(".submit-error");
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(
        error.text_content().unwrap(),
        "Sales email is moving to help desk right now."
    );
    assert!(
        !move_button(&f).disabled(),
        "the dialog stays open to try again"
    );
    assert!(f.m.text(".final-note").contains("can't be undone"), "R3");
}

#[wasm_bindgen_test]
async fn the_sample_shows_what_happens_and_follows_the_status_selects() {
    // R25: a created ticket takes the status chosen for its conversation's state;
    // a kept one keeps its own whatever is chosen.
    let f = form(vec![]);
    settle().await;
    let status = |id: i64| {
        f.m.text(&format!(
            ".sample-table tr[data-conversation='{id}'] .sample-status"
        ))
    };
    assert_eq!(
        f.m.text("#sample-title"),
        "What happens to your conversations"
    );
    assert_eq!(
        (status(1), status(2), status(3)),
        ("New".into(), "Closed".into(), "Waiting on contact".into())
    );
    assert_eq!(
        f.m.text(".sample-table tr[data-conversation='2'] .sample-owner"),
        "Unassigned: the owner has no help desk access"
    );
    choose(&f.m.get("#open-status"), "3");
    settle().await;
    assert_eq!(
        (status(1), status(3)),
        ("Waiting on us".into(), "Waiting on contact".into())
    );
    choose(&f.m.get("#closed-status"), "");
    settle().await;
    assert_eq!(status(2), "—", "no status chosen yet");
    // "Don't move any conversations": nothing to show.
    let none: web_sys::HtmlInputElement = f.m.get("input[value=none]").unchecked_into();
    none.click();
    settle().await;
    assert!(f.m.find(".sample-table").is_none());
}

/// Focuses a control and presses it, as Space does on a focused radio or button.
fn press(e: &web_sys::Element) {
    e.unchecked_ref::<web_sys::HtmlElement>().focus().unwrap();
    click(e);
}

#[wasm_bindgen_test]
async fn start_at_is_checked_as_the_admin_types_and_the_quietest_hour_is_one_press_away() {
    // R24
    let mut p = preview(vec![]);
    p.activity = Activity {
        last_hour: 30,
        by_hour: (0..24)
            .map(|h| if h == 3 { 0.25 } else { 4.0 + f64::from(h) })
            .collect(),
        quietest_hour: 3,
    };
    let f = form_of(p);
    settle().await;
    assert_eq!(f.m.text(".when-choice legend"), "When");
    let now_radio: HtmlInputElement = f.m.get("#when-now").unchecked_into();
    assert!(now_radio.checked(), "Start now is the default");
    assert!(f.m.get(".start-at").has_attribute("hidden"));
    assert_eq!(move_button(&f).text_content().unwrap(), "Move channel");
    // The bar chart: 24 hours in the viewer's clock, the quietest marked and named.
    let bars = f.m.root.query_selector_all(".activity-bars li").unwrap();
    assert_eq!(bars.length(), 24);
    let quiet = f.m.get(".activity-bars li.quietest");
    assert_eq!(quiet.get_attribute("data-hour").as_deref(), Some("3"));
    let three = hour_of_day(Locale::en, 3);
    assert_eq!(
        quiet
            .query_selector(".visually-hidden")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        format!("{three}: 0.3 a day, the quietest hour")
    );
    // Each bar's height is set through the CSSOM, which a CSP without
    // 'unsafe-inline' allows: the tallest hour fills its column.
    let tallest = f.m.get(".activity-bars li[data-hour='23'] .bar");
    assert_eq!(
        tallest.get_attribute("style").as_deref(),
        Some("height: 100%;")
    );
    assert_eq!(
        f.m.text(".quiet-line .muted"),
        format!("Quietest around {three}.")
    );

    // Start at, empty: says what is missing, and nothing can be sent.
    press(&f.m.get("#when-at"));
    settle().await;
    assert!(!f.m.get(".start-at").has_attribute("hidden"));
    assert_eq!(
        f.m.text("#start-at-error"),
        "Choose the date and time to start at."
    );
    assert!(move_button(&f).disabled());
    assert_eq!(move_button(&f).text_content().unwrap(), "Schedule move");
    let field = f.m.get("#start-at");
    type_into(&field, &local_input(now() - Duration::minutes(5)));
    settle().await;
    assert_eq!(
        f.m.text("#start-at-error"),
        "That time has passed: choose a time in the future, or start now."
    );
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    type_into(&field, &local_input(now() + Duration::days(31)));
    settle().await;
    assert_eq!(
        f.m.text("#start-at-error"),
        "A move can be scheduled at most 30 days ahead."
    );
    assert!(move_button(&f).disabled());

    // The quietest hour, one press: the field holds its next occurrence.
    press(&f.m.get("[data-action=use-quietest]"));
    settle().await;
    let next = next_utc_hour(now(), 3);
    let field_input: HtmlInputElement = field.clone().unchecked_into();
    assert_eq!(field_input.value(), local_input(next));
    assert_eq!(f.m.text("#start-at-error"), "");
    assert_eq!(
        field.get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
    assert!(!move_button(&f).disabled());
    let form: HtmlFormElement = f.m.get("form.move-form").unchecked_into();
    form.request_submit().unwrap();
    settle().await;
    let sent = f.sent.get_untracked();
    assert_eq!(sent.len(), 1);
    let at = sent[0].start_at.as_deref().expect("a start is sent");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(at).unwrap(),
        next,
        "the time the field shows, as RFC 3339"
    );

    // Back to Start now: the move starts at once, with no time.
    press(&f.m.get("#when-now"));
    settle().await;
    assert_eq!(move_button(&f).text_content().unwrap(), "Move channel");
    click(&f.m.get("[data-action=move-channel]"));
    settle().await;
    assert_eq!(f.sent.get_untracked()[1].start_at, None);
}

#[wasm_bindgen_test]
async fn with_no_arrivals_to_show_there_is_no_chart_but_start_at_still_works() {
    // R24
    let f = form(vec![]);
    settle().await;
    assert!(f.m.find(".activity-bars").is_none());
    press(&f.m.get("#when-at"));
    settle().await;
    type_into(
        &f.m.get("#start-at"),
        &local_input(now() + Duration::hours(2)),
    );
    settle().await;
    assert!(!move_button(&f).disabled());
}
