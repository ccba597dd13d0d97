//! Mail: what arrives (R32) and the answers that go out (R33).

pub mod compose;
pub mod read;
pub mod send;
