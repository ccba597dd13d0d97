//! Mail: what arrives (R32).

pub mod read;
