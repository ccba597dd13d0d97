//! The operator's commands of the same binary: one file each, working on the
//! database directly (also while servers run).

pub mod check;
pub mod setup_token;
