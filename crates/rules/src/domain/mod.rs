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

/// One page of a cursor-paged list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests;
