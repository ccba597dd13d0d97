//! Where conversations land before, while and after a channel moves (R7, R16, R18).

use crate::domain::Workspace;

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
