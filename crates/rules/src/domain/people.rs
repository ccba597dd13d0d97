//! Who uses the product: users, their roles, and the signed-in user.

use serde::{Deserialize, Serialize};

use super::{codes, UserId};

codes! {
    pub enum Role("role") {
        SuperAdmin = "super_admin" => "Super admin",
        Agent = "agent" => "Agent",
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
