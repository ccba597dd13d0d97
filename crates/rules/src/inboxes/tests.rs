use super::*;
use crate::demo::{ADA, LEE, NEW, NOOR, SAM};
use crate::domain::{BotAction, StatusId, UserState};
use crate::fixtures::{channel, pipeline, users};

fn inbox(id: i64, name: &str) -> Inbox {
    Inbox {
        id: InboxId::of(id),
        name: name.into(),
        channels: Vec::new(),
    }
}

fn fields(r: Result<(), Vec<FieldError>>) -> Vec<(&'static str, String)> {
    r.err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.field, e.message))
        .collect()
}

fn new(inbox: Option<i64>, kind: ChannelKind, name: &str, address: Option<&str>) -> NewChannel {
    NewChannel {
        inbox_id: inbox.map(InboxId::of),
        kind,
        name: name.into(),
        address: address.map(str::to_string),
    }
}

#[test]
fn inbox_names_are_one_to_eighty_characters_and_not_taken() {
    // R30
    let inboxes = [inbox(1, "Support")];
    let named = |n: &str| InboxName { name: n.into() };
    assert!(validate_inbox_name(&named("Sales"), &inboxes, None).is_ok());
    assert_eq!(
        fields(validate_inbox_name(&named("  "), &inboxes, None)),
        [("name", "The inbox name can't be empty.".to_string())]
    );
    assert_eq!(
        fields(validate_inbox_name(&named(&"x".repeat(81)), &inboxes, None))[0].0,
        "name"
    );
    assert_eq!(
        fields(validate_inbox_name(&named(" support "), &inboxes, None)),
        [(
            "name",
            "There is an inbox called “support” already.".to_string()
        )]
    );
    assert!(
        validate_inbox_name(&named("SUPPORT"), &inboxes, Some(InboxId::of(1))).is_ok(),
        "renaming an inbox to itself in other letters"
    );
}

#[test]
fn a_new_channel_needs_the_address_its_kind_is_reached_at() {
    // R30
    let inboxes = [inbox(1, "Support")];
    let account = Account {
        inboxes: &inboxes,
        channels: &[],
        users: &users(),
        pipeline: Some(&pipeline()),
    };
    let check = |r: NewChannel| fields(validate_new_channel(&r, &account));
    assert!(check(new(
        Some(1),
        ChannelKind::Email,
        "Billing",
        Some("billing@fjord.test")
    ))
    .is_empty());
    assert_eq!(
        check(new(Some(1), ChannelKind::Email, "Billing", None)),
        [("address", "The email address can't be empty.".to_string())]
    );
    assert_eq!(
        check(new(Some(1), ChannelKind::Email, "Billing", Some("billing"))),
        [("address", Said::NotAnEmail.english())]
    );
    assert_eq!(
        check(new(
            Some(1),
            ChannelKind::Calling,
            "Line",
            Some("22 12 34 56")
        )),
        [("address", Said::NotAPhoneNumber.english())]
    );
    assert!(check(new(
        Some(1),
        ChannelKind::Calling,
        "Line",
        Some("+47 22 12 34 56")
    ))
    .is_empty());
    assert!(
        check(new(None, ChannelKind::Form, "Contact us", None)).is_empty(),
        "a form is known by its name"
    );
    assert!(check(new(None, ChannelKind::Chat, "Website chat", None)).is_empty());
    assert_eq!(
        check(new(Some(9), ChannelKind::Chat, "Chat", None))[0].0,
        "inbox_id",
        "an inbox of another account, or none"
    );
    assert_eq!(
        check(new(Some(1), ChannelKind::Form, "", None)),
        [("name", "The channel name can't be empty.".to_string())]
    );
}

#[test]
fn phone_numbers_are_international() {
    // R30: E.164, with the spaces people write them with.
    for good in [
        "+47 22 12 34 56",
        "+1 (555) 010-0100",
        "+4722123456",
        "+1 555 0100",
    ] {
        assert!(looks_like_phone(good), "{good}");
    }
    for bad in [
        "22123456",
        "+",
        "+0 22 12 34 56",
        "+47 22 12 34 56 78 90 12 34",
        "+47 abc",
        "+47 22#12",
    ] {
        assert!(!looks_like_phone(bad), "{bad}");
    }
    assert_eq!(
        address_key(ChannelKind::Calling, "+47 22 12 34 56"),
        address_key(ChannelKind::Calling, "+4722-123456")
    );
}

#[test]
fn addresses_are_unique_in_the_account_and_fallbacks_one_per_inbox() {
    // R30
    let inboxes = [inbox(1, "Support"), inbox(2, "Sales")];
    let channels = [
        channel(
            1,
            Some(1),
            ChannelKind::Email,
            "Support email",
            "support@fjord.test",
        ),
        channel(
            2,
            Some(1),
            ChannelKind::FallbackEmail,
            "Fallback",
            "fallback@fjord.test",
        ),
        channel(3, None, ChannelKind::Calling, "Hotline", "+47 22 12 34 56"),
    ];
    let account = Account {
        inboxes: &inboxes,
        channels: &channels,
        users: &users(),
        pipeline: Some(&pipeline()),
    };
    let check = |r: NewChannel| fields(validate_new_channel(&r, &account));
    assert_eq!(
        check(new(
            Some(2),
            ChannelKind::Email,
            "Sales",
            Some("Support@Fjord.test")
        )),
        [(
            "address",
            "The channel “Support email” has this address already.".to_string()
        )]
    );
    assert_eq!(
        check(new(
            Some(2),
            ChannelKind::Calling,
            "Sales line",
            Some("+4722123456")
        ))[0]
            .1,
        "The channel “Hotline” has this address already."
    );
    assert_eq!(
        check(new(
            Some(1),
            ChannelKind::FallbackEmail,
            "Second",
            Some("other@fjord.test")
        )),
        [(
            "kind",
            "Support has its fallback address already: an inbox has one.".to_string()
        )]
    );
    assert!(check(new(
        Some(2),
        ChannelKind::FallbackEmail,
        "Sales fallback",
        Some("sales-fallback@fjord.test")
    ))
    .is_empty());
    assert_eq!(
        check(new(
            None,
            ChannelKind::FallbackEmail,
            "Loose",
            Some("loose@fjord.test")
        ))[0]
            .0,
        "inbox_id"
    );
}

#[test]
fn a_channel_known_by_its_name_gets_a_unique_identifier() {
    // R30
    assert_eq!(identifier("Contact us form", |_| false), "contact-us-form");
    assert_eq!(identifier("  Ask — us!  ", |_| false), "ask-us");
    assert_eq!(identifier("!!!", |_| false), "channel");
    assert_eq!(
        identifier("Chat", |s| s == "chat" || s == "chat-2"),
        "chat-3"
    );
    let channels = [channel(1, Some(1), ChannelKind::Chat, "Chat", "chat")];
    assert_eq!(
        address_of(&new(Some(1), ChannelKind::Chat, "Chat", None), &channels),
        "chat-2"
    );
    assert_eq!(
        address_of(
            &new(Some(1), ChannelKind::Email, "Mail", Some(" a@b.test ")),
            &channels
        ),
        "a@b.test"
    );
}

#[test]
fn channel_settings_name_users_who_take_work_and_statuses_of_the_pipeline() {
    // R6, R30
    let mut people = users();
    people[1].state = UserState::Deactivated; // Sam
    let channels = [channel(
        1,
        Some(1),
        ChannelKind::Email,
        "Support",
        "s@fjord.test",
    )];
    let account = Account {
        inboxes: &[],
        channels: &channels,
        users: &people,
        pipeline: Some(&pipeline()),
    };
    let patch = |settings: ChannelSettings| ChannelPatch {
        name: None,
        settings: Some(settings),
    };
    let check = |p: ChannelPatch, c: &Channel| fields(validate_channel_patch(&p, c, &account));
    let inbox_channel = channels[0].clone();
    let mut help_desk_channel = channels[0].clone();
    help_desk_channel.workspace = Workspace::HelpDesk;

    let to = |user_id| ChannelSettings {
        routing: Routing::User { user_id },
        ..ChannelSettings::default()
    };
    assert!(check(patch(to(NOOR)), &inbox_channel).is_empty());
    assert_eq!(
        check(patch(to(NOOR)), &help_desk_channel),
        [(
            "settings.routing.user_id",
            "Noor Sales has no help desk access, so can't own this channel's tickets: give them access or choose someone else.".to_string()
        )]
    );
    assert_eq!(
        check(patch(to(SAM)), &inbox_channel)[0].1,
        "Sam Support is deactivated: choose someone who takes conversations."
    );
    assert_eq!(
        check(patch(to(UserId::of(99))), &inbox_channel)[0].0,
        "settings.routing.user_id"
    );
    let status = |id| ChannelSettings {
        ticket_status_id: Some(id),
        ..ChannelSettings::default()
    };
    assert!(check(patch(status(NEW)), &inbox_channel).is_empty());
    assert_eq!(
        check(patch(status(StatusId::of(99))), &inbox_channel)[0].0,
        "settings.ticket_status_id"
    );
    let signed = |s: String| ChannelSettings {
        signature: Some(s),
        ..ChannelSettings::default()
    };
    assert!(check(patch(signed("— Fjord Bikes".into())), &inbox_channel).is_empty());
    assert_eq!(
        check(
            patch(signed("x".repeat(MAX_SIGNATURE_CHARS + 1))),
            &inbox_channel
        )[0]
        .0,
        "settings.signature"
    );
    assert_eq!(
        check(ChannelPatch::default(), &inbox_channel)[0].0,
        "name",
        "a patch that changes nothing says so"
    );
    assert_eq!(
        tidied_settings(&signed("  \n ".into())).signature,
        None,
        "a blank signature is none"
    );
}

#[test]
fn routing_gives_new_conversations_to_one_user_or_in_turn() {
    // R30
    let mut people = users(); // Ada, Sam (access), Noor (none), Lee (access)
    let one = |user_id| ChannelSettings {
        routing: Routing::User { user_id },
        ..ChannelSettings::default()
    };
    assert_eq!(routed_to(&one(NOOR), &people, None, false), Some(NOOR));
    assert_eq!(
        routed_to(&one(NOOR), &people, None, true),
        Some(NOOR),
        "the ticket's plan weighs help desk access and the report says why"
    );
    let off = ChannelSettings {
        automation: false,
        ..one(NOOR)
    };
    assert_eq!(
        routed_to(&off, &people, None, false),
        None,
        "automation off"
    );
    assert_eq!(
        routed_to(&ChannelSettings::default(), &people, None, false),
        None
    );

    let turns = ChannelSettings {
        routing: Routing::RoundRobin,
        ..ChannelSettings::default()
    };
    let mut last = None;
    let mut inbox_turns = Vec::new();
    for _ in 0..5 {
        last = routed_to(&turns, &people, last, false);
        inbox_turns.push(last.unwrap());
    }
    assert_eq!(inbox_turns, [ADA, SAM, NOOR, LEE, ADA]);
    let mut last = None;
    let mut help_desk_turns = Vec::new();
    for _ in 0..4 {
        last = routed_to(&turns, &people, last, true);
        help_desk_turns.push(last.unwrap());
    }
    assert_eq!(
        help_desk_turns,
        [ADA, SAM, LEE, ADA],
        "only users with access"
    );
    people[1].state = UserState::Deactivated;
    people[3].state = UserState::Invited;
    assert_eq!(
        routed_to(&turns, &people, Some(ADA), true),
        Some(ADA),
        "deactivated and invited users take no turn"
    );
    people[0].help_desk_access = false;
    assert_eq!(routed_to(&turns, &people, None, true), None, "nobody can");
    assert_eq!(
        routed_to(&one(SAM), &people, None, false),
        None,
        "a deactivated user is routed nothing"
    );
}

#[test]
fn bot_actions_say_something_and_send_to_someone() {
    // R30
    let act = |kind, text: Option<&str>, targets: Vec<UserId>| BotAction {
        kind,
        text: text.map(str::to_string),
        target_user_ids: targets,
    };
    let bot = |actions| Bot { actions };
    let people = users();
    assert!(validate_bot(
        &bot(vec![
            act(BotActionKind::SendMessage, Some("Hi!"), vec![]),
            act(
                BotActionKind::AskQuestion,
                Some("Your order number?"),
                vec![]
            ),
            act(BotActionKind::SendToTeamMember, None, vec![SAM]),
            act(BotActionKind::CreateTicket, None, vec![]),
        ]),
        &people
    )
    .is_ok());
    assert_eq!(
        fields(validate_bot(
            &bot(vec![
                act(BotActionKind::SendMessage, Some(" "), vec![]),
                act(BotActionKind::SendToTeamMember, None, vec![]),
                act(BotActionKind::SendToTeamMember, None, vec![UserId::of(99)]),
            ]),
            &people
        )),
        [
            (
                "actions.text",
                "Bot action 1 “Send message” needs its words.".to_string()
            ),
            (
                "actions.target_user_ids",
                "Bot action 2 “Send to team member” needs at least one person.".to_string()
            ),
            (
                "actions.target_user_ids",
                "Bot action 3: there is no user 99 in your company.".to_string()
            ),
        ]
    );
    let tidy = tidied_bot(&bot(vec![
        act(
            BotActionKind::SendToTeamMember,
            Some("x"),
            vec![SAM, SAM, LEE],
        ),
        act(BotActionKind::CreateTicket, Some("x"), vec![SAM]),
        act(BotActionKind::AskQuestion, Some(" Why? "), vec![SAM]),
    ]));
    assert_eq!(
        tidy.actions,
        [
            act(BotActionKind::SendToTeamMember, None, vec![SAM, LEE]),
            act(BotActionKind::CreateTicket, None, vec![]),
            act(BotActionKind::AskQuestion, Some("Why?"), vec![]),
        ]
    );
}

#[test]
fn settings_and_bots_have_the_json_shape_of_the_api() {
    // R30: API.md's shapes.
    let settings: ChannelSettings = serde_json::from_str(
        r#"{"signature":"— Fjord","routing":{"mode":"user","user_id":"2"},"automation":false,"ticket_status_id":"1"}"#,
    )
    .unwrap();
    assert_eq!(settings.routing, Routing::User { user_id: SAM });
    assert!(!settings.automation);
    assert_eq!(settings.ticket_status_id, Some(NEW));
    let turns: ChannelSettings =
        serde_json::from_str(r#"{"routing":{"mode":"round_robin"}}"#).unwrap();
    assert_eq!(turns.routing, Routing::RoundRobin);
    assert!(turns.automation, "automation is on unless turned off");
    assert!(serde_json::from_str::<ChannelSettings>(r#"{"routing":{"mode":"everyone"}}"#).is_err());
    let bot: BotRequest = serde_json::from_str(
        r#"{"actions":[{"kind":"send_message","text":"Hi"},{"kind":"send_to_team_member","target_user_ids":["2"]}]}"#,
    )
    .unwrap();
    assert_eq!(bot.unwrap().actions.len(), 2);
    let none: BotRequest = serde_json::from_str("null").unwrap();
    assert_eq!(none, None);
}

#[test]
fn a_thank_you_page_is_an_https_address_of_a_form() {
    // R32
    assert!(is_https_url("https://fjord.example/thanks?from=form#top"));
    assert!(is_https_url("HTTPS://fjord.example"));
    for bad in [
        "http://fjord.example/thanks",
        "javascript:alert(1)",
        "https://",
        "https:///path",
        "https://fjord.example/a b",
        "https://fjord.example/\"><script>",
        "//fjord.example",
    ] {
        assert!(!is_https_url(bad), "{bad}");
    }
}
