//! Which conversations a move takes, and where conversations land while and after it runs (R7, R12, R16, R18, R19).

use crate::domain::{HistoryChoice, MoveState, Workspace};

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

    /// The workspace the channel is listed in: a moving channel stays in the inbox
    /// list until its move completes (R16).
    pub fn listed_in(self) -> Workspace {
        match self {
            ChannelPhase::Inbox | ChannelPhase::Moving => Workspace::Inbox,
            ChannelPhase::HelpDesk => Workspace::HelpDesk,
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

/// R19: a move's history is matched by the conversation's **original** channel,
/// never its current one (the 2025 article reverses the 2024 "most recent channel").
pub fn in_move_history(original_channel_id: &str, moving_channel_id: &str) -> bool {
    original_channel_id == moving_channel_id
}

/// R9: whether the move takes the channel's history at all.
pub fn moves_history(choice: &HistoryChoice) -> bool {
    matches!(choice, HistoryChoice::All { .. })
}

/// R12: a reply keeps the conversation where it is: on its ticket in help desk,
/// or (**decision**) in the inbox when "Don't move any conversations" left it there.
pub fn reply_workspace(conversation_workspace: Workspace) -> Workspace {
    conversation_workspace
}

/// R16: the channel's workspace once its move is in `state`.
pub fn channel_workspace_after(state: MoveState) -> Workspace {
    match state {
        MoveState::Completed => Workspace::HelpDesk,
        MoveState::Running | MoveState::Failed => Workspace::Inbox,
    }
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
        assert_eq!(ChannelPhase::Moving.listed_in(), Workspace::Inbox);
        assert_eq!(ChannelPhase::HelpDesk.listed_in(), Workspace::HelpDesk);
    }

    #[test]
    fn history_is_matched_by_original_channel_not_current() {
        // R19: started on chat, transferred to email: moves with chat, not with email.
        assert!(in_move_history("website-chat", "website-chat"));
        assert!(!in_move_history("website-chat", "support-email"));
    }

    #[test]
    fn a_thread_that_began_as_a_form_submission_belongs_to_the_form() {
        // R20, R19: it went on by email, but its original channel is the form.
        assert!(in_move_history("contact-form", "contact-form"));
        assert!(!in_move_history("contact-form", "support-email"));
    }

    #[test]
    fn only_all_conversations_moves_history() {
        // R9
        assert!(moves_history(&HistoryChoice::All {
            open_status_id: None,
            closed_status_id: None
        }));
        assert!(!moves_history(&HistoryChoice::None));
    }

    #[test]
    fn a_reply_keeps_the_conversation_where_it_is() {
        // R12
        assert_eq!(reply_workspace(Workspace::HelpDesk), Workspace::HelpDesk);
        assert_eq!(reply_workspace(Workspace::Inbox), Workspace::Inbox);
    }

    #[test]
    fn the_channel_shows_in_help_desk_only_once_its_move_completes() {
        // R16
        assert_eq!(
            channel_workspace_after(MoveState::Running),
            Workspace::Inbox
        );
        assert_eq!(
            channel_workspace_after(MoveState::Completed),
            Workspace::HelpDesk
        );
        assert_eq!(channel_workspace_after(MoveState::Failed), Workspace::Inbox);
    }
}
