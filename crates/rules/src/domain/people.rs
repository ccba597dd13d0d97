//! Who uses the product: users, their roles, and the signed-in user.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{codes, UserId};

codes! {
    pub enum Role("role") {
        SuperAdmin = "super_admin" => "Super admin",
        Agent = "agent" => "Agent",
    }

    /// R29: where a user stands. An invited user has not yet set a password; a
    /// deactivated one can't sign in and counts as without help desk access.
    pub enum UserState("user state") {
        Invited = "invited" => "Invited",
        Active = "active" => "Active",
        Deactivated = "deactivated" => "Deactivated",
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
    /// The access a super admin gave; [`User::works_in_help_desk`] is what counts.
    pub help_desk_access: bool,
    /// R29.
    pub state: UserState,
    /// R29: when the user last signed in, if ever.
    #[serde(default)]
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// R29: how many help desk tickets the user owns, which taking their access
    /// away leaves unassigned.
    #[serde(default)]
    pub help_desk_tickets: u64,
}

impl User {
    /// R8, R10, R11, R21, R23, R29: whether the user may work in help desk, own its
    /// tickets and take its conversations: given access, and not deactivated.
    pub fn works_in_help_desk(&self) -> bool {
        self.help_desk_access && self.state != UserState::Deactivated
    }

    /// R29: whether the user can be given conversations: not deactivated.
    pub fn takes_work(&self) -> bool {
        self.state != UserState::Deactivated
    }

    /// R5, R29: one of the people the move warns about and Settings ▸ Users
    /// filters: not deactivated, and not given help desk access.
    pub fn lacks_help_desk_access(&self) -> bool {
        self.takes_work() && !self.help_desk_access
    }

    /// R29: an active super admin, such as the account must always keep one of.
    pub fn is_active_super_admin(&self) -> bool {
        self.role == Role::SuperAdmin && self.state == UserState::Active
    }
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
    /// R33: whether answers can go out (the server has a mail relay).
    #[serde(default)]
    pub outbound_mail: bool,
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
