//! Components shared by the pages.

pub mod channel_table;
pub mod kind_icon;
pub mod move_menu;
pub mod shell;
