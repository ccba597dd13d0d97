use super::*;
use crate::demo::{NOOR, SAM};
use crate::domain::BotAction;
use crate::fixtures::{pricing_bot, users};
use crate::said::join_names;

fn candidate<'a>(kind: ChannelKind, users: &'a [User]) -> MoveCandidate<'a> {
    MoveCandidate {
        channel_id: ChannelId::of(1),
        kind,
        workspace: Workspace::Inbox,
        bot: None,
        users,
        running_move: None,
    }
}

fn codes(m: &Movability) -> Vec<BlockerCode> {
    m.reasons.iter().map(|r| r.code).collect()
}

#[test]
fn only_a_super_admin_may_move_a_channel() {
    // R1
    assert!(may_move(Role::SuperAdmin));
    assert!(!may_move(Role::Agent));
}

#[test]
fn a_scheduled_move_starts_only_under_a_requester_who_may_still_move() {
    // R24, R1
    let mut people = users();
    let ada = people[0].clone();
    assert_eq!(ada.role, Role::SuperAdmin);
    assert_eq!(requester_may_start(Some(&ada)), Ok(()));
    people[0].role = Role::Agent;
    let refused = requester_may_start(Some(&people[0])).unwrap_err();
    assert_eq!(refused.code, ErrorCode::RequesterNotAllowed);
    assert_eq!(refused.message, Said::RequesterNotAllowed.english());
    // R29: nor a super admin who was deactivated.
    let mut gone = ada.clone();
    gone.state = crate::domain::UserState::Deactivated;
    assert_eq!(
        requester_may_start(Some(&gone)).unwrap_err().code,
        ErrorCode::RequesterNotAllowed
    );
    // A requester who is gone altogether may not start it either.
    assert_eq!(
        requester_may_start(None).unwrap_err().code,
        ErrorCode::RequesterNotAllowed
    );
}

#[test]
fn email_form_calling_and_plain_chat_are_movable() {
    // R2
    let users = users();
    for kind in [
        ChannelKind::Email,
        ChannelKind::Form,
        ChannelKind::Calling,
        ChannelKind::Chat,
    ] {
        let m = movability(&candidate(kind, &users));
        assert!(m.ok, "{kind:?} should be movable: {m:?}");
        assert!(m.reasons.is_empty());
        assert_eq!(m.summary(), None);
    }
}

#[test]
fn whatsapp_and_messenger_are_not_movable_and_say_to_reconnect() {
    // R2
    let users = users();
    for (kind, name) in [
        (ChannelKind::Whatsapp, "WhatsApp"),
        (ChannelKind::Messenger, "Facebook Messenger"),
    ] {
        let m = movability(&candidate(kind, &users));
        assert!(!m.ok);
        assert_eq!(codes(&m), vec![BlockerCode::NotMovableKind]);
        let msg = m.summary().unwrap();
        assert!(msg.starts_with(name), "{msg}");
        assert!(msg.contains("Delete the channel from the inbox and connect it to help desk"));
    }
}

#[test]
fn the_fallback_address_is_not_movable() {
    // R2
    let users = users();
    let m = movability(&candidate(ChannelKind::FallbackEmail, &users));
    assert!(!m.ok);
    assert_eq!(codes(&m), vec![BlockerCode::FallbackAddress]);
    assert!(m.summary().unwrap().contains("fallback email address"));
}

#[test]
fn a_channel_already_in_help_desk_is_not_offered_again() {
    // R2, R14, R3
    let users = users();
    let mut c = candidate(ChannelKind::Email, &users);
    c.workspace = Workspace::HelpDesk;
    let m = movability(&c);
    assert!(!m.ok);
    assert_eq!(codes(&m), vec![BlockerCode::AlreadyInHelpDesk]);
}

#[test]
fn another_running_move_blocks_and_names_the_moving_channel() {
    // R4
    let users = users();
    let mut c = candidate(ChannelKind::Email, &users);
    c.running_move = Some(RunningMove {
        channel_id: ChannelId::of(2),
        channel_name: "Sales email",
        start_at: None,
    });
    let m = movability(&c);
    assert!(!m.ok);
    assert_eq!(codes(&m), vec![BlockerCode::MoveInProgress]);
    assert!(m.summary().unwrap().starts_with("Sales email is moving"));
}

#[test]
fn a_scheduled_move_blocks_and_says_when_it_starts() {
    // R4, R24
    let users = users();
    let at = chrono::DateTime::parse_from_rfc3339("2026-12-02T02:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut c = candidate(ChannelKind::Email, &users);
    c.running_move = Some(RunningMove {
        channel_id: ChannelId::of(2),
        channel_name: "Sales email",
        start_at: Some(at),
    });
    let m = movability(&c);
    assert_eq!(codes(&m), vec![BlockerCode::MoveInProgress]);
    assert_eq!(
        m.reasons[0].said,
        Said::AnotherScheduled {
            channel: "Sales email".into(),
            at
        }
    );
    assert!(m
        .summary()
        .unwrap()
        .starts_with("Sales email is scheduled to move to help desk at 2026-12-02 02:00 UTC."));
    c.channel_id = ChannelId::of(2);
    assert_eq!(
        movability(&c).reasons[0].said,
        Said::ScheduledToMove { at },
        "the scheduled channel itself"
    );
}

#[test]
fn the_channel_being_moved_says_it_is_moving() {
    // R4
    let users = users();
    let mut c = candidate(ChannelKind::Email, &users);
    c.running_move = Some(RunningMove {
        channel_id: ChannelId::of(1),
        channel_name: "Support email",
        start_at: None,
    });
    let m = movability(&c);
    assert_eq!(
        m.summary(),
        Some("This channel is moving to help desk right now.")
    );
}

#[test]
fn a_bot_sending_only_to_users_with_access_is_movable() {
    // R21
    let users = users();
    let bot = Bot {
        actions: vec![
            BotAction {
                kind: BotActionKind::SendMessage,
                text: None,
                target_user_ids: vec![],
            },
            BotAction {
                kind: BotActionKind::AskQuestion,
                text: None,
                target_user_ids: vec![],
            },
            BotAction {
                kind: BotActionKind::SendToTeamMember,
                text: None,
                target_user_ids: vec![SAM, crate::demo::ADA],
            },
        ],
    };
    let mut c = candidate(ChannelKind::Chat, &users);
    c.bot = Some(&bot);
    assert!(movability(&c).ok);
}

#[test]
fn a_bot_with_a_create_ticket_action_is_not_movable_and_names_the_action() {
    // R21
    let users = users();
    let bot = pricing_bot();
    let mut c = candidate(ChannelKind::Chat, &users);
    c.bot = Some(&bot);
    let m = movability(&c);
    assert!(!m.ok);
    assert_eq!(codes(&m), vec![BlockerCode::BotCreateTicketAction]);
    assert!(m.reasons[0]
        .message
        .starts_with("Bot action 2 “Create ticket”"));
}

#[test]
fn every_failing_bot_action_is_listed_with_the_users_it_targets() {
    // R21
    let users = users();
    let bot = Bot {
        actions: vec![
            BotAction {
                kind: BotActionKind::SendToTeamMember,
                text: None,
                target_user_ids: vec![SAM, NOOR, UserId::of(99)],
            },
            BotAction {
                kind: BotActionKind::CreateTicket,
                text: None,
                target_user_ids: vec![],
            },
            BotAction {
                kind: BotActionKind::SendToTeamMember,
                text: None,
                target_user_ids: vec![NOOR],
            },
        ],
    };
    let mut c = candidate(ChannelKind::Chat, &users);
    c.bot = Some(&bot);
    let m = movability(&c);
    assert_eq!(
        codes(&m),
        vec![
            BlockerCode::BotTargetWithoutAccess,
            BlockerCode::BotCreateTicketAction,
            BlockerCode::BotTargetWithoutAccess
        ]
    );
    assert!(m.reasons[0]
        .message
        .contains("to Noor Sales and a removed user (99), without help desk access"));
    assert!(!m.reasons[0].message.contains("Sam"));
    assert!(m.reasons[2].message.starts_with("Bot action 3"));
}

#[test]
fn bot_rules_apply_only_to_chat_chatflows() {
    // R21, R2: a WhatsApp bot is refused by its kind, not by its actions.
    let users = users();
    let bot = Bot {
        actions: vec![BotAction {
            kind: BotActionKind::CreateTicket,
            text: None,
            target_user_ids: vec![],
        }],
    };
    let mut c = candidate(ChannelKind::Whatsapp, &users);
    c.bot = Some(&bot);
    assert_eq!(codes(&movability(&c)), vec![BlockerCode::NotMovableKind]);
}

#[test]
fn every_reason_is_listed_in_refusal_order() {
    // R2, R4, R14, R21
    let users = users();
    let bot = Bot {
        actions: vec![BotAction {
            kind: BotActionKind::CreateTicket,
            text: None,
            target_user_ids: vec![],
        }],
    };
    let c = MoveCandidate {
        channel_id: ChannelId::of(1),
        kind: ChannelKind::Chat,
        workspace: Workspace::HelpDesk,
        bot: Some(&bot),
        users: &users,
        running_move: Some(RunningMove {
            channel_id: ChannelId::of(2),
            channel_name: "Sales email",
            start_at: None,
        }),
    };
    assert_eq!(
        codes(&movability(&c)),
        vec![
            BlockerCode::AlreadyInHelpDesk,
            BlockerCode::BotCreateTicketAction,
            BlockerCode::MoveInProgress
        ]
    );
}

#[test]
fn refusal_answers_the_first_failing_check() {
    // R2, R4, R14 — API.md's order: already in help desk, not movable, move in progress.
    let users = users();
    let running = Some(RunningMove {
        channel_id: ChannelId::of(2),
        channel_name: "Sales email",
        start_at: None,
    });
    let mut c = candidate(ChannelKind::Whatsapp, &users);
    c.workspace = Workspace::HelpDesk;
    c.running_move = running;
    assert_eq!(
        refusal(&movability(&c)).unwrap().code,
        ErrorCode::AlreadyInHelpDesk
    );
    c.workspace = Workspace::Inbox;
    let not_movable = refusal(&movability(&c)).unwrap();
    assert_eq!(not_movable.code, ErrorCode::NotMovable);
    assert!(not_movable.message.contains("WhatsApp"));
    c.kind = ChannelKind::Email;
    assert_eq!(
        refusal(&movability(&c)).unwrap().code,
        ErrorCode::MoveInProgress
    );
    c.running_move = None;
    assert_eq!(refusal(&movability(&c)), None);
}

#[test]
fn a_not_movable_refusal_names_every_failing_bot_action() {
    // R21
    let users = users();
    let bot = Bot {
        actions: vec![
            BotAction {
                kind: BotActionKind::CreateTicket,
                text: None,
                target_user_ids: vec![],
            },
            BotAction {
                kind: BotActionKind::SendToTeamMember,
                text: None,
                target_user_ids: vec![NOOR],
            },
        ],
    };
    let mut c = candidate(ChannelKind::Chat, &users);
    c.bot = Some(&bot);
    let e = refusal(&movability(&c)).unwrap();
    assert_eq!(e.code, ErrorCode::NotMovable);
    assert!(e.message.contains("Bot action 1"));
    assert!(e.message.contains("Bot action 2"));
}

#[test]
fn names_are_joined_as_a_sentence() {
    assert_eq!(join_names(&[]), "");
    assert_eq!(join_names(&["A".into()]), "A");
    assert_eq!(join_names(&["A".into(), "B".into()]), "A and B");
    assert_eq!(
        join_names(&["A".into(), "B".into(), "C".into()]),
        "A, B and C"
    );
}
