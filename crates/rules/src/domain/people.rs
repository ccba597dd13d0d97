//! Who uses the product: users, their roles, and the signed-in user.

use serde::{Deserialize, Serialize};

use super::{codes, UserId};

codes! {
    pub enum Role("role") {
        SuperAdmin = "super_admin" => "Super admin",
        Agent = "agent" => "Agent",
    }

    /// R27: the languages the app speaks, each named in itself.
    pub enum Language("language") {
        English = "en" => "English",
        German = "de" => "Deutsch",
        NorwegianBokmal = "nb" => "Norsk bokmål",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub help_desk_access: bool,
}

/// The signed-in user, with the CSRF token of this session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub help_desk_access: bool,
    pub csrf_token: String,
    /// R27: the language the user chose; `None` follows the browser.
    #[serde(default)]
    pub locale: Option<Language>,
}

/// `PATCH /api/me`: `{"locale": "de"}` chooses a language, `{"locale": null}` goes
/// back to following the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MePatch {
    /// Required, so that `{}` is refused rather than read as "follow the browser".
    #[serde(deserialize_with = "nullable")]
    pub locale: Option<Language>,
}

fn nullable<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Language>, D::Error> {
    Option::deserialize(d)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

/// An email as accounts are keyed by it: trimmed, lower case. Sign-in, its limits
/// and the stored users all compare this form.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}
