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
mod tests;
