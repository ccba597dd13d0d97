//! One page per file.

pub mod chatflows;
pub mod conversation;
pub mod help_desk;
pub mod home;
pub mod inbox;
pub mod link;
pub mod login;
pub mod move_progress;
pub mod not_found;
pub mod settings_channel;
pub mod settings_help_desk;
pub mod settings_inboxes;
pub mod settings_moves;
pub mod settings_users;
pub mod setup;
pub mod ticket;
