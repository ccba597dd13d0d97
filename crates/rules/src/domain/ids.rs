//! Ids as types: each kind of row has its own, a positive integer that travels as
//! the string API.md shows. A string is parsed into one once, at the edge.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string that is not an id of ours (not a positive integer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidId(pub String);

impl std::fmt::Display for InvalidId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "“{}” is not an id", self.0)
    }
}

impl std::error::Error for InvalidId {}

macro_rules! ids {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(i64);

        impl $name {
            /// The id with this number; `None` unless it is positive.
            pub const fn new(n: i64) -> Option<Self> {
                if n > 0 { Some($name(n)) } else { None }
            }

            /// For ids the caller knows are positive (constants of the demo world).
            pub const fn of(n: i64) -> Self {
                assert!(n > 0, "ids are positive");
                $name(n)
            }

            pub const fn get(self) -> i64 {
                self.0
            }

            /// Parses an id as a client sends it; `None` when it names nothing of ours.
            pub fn parse(s: &str) -> Option<Self> {
                s.parse::<i64>().ok().and_then(Self::new)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, InvalidId> {
                Self::parse(s).ok_or_else(|| InvalidId(s.chars().take(40).collect()))
            }
        }

        impl TryFrom<i64> for $name {
            type Error = InvalidId;
            fn try_from(n: i64) -> Result<Self, InvalidId> {
                Self::new(n).ok_or_else(|| InvalidId(n.to_string()))
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    )+};
}

ids! {
    AccountId;
    UserId;
    InboxId;
    ChannelId;
    ChatflowId;
    PipelineId;
    StatusId;
    SlaPolicyId;
    ConversationId;
    TicketId;
    MoveId;
    NotificationId;
    MessageId;
}

/// An id as a client sent it in a request body, before validation parses it: the
/// API answers a malformed one in its order of checks (a 404 or a field's 422),
/// not as a malformed body.
pub type IdText = String;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_travels_as_its_string_and_only_positive_integers_are_ids() {
        let id = ChannelId::of(42);
        assert_eq!(serde_json::to_value(id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<ChannelId>("\"42\"").unwrap(), id);
        for bad in ["\"0\"", "\"-1\"", "\"abc\"", "\"1e3\"", "42", "\"\""] {
            assert!(serde_json::from_str::<ChannelId>(bad).is_err(), "{bad}");
        }
        assert_eq!(ChannelId::parse("7"), Some(ChannelId::of(7)));
        assert_eq!(ChannelId::parse("9223372036854775808"), None);
        assert_eq!(MoveId::try_from(0), Err(InvalidId("0".into())));
    }
}
