//! The move dialog: preview, history choice, notifications, and Move channel (SCREENS.md 5).

pub mod dialog;
mod history;
mod preview;
mod sample;
pub mod when;

pub use dialog::MoveDialog;
pub use history::{HistoryForm, HistoryMode};
pub use preview::PreviewSummary;
pub use sample::SampleTable;
pub use when::{When, WhenChoice};
