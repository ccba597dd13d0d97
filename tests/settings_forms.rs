//! R30, R31 in the browser: each settings form says what is wrong beside its
//! field, in the reader's language, as the rules crate words it, before
//! anything is sent.

mod common;

use common::{choose, click, mount_in, settle, submit, type_into};
use deskmove::i18n::Locale;
use deskmove::pages::settings_channel::{BotEditor, Loaded, SettingsForm};
use deskmove::pages::settings_help_desk::{SlaForm, Statuses};
use deskmove::pages::settings_inboxes::{ConnectForm, InboxNameForm};
use deskmove::session::Session;
use deskmove_rules::fixtures::{pipeline, support_email, users};
use deskmove_rules::{Chatflow, ChatflowId, ChatflowKind, Inbox, InboxId, Workspace};
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Sets an input's value and says so as a `change` event (a time picker's way).
fn change_to(e: &web_sys::Element, value: &str) {
    use wasm_bindgen::JsCast;
    e.unchecked_ref::<web_sys::HtmlInputElement>()
        .set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    e.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
}

/// A channel's settings form over the fixtures' people and pipeline, in `locale`.
fn settings_form(locale: Locale, channel: deskmove_rules::Channel) -> common::Mounted {
    let all = Loaded {
        channel,
        users: users(),
        pipeline: Some(pipeline()),
        chatflow: None,
        email_channels: vec![support_email()],
    };
    mount_in(locale, move || {
        provide_context(Session::new());
        view! { <SettingsForm all=all said=RwSignal::new(None) on_changed=Callback::new(|_| ())/> }
            .into_any()
    })
}

fn support() -> Inbox {
    Inbox {
        id: InboxId::of(1),
        name: "Support".into(),
        channels: vec![support_email()],
    }
}

#[wasm_bindgen_test]
async fn the_connect_dialog_says_what_each_kind_of_channel_needs_in_norwegian() {
    // R30, R27
    let m = mount_in(Locale::nb, || {
        provide_context(Session::new());
        view! {
            <ConnectForm inboxes=vec![support()] help_desk=vec![] preset=Some(InboxId::of(1))
                on_close=Callback::new(|_| ()) on_done=Callback::new(|_| ())/>
        }
        .into_any()
    });
    submit(&m.get("form"));
    settle().await;
    assert_eq!(m.text("#connect-name-error"), "Dette kan ikke være tomt.");
    assert_eq!(
        m.text("#connect-address-error"),
        "Dette kan ikke være tomt."
    );

    type_into(&m.get("#connect-name"), "Salg");
    type_into(&m.get("#connect-address"), "SUPPORT@demo.test");
    submit(&m.get("form"));
    settle().await;
    assert_eq!(m.text("#connect-name-error"), "");
    assert_eq!(
        m.text("#connect-address-error"),
        "Kanalen «Support email» har allerede denne adressen."
    );

    choose(&m.get("#connect-kind"), "calling");
    type_into(&m.get("#connect-address"), "22 12 34 56");
    submit(&m.get("form"));
    settle().await;
    assert_eq!(
        m.text("#connect-address-error"),
        "Oppgi nummeret i internasjonal form: + og landskoden, som +47 22 12 34 56."
    );

    choose(&m.get("#connect-kind"), "fallback_email");
    choose(&m.get("#connect-target"), "");
    type_into(&m.get("#connect-address"), "fallback@demo.test");
    submit(&m.get("form"));
    settle().await;
    assert_eq!(
        m.text("#connect-target-error"),
        "En reserveadresse hører til en innboks: velg innboksen den fanger e-post for."
    );
}

#[wasm_bindgen_test]
async fn an_inbox_name_is_given_and_not_taken_in_german() {
    // R30, R27
    let m = mount_in(Locale::de, || {
        provide_context(Session::new());
        view! {
            <InboxNameForm inbox=None inboxes=vec![support()]
                on_close=Callback::new(|_| ()) on_done=Callback::new(|_| ())/>
        }
        .into_any()
    });
    type_into(&m.get("#inbox-name"), " support ");
    submit(&m.get("form"));
    settle().await;
    assert_eq!(
        m.text("#inbox-name-error"),
        "Es gibt bereits ein Postfach namens „support“."
    );
}

#[wasm_bindgen_test]
async fn a_status_label_is_not_taken_twice() {
    // R31
    let m = mount_in(Locale::en, || {
        provide_context(Session::new());
        view! {
            <Statuses pipeline=pipeline() said=RwSignal::new(None) on_changed=Callback::new(|_| ())/>
        }
        .into_any()
    });
    type_into(&m.get("#new-status-label"), "waiting on US");
    submit(&m.get("form.add-status"));
    settle().await;
    assert_eq!(
        m.text("#new-status-label-error"),
        "There is a status called “waiting on US” already."
    );
}

#[wasm_bindgen_test]
async fn the_sla_form_says_what_is_wrong_with_targets_and_spans() {
    // R31
    let m = mount_in(Locale::en, || {
        provide_context(Session::new());
        view! { <SlaForm policy=None said=RwSignal::new(None) on_changed=Callback::new(|_| ())/> }
            .into_any()
    });
    assert!(m.find(".warning-note").is_some(), "no policy yet is said");
    type_into(&m.get("#sla-first-reply"), "0");
    click(&m.get("#sla-business"));
    settle().await;
    change_to(&m.get("ul.spans li input[type=time]"), "17:00");
    submit(&m.get("form.sla-form"));
    settle().await;
    assert_eq!(
        m.text("#sla-first-reply-error"),
        "A target is more than zero and at most 366 days."
    );
    assert_eq!(
        m.text("#sla-spans-error"),
        "Monday 17:00–16:00 ends before it starts. A span can't cross midnight: make two, one to 24:00 and one from 00:00."
    );
    assert!(
        m.find("#sla-zone option[value='UTC']").is_some(),
        "zones come from the browser"
    );
}

#[wasm_bindgen_test]
async fn a_help_desk_channel_is_not_routed_to_someone_without_access() {
    // R30, R8
    let mut channel = support_email();
    channel.workspace = Workspace::HelpDesk;
    let m = settings_form(Locale::en, channel);
    choose(&m.get("#channel-routing"), "user");
    settle().await;
    submit(&m.get("form.channel-settings"));
    settle().await;
    assert_eq!(
        m.text("#channel-routing-user-error"),
        "This can't be empty."
    );
    assert!(
        m.find("#channel-routing-user option[value='3']").is_none(),
        "Noor, without help desk access, is not offered"
    );
}

#[wasm_bindgen_test]
async fn a_forms_thank_you_page_is_an_https_address_in_german() {
    // R32, R27
    let mut channel = support_email();
    channel.kind = deskmove_rules::ChannelKind::Form;
    let m = settings_form(Locale::de, channel);
    type_into(&m.get("#channel-thank-you"), "http://fjord.example/danke");
    submit(&m.get("form.channel-settings"));
    settle().await;
    assert_eq!(
        m.text("#channel-thank-you-error"),
        "Geben Sie die vollständige Adresse einer Webseite an, beginnend mit https://."
    );
}

#[wasm_bindgen_test]
async fn a_form_chooses_the_email_channel_its_answers_go_out_from() {
    // R33, R30
    let email = support_email();
    let mut form = support_email();
    form.id = deskmove_rules::ChannelId::of(99);
    form.kind = deskmove_rules::ChannelKind::Form;
    let m = settings_form(Locale::en, form);
    settle().await;
    let offered = m.text("#channel-reply-from");
    assert!(offered.contains(&email.address), "{offered}");
    choose(&m.get("#channel-reply-from"), &email.id.to_string());
    submit(&m.get("form.channel-settings"));
    settle().await;
    assert_eq!(
        m.text("#channel-reply-from-error"),
        "",
        "an email channel is fine"
    );
}

#[wasm_bindgen_test]
async fn only_a_form_has_a_thank_you_page() {
    // R32
    let m = settings_form(Locale::en, support_email());
    settle().await;
    assert!(m.find("#channel-thank-you").is_none());
}

#[wasm_bindgen_test]
async fn a_bot_action_needs_its_words() {
    // R30
    let flow = Chatflow {
        id: ChatflowId::of(1),
        name: "Website chat".into(),
        kind: ChatflowKind::Chat,
        channel_id: support_email().id,
        bot: None,
        workspace: Workspace::Inbox,
    };
    let m = mount_in(Locale::en, move || {
        provide_context(Session::new());
        view! { <BotEditor flow=flow users=users() said=RwSignal::new(None) on_changed=Callback::new(|_| ())/> }
            .into_any()
    });
    click(&m.get("#bot-add"));
    settle().await;
    submit(&m.get("form.bot-editor"));
    settle().await;
    assert_eq!(
        m.text("#bot-errors"),
        "Bot action 1 “Send message” needs its words."
    );
}
