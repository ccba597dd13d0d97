//! One page per file.

pub mod home;
pub mod login;
pub mod not_found;
pub mod settings_inboxes;
