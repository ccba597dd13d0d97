//! Who may move a channel, and whether a channel can move now (R1, R2, R4, R14, R21).

use crate::domain::{
    Blocker, BlockerCode, Bot, BotActionKind, ChannelId, ChannelKind, Movability, Role, User,
    UserId, Workspace,
};
use crate::error::{ApiError, ErrorCode};

/// R1: only a super admin may move a channel.
pub fn may_move(role: Role) -> bool {
    role == Role::SuperAdmin
}

/// The move that is running in the account now, if any (R4).
#[derive(Clone, Copy, Debug)]
pub struct RunningMove<'a> {
    pub channel_id: ChannelId,
    pub channel_name: &'a str,
}

/// What movability needs to know of a channel and its account.
#[derive(Clone, Copy, Debug)]
pub struct MoveCandidate<'a> {
    pub channel_id: ChannelId,
    pub kind: ChannelKind,
    pub workspace: Workspace,
    /// The bot of the channel's chatflow, if it runs one.
    pub bot: Option<&'a Bot>,
    /// Every user of the account (bot targets are checked against them).
    pub users: &'a [User],
    pub running_move: Option<RunningMove<'a>>,
}

/// Every reason the channel cannot move now, in the order the API refuses them:
/// already in help desk, then kind and bot, then another move running.
pub fn movability(c: &MoveCandidate<'_>) -> Movability {
    let mut reasons = Vec::new();
    if c.workspace == Workspace::HelpDesk {
        // R14: once in help desk, there is no history to move and no way back (R3).
        reasons.push(blocker(
            BlockerCode::AlreadyInHelpDesk,
            ALREADY_IN_HELP_DESK,
        ));
    }
    match c.kind {
        ChannelKind::Email | ChannelKind::Form | ChannelKind::Calling | ChannelKind::Chat => {}
        ChannelKind::Whatsapp | ChannelKind::Messenger => reasons.push(blocker(
            BlockerCode::NotMovableKind,
            format!(
                "{} chatflows can't be moved to help desk. Delete the channel from the inbox and connect it to help desk instead.",
                c.kind.label()
            ),
        )),
        ChannelKind::FallbackEmail => reasons.push(blocker(
            BlockerCode::FallbackAddress,
            "The inbox's fallback email address can't be moved to help desk.",
        )),
    }
    if c.kind == ChannelKind::Chat {
        if let Some(bot) = c.bot {
            reasons.extend(bot_blockers(bot, c.users));
        }
    }
    if let Some(running) = c.running_move {
        let message = if running.channel_id == c.channel_id {
            "This channel is moving to help desk right now.".to_string()
        } else {
            another_move_running(Some(running.channel_name))
        };
        reasons.push(blocker(BlockerCode::MoveInProgress, message));
    }
    Movability::from_blockers(reasons)
}

/// R21 (**decision**): a bot may move only without a "create ticket" action, and
/// when every "send to team member" action targets only users with help desk access.
/// Each failing action is listed on its own, numbered as the bot editor shows it.
pub fn bot_blockers(bot: &Bot, users: &[User]) -> Vec<Blocker> {
    let mut out = Vec::new();
    for (i, action) in bot.actions.iter().enumerate() {
        let number = i + 1;
        match action.kind {
            BotActionKind::CreateTicket => out.push(blocker(
                BlockerCode::BotCreateTicketAction,
                format!(
                    "Bot action {number} “{}”: help desk already creates a ticket for every conversation. Remove this action from the bot first.",
                    action.kind.label()
                ),
            )),
            BotActionKind::SendToTeamMember => {
                let without: Vec<String> = action
                    .target_user_ids
                    .iter()
                    .filter(|id| !has_help_desk_access(users, **id))
                    .map(|id| {
                        users
                            .iter()
                            .find(|u| u.id == *id)
                            .map(|u| u.name.clone())
                            .unwrap_or_else(|| format!("a removed user ({id})"))
                    })
                    .collect();
                if !without.is_empty() {
                    out.push(blocker(
                        BlockerCode::BotTargetWithoutAccess,
                        format!(
                            "Bot action {number} “{}” sends conversations to {}, without help desk access. Give them help desk access or change the action first.",
                            action.kind.label(),
                            join_names(&without)
                        ),
                    ));
                }
            }
            BotActionKind::SendMessage | BotActionKind::AskQuestion => {}
        }
    }
    out
}

/// Whether a user of the account has help desk access; an unknown user has none.
pub fn has_help_desk_access(users: &[User], user_id: UserId) -> bool {
    users.iter().any(|u| u.id == user_id && u.help_desk_access)
}

/// R14: what a channel already in help desk says, as a blocker and as a refusal.
pub const ALREADY_IN_HELP_DESK: &str =
    "This channel is already in help desk. A move is final, so there is nothing left to move.";

/// R4: what is said while another channel's move runs (named when it is known).
pub fn another_move_running(channel_name: Option<&str>) -> String {
    format!(
        "{} is moving to help desk right now. Only one channel can move at a time: try again when that move has finished.",
        channel_name.unwrap_or("Another channel")
    )
}

/// The refusals of a start that lost a race inside its transaction (R4, R14).
pub fn refused_already_in_help_desk() -> ApiError {
    ApiError::new(ErrorCode::AlreadyInHelpDesk, ALREADY_IN_HELP_DESK)
}

pub fn refused_move_in_progress() -> ApiError {
    ApiError::new(ErrorCode::MoveInProgress, another_move_running(None))
}

/// The refusal `POST /api/moves` answers for these blockers, first failing check first.
pub fn refusal(movability: &Movability) -> Option<ApiError> {
    let of = |codes: &[BlockerCode]| -> Vec<&str> {
        movability
            .reasons
            .iter()
            .filter(|r| codes.contains(&r.code))
            .map(|r| r.message.as_str())
            .collect()
    };
    let already = of(&[BlockerCode::AlreadyInHelpDesk]);
    if let Some(m) = already.first() {
        return Some(ApiError::new(ErrorCode::AlreadyInHelpDesk, *m));
    }
    let not_movable = of(&[
        BlockerCode::NotMovableKind,
        BlockerCode::FallbackAddress,
        BlockerCode::BotCreateTicketAction,
        BlockerCode::BotTargetWithoutAccess,
    ]);
    if !not_movable.is_empty() {
        return Some(ApiError::new(ErrorCode::NotMovable, not_movable.join(" ")));
    }
    of(&[BlockerCode::MoveInProgress])
        .first()
        .map(|m| ApiError::new(ErrorCode::MoveInProgress, *m))
}

/// "A", "A and B", "A, B and C".
pub(crate) fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn blocker(code: BlockerCode, message: impl Into<String>) -> Blocker {
    Blocker {
        code,
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{NOOR, SAM};
    use crate::domain::BotAction;
    use crate::fixtures::{pricing_bot, users};

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
        });
        let m = movability(&c);
        assert!(!m.ok);
        assert_eq!(codes(&m), vec![BlockerCode::MoveInProgress]);
        assert!(m.summary().unwrap().starts_with("Sales email is moving"));
    }

    #[test]
    fn the_channel_being_moved_says_it_is_moving() {
        // R4
        let users = users();
        let mut c = candidate(ChannelKind::Email, &users);
        c.running_move = Some(RunningMove {
            channel_id: ChannelId::of(1),
            channel_name: "Support email",
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
                    target_user_ids: vec![],
                },
                BotAction {
                    kind: BotActionKind::AskQuestion,
                    target_user_ids: vec![],
                },
                BotAction {
                    kind: BotActionKind::SendToTeamMember,
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
                    target_user_ids: vec![SAM, NOOR, UserId::of(99)],
                },
                BotAction {
                    kind: BotActionKind::CreateTicket,
                    target_user_ids: vec![],
                },
                BotAction {
                    kind: BotActionKind::SendToTeamMember,
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
                    target_user_ids: vec![],
                },
                BotAction {
                    kind: BotActionKind::SendToTeamMember,
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
}
