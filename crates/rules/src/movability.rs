//! Who may move a channel, and whether a channel can move now (R1, R2, R4, R14, R21).

use chrono::{DateTime, Utc};

use crate::domain::{
    Blocker, BlockerCode, Bot, BotActionKind, ChannelId, ChannelKind, Movability, Role, User,
    UserId, Workspace,
};
use crate::error::{ApiError, ErrorCode};
use crate::said::Said;

/// R1: only a super admin may move a channel.
pub fn may_move(role: Role) -> bool {
    role == Role::SuperAdmin
}

/// R24: a scheduled move starts under its requester, who must still be allowed
/// to move channels then (R1) and active (R29).
pub fn requester_may_start(requester: Option<&User>) -> Result<(), ApiError> {
    match requester {
        Some(u) if may_move(u.role) && u.state == crate::domain::UserState::Active => Ok(()),
        _ => Err(ApiError::new(
            ErrorCode::RequesterNotAllowed,
            Said::RequesterNotAllowed.english(),
        )),
    }
}

/// The move that is running, or scheduled, in the account now, if any (R4, R24).
#[derive(Clone, Copy, Debug)]
pub struct RunningMove<'a> {
    pub channel_id: ChannelId,
    pub channel_name: &'a str,
    /// When it starts, while it is scheduled.
    pub start_at: Option<DateTime<Utc>>,
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
        reasons.push(Blocker::new(
            BlockerCode::AlreadyInHelpDesk,
            Said::AlreadyInHelpDesk,
        ));
    }
    match c.kind {
        ChannelKind::Email | ChannelKind::Form | ChannelKind::Calling | ChannelKind::Chat => {}
        ChannelKind::Whatsapp | ChannelKind::Messenger => reasons.push(Blocker::new(
            BlockerCode::NotMovableKind,
            Said::KindNotMovable { kind: c.kind },
        )),
        ChannelKind::FallbackEmail => reasons.push(Blocker::new(
            BlockerCode::FallbackAddress,
            Said::FallbackAddress,
        )),
    }
    if c.kind == ChannelKind::Chat {
        if let Some(bot) = c.bot {
            reasons.extend(bot_blockers(bot, c.users));
        }
    }
    if let Some(running) = c.running_move {
        let this = running.channel_id == c.channel_id;
        let said = match (running.start_at, this) {
            (None, true) => Said::MovingNow,
            (None, false) => Said::AnotherMoving {
                channel: Some(running.channel_name.to_string()),
            },
            (Some(at), true) => Said::ScheduledToMove { at },
            (Some(at), false) => Said::AnotherScheduled {
                channel: running.channel_name.to_string(),
                at,
            },
        };
        reasons.push(Blocker::new(BlockerCode::MoveInProgress, said));
    }
    Movability::from_blockers(reasons)
}

/// R21 (**decision**): a bot may move only without a "create ticket" action, and
/// when every "send to team member" action targets only users with help desk access.
/// Each failing action is listed on its own, numbered as the bot editor shows it.
pub fn bot_blockers(bot: &Bot, users: &[User]) -> Vec<Blocker> {
    let mut out = Vec::new();
    for (i, action) in bot.actions.iter().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        match action.kind {
            BotActionKind::CreateTicket => out.push(Blocker::new(
                BlockerCode::BotCreateTicketAction,
                Said::BotCreatesTickets {
                    number,
                    action: action.kind,
                },
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
                    out.push(Blocker::new(
                        BlockerCode::BotTargetWithoutAccess,
                        Said::BotSendsToPeopleWithoutAccess {
                            number,
                            action: action.kind,
                            names: without,
                        },
                    ));
                }
            }
            BotActionKind::SendMessage | BotActionKind::AskQuestion => {}
        }
    }
    out
}

/// Whether a user of the account works in help desk (R29: has access and is not
/// deactivated); an unknown user does not.
pub fn has_help_desk_access(users: &[User], user_id: UserId) -> bool {
    users
        .iter()
        .any(|u| u.id == user_id && u.works_in_help_desk())
}

/// The refusals of a start that lost a race inside its transaction (R4, R14).
pub fn refused_already_in_help_desk() -> ApiError {
    ApiError::new(
        ErrorCode::AlreadyInHelpDesk,
        Said::AlreadyInHelpDesk.english(),
    )
}

pub fn refused_move_in_progress() -> ApiError {
    ApiError::new(
        ErrorCode::MoveInProgress,
        Said::AnotherMoving { channel: None }.english(),
    )
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

#[cfg(test)]
mod tests;
