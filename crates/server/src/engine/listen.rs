//! What event streams hear of moves and channels: this server's, and on PostgreSQL every server's.

use std::time::Duration;

use deskmove_rules::{AccountId, ChannelId, MessageId};

use super::Engine;
use crate::catalog::Catalog;
use crate::events::LiveEvent;
use crate::store::{Announcement, MoveRow, StoreResult, ANNOUNCEMENTS};

impl Engine {
    /// Tells this server's event streams of a move. On PostgreSQL the store's
    /// announcement, committed with the change, reaches every server's streams
    /// instead (see [`Engine::hear_other_servers`]).
    pub fn publish_move(&self, row: &MoveRow) {
        if !self.store.is_sqlite() {
            return;
        }
        self.publish_move_here(row);
    }

    pub(super) fn publish_move_here(&self, row: &MoveRow) {
        match self.view(row) {
            Ok(body) => self.hub.publish(LiveEvent::Move {
                account_id: row.account_id,
                body,
            }),
            Err(e) => tracing::error!(error = %e, "move event"),
        }
    }

    /// Tells this server's event streams that a channel changed, so every
    /// channel list reads again; on PostgreSQL the store's announcement does.
    pub async fn publish_channel(&self, account: AccountId, channel: ChannelId) {
        if !self.store.is_sqlite() {
            return;
        }
        if let Err(e) = self.publish_channel_here(account, channel).await {
            tracing::error!(error = %e, "channel event");
        }
    }

    pub(super) async fn publish_channel_here(
        &self,
        account: AccountId,
        channel: ChannelId,
    ) -> StoreResult<()> {
        let catalog = Catalog::load(&self.store, account).await?;
        if let Some(row) = catalog.channel_row(channel) {
            self.hub.publish(LiveEvent::Channel {
                account_id: account,
                body: catalog.channel(row),
            });
        }
        Ok(())
    }

    /// Tells this server's event streams that a message changed (R33); on
    /// PostgreSQL the store's announcement does.
    pub async fn publish_thread(&self, account: AccountId, message: MessageId) {
        if !self.store.is_sqlite() {
            return;
        }
        if let Err(e) = self.publish_thread_here(account, message).await {
            tracing::error!(error = %e, "thread event");
        }
    }

    pub(super) async fn publish_thread_here(
        &self,
        account: AccountId,
        message: MessageId,
    ) -> StoreResult<()> {
        if let Some((workspace, body)) = self.store.thread_event(account, message).await? {
            self.hub.publish(LiveEvent::Thread {
                account_id: account,
                workspace,
                body,
            });
        }
        Ok(())
    }

    /// On PostgreSQL: listens for the announcements every server's store commits
    /// with its changes (`LISTEN`), and tells this server's event streams, so each
    /// stream hears every move and channel whichever server drove it. Reconnects
    /// after a lost connection; stops at shutdown.
    pub fn hear_other_servers(&self, url: String) {
        let engine = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = engine.listen(&url).await {
                    tracing::warn!(error = %e, "listening for other servers' events; again in a second");
                }
                tokio::select! {
                    _ = engine.shutdown.cancelled() => return,
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        });
    }

    async fn listen(&self, url: &str) -> Result<(), sqlx::Error> {
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(ANNOUNCEMENTS).await?;
        loop {
            let heard = tokio::select! {
                _ = self.shutdown.cancelled() => return Ok(()),
                heard = listener.recv() => heard?,
            };
            let result = match Announcement::parse(heard.payload()) {
                Some(Announcement::Move(id)) => match self.store.move_by_id_any(id).await {
                    Ok(Some(row)) => {
                        self.publish_move_here(&row);
                        Ok(())
                    }
                    Ok(None) => Ok(()),
                    Err(e) => Err(e),
                },
                Some(Announcement::Channel(account, channel)) => {
                    self.publish_channel_here(account, channel).await
                }
                Some(Announcement::Thread(account, message)) => {
                    self.publish_thread_here(account, message).await
                }
                // Anyone who may NOTIFY can send anything: say so and listen on.
                None => {
                    let payload: String = heard.payload().chars().take(80).collect();
                    tracing::warn!(payload = ?payload, "ignored a malformed announcement");
                    Ok(())
                }
            };
            if let Err(e) = result {
                tracing::warn!(error = %e, "an announced event");
            }
        }
    }
}
