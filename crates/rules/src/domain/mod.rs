//! The domain types, in exactly the JSON shapes of the HTTP API (API.md).

mod channels;
mod codes;
mod ids;
mod moves;
mod people;
mod tickets;

pub(crate) use codes::codes;
pub use codes::UnknownCode;

pub use channels::*;
pub use ids::*;
pub use moves::*;
pub use people::*;
pub use tickets::*;

use serde::{Deserialize, Serialize};

/// One page of a list: by cursor (`next_cursor`), or by number (`?page=`), which
/// also says how many match in all, or, for a search matching more than the
/// server counts, at least how many (`total_at_least`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub total_at_least: bool,
}

/// The deepest page a list answers by number (`?page=`).
pub const MAX_PAGE: u32 = 10_000;

#[cfg(test)]
mod tests;
