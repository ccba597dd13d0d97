//! The account's channels, chatflows and users as the API shows them, movability asked of the rules crate.

use deskmove_rules::{
    movability, AccountId, Channel, ChannelId, Chatflow, Inbox, Movability, MoveCandidate,
    MoveState, RunningMove, User, Workspace,
};

use crate::store::{ActiveMoveRow, ChannelRow, ChatflowRow, InboxRow, Store, StoreResult};

/// One read of everything movability depends on, so every channel in an answer
/// is judged against the same state.
pub struct Catalog {
    pub users: Vec<User>,
    pub inboxes: Vec<InboxRow>,
    pub channels: Vec<ChannelRow>,
    pub chatflows: Vec<ChatflowRow>,
    /// The account's scheduled or running move, if any (R4, R24).
    pub active_move: Option<ActiveMoveRow>,
}

impl Catalog {
    pub async fn load(store: &Store, account_id: AccountId) -> StoreResult<Catalog> {
        Ok(Catalog {
            users: store
                .users(account_id)
                .await?
                .iter()
                .map(|u| u.to_user())
                .collect(),
            inboxes: store.inboxes(account_id).await?,
            channels: store.channels(account_id).await?,
            chatflows: store.chatflows(account_id).await?,
            active_move: store.active_move(account_id).await?,
        })
    }

    pub fn channel_row(&self, id: ChannelId) -> Option<&ChannelRow> {
        self.channels.iter().find(|c| c.id == id)
    }

    pub fn movability(&self, row: &ChannelRow) -> Movability {
        let bot = self
            .chatflows
            .iter()
            .find(|f| f.channel_id == row.id)
            .and_then(|f| f.bot.as_ref());
        let active = self
            .active_move
            .as_ref()
            .and_then(|m| Some((m, self.channel_row(m.channel_id)?)));
        movability(&MoveCandidate {
            channel_id: row.id,
            kind: row.kind,
            workspace: row.workspace,
            bot,
            users: &self.users,
            running_move: active.map(|(m, c)| RunningMove {
                channel_id: c.id,
                channel_name: &c.name,
                start_at: (m.state == MoveState::Scheduled)
                    .then(|| m.start_at.and_then(chrono::DateTime::from_timestamp_millis))
                    .flatten(),
            }),
        })
    }

    pub fn channel(&self, row: &ChannelRow) -> Channel {
        row.view(self.movability(row))
    }

    /// Each inbox with the channels still in the inbox workspace (R16).
    pub fn inbox_views(&self) -> Vec<Inbox> {
        self.inboxes
            .iter()
            .map(|inbox| Inbox {
                id: inbox.id,
                name: inbox.name.clone(),
                channels: self
                    .channels
                    .iter()
                    .filter(|c| c.inbox_id == Some(inbox.id) && c.workspace == Workspace::Inbox)
                    .map(|c| self.channel(c))
                    .collect(),
            })
            .collect()
    }

    pub fn help_desk_channels(&self) -> Vec<Channel> {
        self.channels
            .iter()
            .filter(|c| c.workspace == Workspace::HelpDesk)
            .map(|c| self.channel(c))
            .collect()
    }

    pub fn chatflow_views(&self) -> Vec<Chatflow> {
        self.chatflows
            .iter()
            .filter_map(|f| {
                let channel = self.channel_row(f.channel_id)?;
                Some(Chatflow {
                    id: f.id,
                    name: f.name.clone(),
                    kind: f.kind,
                    channel_id: f.channel_id,
                    bot: f.bot.clone(),
                    workspace: channel.workspace,
                })
            })
            .collect()
    }
}
