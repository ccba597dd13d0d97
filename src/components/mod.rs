//! Components shared by the pages.

pub mod brand;
pub mod change_password;
pub mod channel_table;
pub mod field;
pub mod format;
pub mod kind_icon;
pub mod list;
pub mod modal;
pub mod move_banner;
pub mod move_dialog;
pub mod move_menu;
pub mod move_progress;
pub mod move_report;
pub mod outcome;
pub mod pager;
pub mod schedule;
pub mod settings_nav;
pub mod shell;
pub mod sla;
pub mod status;
pub mod thread;
