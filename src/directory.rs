//! Names of the account's people and channels, read once per signed-in tab and again
//! whenever a channel changes workspace.

use std::collections::HashMap;

use deskmove_rules::{Channel, ChannelId, User, UserId};
use leptos::prelude::*;

use crate::api::{self, ApiResult};
use crate::i18n::{td_string, Locale};
use crate::live::Live;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    pub users: HashMap<UserId, User>,
    /// Every channel, in the inbox or in help desk.
    pub channels: HashMap<ChannelId, Channel>,
}

impl Names {
    pub fn user(&self, l: Locale, id: Option<UserId>) -> String {
        match id {
            None => td_string!(l, common.unassigned).to_string(),
            Some(id) => self
                .users
                .get(&id)
                .map(|u| u.name.clone())
                .unwrap_or_else(|| td_string!(l, common.unknown_user).to_string()),
        }
    }

    pub fn channel(&self, l: Locale, id: ChannelId) -> String {
        self.channels
            .get(&id)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| td_string!(l, common.unknown_channel).to_string())
    }
}

/// The names, read: lists wait for them rather than show stand-ins as data.
#[derive(Clone, Copy)]
pub struct Directory(pub LocalResource<ApiResult<Names>>);

impl Directory {
    pub fn load(live: Live) -> Self {
        Directory(LocalResource::new(move || {
            live.channels_changed.track();
            async move {
                let users = api::users().await?;
                let inbox = api::inboxes().await?.into_iter().flat_map(|i| i.channels);
                let help_desk = api::help_desk_channels().await?;
                Ok(Names {
                    users: users.into_iter().map(|u| (u.id, u)).collect(),
                    channels: inbox.chain(help_desk).map(|c| (c.id, c)).collect(),
                })
            }
        }))
    }

    /// The names as read so far (empty while loading or failed).
    pub fn names(&self) -> Names {
        self.0.get().and_then(Result::ok).unwrap_or_default()
    }

    /// `state` of what a page read, held back until the names are read too: `None`
    /// while either is on its way, the failure if either failed.
    pub fn gate<T>(&self, state: Option<ApiResult<T>>) -> Option<ApiResult<T>> {
        match self.0.get()? {
            Err(e) => Some(Err(e)),
            Ok(_) => state,
        }
    }

    /// Reads the names again if reading them failed.
    pub fn retry_if_failed(&self) {
        if self.0.with_untracked(|n| matches!(n, Some(Err(_)))) {
            self.0.refetch();
        }
    }
}

pub fn use_directory() -> Directory {
    expect_context::<Directory>()
}
