//! The closed sets of codes of the API (roles, workspaces, kinds, states), each with
//! its wire name, the words a person reads, and a parse that the store's rows share.

/// A code the API does not have (a corrupt row, a bad query value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCode {
    pub of: &'static str,
    pub code: String,
}

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no {} is called “{}”", self.of, self.code)
    }
}

impl std::error::Error for UnknownCode {}

/// `codes! { /// doc  pub enum Name("what") { Variant = "wire" => "Label", … } }`
macro_rules! codes {
    ($($(#[$meta:meta])* pub enum $name:ident($what:literal) {
        $($(#[$vmeta:meta])* $variant:ident = $code:literal => $label:literal),+ $(,)?
    })+) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: [$name; [$($code),+].len()] = [$($name::$variant),+];

            /// The wire name, as API.md and the database spell it.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|k| k.as_str() == s)
            }

            /// The words a person reads.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl TryFrom<String> for $name {
            type Error = crate::domain::UnknownCode;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s).ok_or(crate::domain::UnknownCode { of: $what, code: s })
            }
        }
    )+};
}

pub(crate) use codes;
