//! The move dialog's form: validation through the real rules crate, blockers, submit.

mod common;

use common::{choose, click, mount, settle};
use deskmove::components::move_dialog::dialog::MoveForm;
use deskmove_rules::fixtures::pipeline;
use deskmove_rules::fixtures::support_email;
use deskmove_rules::{
    Blocker, BlockerCode, BotActionKind, ConversationId, ConversationStatus, HistoryChoice,
    MoveRequest, Preview, Said, SampleConversation, StatusId, TicketFate, UnassignedReason,
    Warning, WarningCode,
};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlButtonElement;

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
    let sent = RwSignal::new(Vec::<MoveRequest>::new());
    let pending = RwSignal::new(false);
    let server_error = RwSignal::new(None::<String>);
    let m = mount(move || {
        view! {
            <MoveForm
                channel=support_email()
                preview=preview(blockers)
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
