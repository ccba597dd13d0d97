//! Where conversations land before, while and after a channel moves (R7, R16, R18),
//! and who may see which workspace (R23).

use crate::domain::Workspace;
use crate::error::{ApiError, ErrorCode};

/// R23: help desk conversations and tickets are for users with help desk access;
/// the inbox is for everyone.
pub fn may_access(workspace: Workspace, help_desk_access: bool) -> bool {
    help_desk_access || workspace == Workspace::Inbox
}

/// R23: the workspace a list may show, given the one asked for (`None`: any).
/// `None` when nothing asked for may be shown: the list is empty.
pub fn visible_workspace(
    asked: Option<Workspace>,
    help_desk_access: bool,
) -> Option<Option<Workspace>> {
    match (asked, help_desk_access) {
        (asked, true) => Some(asked),
        (Some(Workspace::HelpDesk), false) => None,
        (_, false) => Some(Some(Workspace::Inbox)),
    }
}

/// R23: the refusal of a help desk record to a user without help desk access.
pub fn no_help_desk_access() -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        "You don't have help desk access, so you can't see or change help desk conversations and tickets. A super admin can give it to you.",
    )
}

/// Where a channel stands with respect to help desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelPhase {
    /// In the inbox, no move running for it.
    Inbox,
    /// Its move has started and not yet finished.
    Moving,
    /// Moved (R16).
    HelpDesk,
}

impl ChannelPhase {
    pub fn of(workspace: Workspace, has_running_move: bool) -> Self {
        match (workspace, has_running_move) {
            (Workspace::HelpDesk, _) => ChannelPhase::HelpDesk,
            (Workspace::Inbox, true) => ChannelPhase::Moving,
            (Workspace::Inbox, false) => ChannelPhase::Inbox,
        }
    }
}

/// R7, R18: from the instant a move starts, a new conversation in the channel lands
/// in help desk with a ticket; before, it lands in the inbox without one.
pub fn arrival_workspace(phase: ChannelPhase) -> Workspace {
    match phase {
        ChannelPhase::Inbox => Workspace::Inbox,
        ChannelPhase::Moving | ChannelPhase::HelpDesk => Workspace::HelpDesk,
    }
}

/// R7: whether a new conversation gets its ticket created and linked automatically.
pub fn arrival_gets_ticket(phase: ChannelPhase) -> bool {
    arrival_workspace(phase) == Workspace::HelpDesk
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_help_desk_access_only_the_inbox_is_seen() {
        // R23
        assert!(may_access(Workspace::Inbox, false));
        assert!(!may_access(Workspace::HelpDesk, false));
        assert!(may_access(Workspace::HelpDesk, true));
        assert_eq!(visible_workspace(None, false), Some(Some(Workspace::Inbox)));
        assert_eq!(visible_workspace(Some(Workspace::HelpDesk), false), None);
        assert_eq!(
            visible_workspace(Some(Workspace::Inbox), false),
            Some(Some(Workspace::Inbox))
        );
        assert_eq!(visible_workspace(None, true), Some(None));
        assert_eq!(no_help_desk_access().code, ErrorCode::Forbidden);
    }

    #[test]
    fn conversations_arriving_while_the_move_runs_land_in_help_desk_with_a_ticket() {
        // R7, R18
        assert_eq!(arrival_workspace(ChannelPhase::Moving), Workspace::HelpDesk);
        assert!(arrival_gets_ticket(ChannelPhase::Moving));
        assert_eq!(
            arrival_workspace(ChannelPhase::HelpDesk),
            Workspace::HelpDesk
        );
        assert!(arrival_gets_ticket(ChannelPhase::HelpDesk));
    }

    #[test]
    fn before_a_move_new_conversations_stay_in_the_inbox_without_ticket() {
        // R7
        assert_eq!(arrival_workspace(ChannelPhase::Inbox), Workspace::Inbox);
        assert!(!arrival_gets_ticket(ChannelPhase::Inbox));
    }

    #[test]
    fn the_phase_follows_workspace_and_running_move() {
        // R16, R18
        assert_eq!(
            ChannelPhase::of(Workspace::Inbox, false),
            ChannelPhase::Inbox
        );
        assert_eq!(
            ChannelPhase::of(Workspace::Inbox, true),
            ChannelPhase::Moving
        );
        assert_eq!(
            ChannelPhase::of(Workspace::HelpDesk, false),
            ChannelPhase::HelpDesk
        );
    }
}
