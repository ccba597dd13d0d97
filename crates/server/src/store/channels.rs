//! R30: inboxes, channels and bots as super admins make and change them, each
//! change checked by the rules against the account as it is under the write lock.

use deskmove_rules::inboxes::{
    address_of, tidied_bot, tidied_settings, validate_bot, validate_channel_patch,
    validate_inbox_name, validate_new_channel, Account, BotRequest, ChannelPatch, InboxName,
    NewChannel,
};
use deskmove_rules::{
    AccountId, Channel, ChannelId, ChannelKind, ChatflowId, ChatflowKind, Inbox, InboxId,
    Movability, Workspace,
};
use sqlx::AnyConnection;

use super::announcements::{announce, Announcement};
use super::catalog::{pipeline_on, users_on, ChannelRow, InboxRow, CHANNEL_COLUMNS};
use super::seed::{insert_chatflow, insert_inbox};
use super::sql::insert_returning_id;
use super::{Refusal, Store, StoreError};

/// The account as the rules check a change against it, read in the transaction.
struct Snapshot {
    inboxes: Vec<Inbox>,
    channels: Vec<Channel>,
    users: Vec<deskmove_rules::User>,
    pipeline: Option<deskmove_rules::Pipeline>,
}

impl Snapshot {
    async fn read(conn: &mut AnyConnection, account: AccountId) -> Result<Snapshot, Refusal> {
        let inboxes: Vec<InboxRow> =
            sqlx::query_as("SELECT id, name FROM inboxes WHERE account_id = $1 ORDER BY id")
                .bind(account.get())
                .fetch_all(&mut *conn)
                .await?;
        let channels: Vec<ChannelRow> = sqlx::query_as(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE account_id = $1 ORDER BY id"
        ))
        .bind(account.get())
        .fetch_all(&mut *conn)
        .await?;
        Ok(Snapshot {
            inboxes: inboxes
                .into_iter()
                .map(|i| Inbox {
                    id: i.id,
                    name: i.name,
                    channels: Vec::new(),
                })
                .collect(),
            // Movability plays no part in checking a change.
            channels: channels
                .iter()
                .map(|c| c.view(Movability::from_blockers(Vec::new())))
                .collect(),
            users: users_on(conn, account).await?,
            pipeline: pipeline_on(conn, account).await?,
        })
    }

    fn account(&self) -> Account<'_> {
        Account {
            inboxes: &self.inboxes,
            channels: &self.channels,
            users: &self.users,
            pipeline: self.pipeline.as_ref(),
        }
    }
}

fn invalid(errors: Vec<deskmove_rules::FieldError>) -> Refusal {
    Refusal::Invalid(errors)
}

fn settings_json(settings: &deskmove_rules::ChannelSettings) -> Result<String, Refusal> {
    serde_json::to_string(settings)
        .map_err(|e| Refusal::Store(StoreError::Corrupt(format!("channel settings: {e}"))))
}

impl Store {
    pub async fn create_inbox(
        &self,
        account: AccountId,
        req: &InboxName,
    ) -> Result<InboxId, Refusal> {
        let mut tx = self.begin_write().await?;
        let snapshot = Snapshot::read(&mut tx, account).await?;
        validate_inbox_name(req, &snapshot.inboxes, None).map_err(invalid)?;
        let id = insert_inbox(&mut tx, account, req.name.trim()).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn rename_inbox(
        &self,
        account: AccountId,
        id: InboxId,
        req: &InboxName,
    ) -> Result<(), Refusal> {
        let mut tx = self.begin_write().await?;
        let snapshot = Snapshot::read(&mut tx, account).await?;
        if !snapshot.inboxes.iter().any(|i| i.id == id) {
            return Err(Refusal::NotFound);
        }
        validate_inbox_name(req, &snapshot.inboxes, Some(id)).map_err(invalid)?;
        sqlx::query("UPDATE inboxes SET name = $1 WHERE id = $2")
            .bind(req.name.trim())
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Connects a channel to an inbox, or straight to help desk; a chat, WhatsApp
    /// or Messenger channel gets its chatflow, a form its public key.
    pub async fn connect_channel(
        &self,
        account: AccountId,
        req: &NewChannel,
    ) -> Result<ChannelId, Refusal> {
        let mut tx = self.begin_write().await?;
        let snapshot = Snapshot::read(&mut tx, account).await?;
        validate_new_channel(req, &snapshot.account()).map_err(invalid)?;
        let address = address_of(req, &snapshot.channels);
        let workspace = match req.inbox_id {
            Some(_) => Workspace::Inbox,
            None => Workspace::HelpDesk,
        };
        let form_key = (req.kind == ChannelKind::Form).then(crate::auth::new_token);
        let id = insert_returning_id(
            &mut tx,
            sqlx::query(
                "INSERT INTO channels (account_id, inbox_id, kind, name, address, workspace, \
                    settings, form_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(account.get())
            .bind(req.inbox_id.map(InboxId::get))
            .bind(req.kind.as_str())
            .bind(req.name.trim())
            .bind(&address)
            .bind(workspace.as_str())
            .bind(settings_json(&Default::default())?)
            .bind(form_key),
        )
        .await?;
        let id = ChannelId::try_from(id).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let flow = match req.kind {
            ChannelKind::Chat => Some(ChatflowKind::Chat),
            ChannelKind::Whatsapp => Some(ChatflowKind::Whatsapp),
            ChannelKind::Messenger => Some(ChatflowKind::Messenger),
            _ => None,
        };
        if let Some(kind) = flow {
            insert_chatflow(&mut tx, account, req.name.trim(), kind, id, None).await?;
        }
        announce(&mut tx, Announcement::Channel(account, id)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Renames a channel or changes its settings (R6): before, during and after
    /// its move alike.
    pub async fn change_channel(
        &self,
        account: AccountId,
        id: ChannelId,
        patch: &ChannelPatch,
    ) -> Result<(), Refusal> {
        let mut tx = self.begin_write().await?;
        let snapshot = Snapshot::read(&mut tx, account).await?;
        let channel = snapshot
            .channels
            .iter()
            .find(|c| c.id == id)
            .ok_or(Refusal::NotFound)?;
        validate_channel_patch(patch, channel, &snapshot.account()).map_err(invalid)?;
        let name = patch
            .name
            .as_deref()
            .map(str::trim)
            .unwrap_or(&channel.name);
        let settings = patch
            .settings
            .as_ref()
            .map(tidied_settings)
            .unwrap_or_else(|| channel.settings.clone());
        sqlx::query("UPDATE channels SET name = $1, settings = $2 WHERE id = $3")
            .bind(name)
            .bind(settings_json(&settings)?)
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        if let (Some(_), Some(flow)) = (&patch.name, chatflow_of(&mut tx, id).await?) {
            // A chatflow is named after its channel.
            sqlx::query("UPDATE chatflows SET name = $1 WHERE id = $2")
                .bind(name)
                .bind(flow.get())
                .execute(&mut *tx)
                .await?;
        }
        announce(&mut tx, Announcement::Channel(account, id)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a chatflow's bot, or takes it away (`None`); answers the
    /// chatflow's channel, whose movability follows at once (R21).
    pub async fn set_bot(
        &self,
        account: AccountId,
        id: ChatflowId,
        bot: &BotRequest,
    ) -> Result<ChannelId, Refusal> {
        let mut tx = self.begin_write().await?;
        let Some(row) =
            sqlx::query("SELECT channel_id FROM chatflows WHERE id = $1 AND account_id = $2")
                .bind(id.get())
                .bind(account.get())
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Err(Refusal::NotFound);
        };
        let channel: ChannelId = super::catalog::typed::<_, i64>(&row, "channel_id")?;
        let users = users_on(&mut tx, account).await?;
        let kept = match bot {
            Some(bot) => {
                validate_bot(bot, &users).map_err(invalid)?;
                Some(
                    serde_json::to_string(&tidied_bot(bot))
                        .map_err(|e| StoreError::Corrupt(format!("bot: {e}")))?,
                )
            }
            None => None,
        };
        sqlx::query("UPDATE chatflows SET bot = $1 WHERE id = $2")
            .bind(kept)
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        announce(&mut tx, Announcement::Channel(account, channel)).await?;
        tx.commit().await?;
        Ok(channel)
    }
}

async fn chatflow_of(
    conn: &mut AnyConnection,
    channel: ChannelId,
) -> Result<Option<ChatflowId>, Refusal> {
    let row = sqlx::query("SELECT id FROM chatflows WHERE channel_id = $1")
        .bind(channel.get())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row
        .map(|r| super::catalog::typed::<ChatflowId, i64>(&r, "id"))
        .transpose()?)
}
