//! Names of the account's people and channels, read once per signed-in tab and again
//! whenever a channel changes workspace.

use std::collections::HashMap;

use deskmove_rules::{Channel, ChannelId, User, UserId};
use leptos::prelude::*;

use crate::api;
use crate::live::Live;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    pub users: HashMap<UserId, User>,
    /// Every channel, in the inbox or in help desk.
    pub channels: HashMap<ChannelId, Channel>,
}

impl Names {
    pub fn user(&self, id: Option<UserId>) -> String {
        match id {
            None => "Unassigned".to_string(),
            Some(id) => self
                .users
                .get(&id)
                .map(|u| u.name.clone())
                .unwrap_or_else(|| "Someone".into()),
        }
    }

    pub fn channel(&self, id: ChannelId) -> String {
        self.channels
            .get(&id)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| "A channel".into())
    }
}

#[derive(Clone, Copy)]
pub struct Directory(pub LocalResource<Names>);

impl Directory {
    pub fn load(live: Live) -> Self {
        Directory(LocalResource::new(move || {
            live.channels_changed.track();
            async move {
                let mut names = Names::default();
                if let Ok(users) = api::users().await {
                    names.users = users.into_iter().map(|u| (u.id, u)).collect();
                }
                let inbox = api::inboxes()
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .flat_map(|i| i.channels);
                let help_desk = api::help_desk_channels().await.unwrap_or_default();
                names.channels = inbox.chain(help_desk).map(|c| (c.id, c)).collect();
                names
            }
        }))
    }

    /// The names as read so far (empty while loading).
    pub fn names(&self) -> Names {
        self.0.get().unwrap_or_default()
    }
}

pub fn use_directory() -> Directory {
    expect_context::<Directory>()
}
