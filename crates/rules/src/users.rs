//! R29: a company's people. What a super admin sends to invite and change users,
//! what a link holder and a signed-in user send to set a password, and the rule
//! that the account never loses its last active super admin.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{codes, Role, User, UserId, UserState};
use crate::error::{ApiError, ErrorCode};
use crate::requests::all_or_errors;
use crate::said::Said;
use crate::setup::{check_email, check_name, check_new_password};
use crate::validation::FieldError;

codes! {
    /// What a one-time link is for: an invited user's first password, or a reset.
    pub enum LinkKind("link kind") {
        Invite = "invite" => "Invitation",
        Reset = "reset" => "Password reset",
    }
}

/// How long an invitation link holds.
pub const INVITE_DAYS: i64 = 7;
/// How long a reset link holds.
pub const RESET_HOURS: i64 = 24;

impl LinkKind {
    pub fn lifetime(self) -> Duration {
        match self {
            LinkKind::Invite => Duration::days(INVITE_DAYS),
            LinkKind::Reset => Duration::hours(RESET_HOURS),
        }
    }

    /// The link a user gets: an invitation while they have never set a password.
    pub fn for_state(state: UserState) -> Self {
        match state {
            UserState::Invited => LinkKind::Invite,
            UserState::Active | UserState::Deactivated => LinkKind::Reset,
        }
    }
}

/// `POST /api/users`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub help_desk_access: bool,
}

/// `PATCH /api/users/{id}`: what changes; a field left out stays.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_desk_access: Option<bool>,
    /// `active` or `deactivated`; nobody is invited again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<UserState>,
}

/// A one-time link, as the super admin who made it sees it once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkUrl {
    pub url: String,
    pub expires_at: DateTime<Utc>,
    /// An invitation (the user never set a password) or a reset.
    pub kind: LinkKind,
    /// R33: it was also mailed to its person (a relay is set).
    #[serde(default)]
    pub mailed: bool,
}

/// `POST /api/users` → 201.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invited {
    pub user: User,
    pub link: LinkUrl,
}

/// `PATCH /api/users/{id}` → 200.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserChanged {
    pub user: User,
    /// Help desk tickets the change left without owner (access taken away).
    pub tickets_unassigned: u64,
}

/// `POST /api/users/grant-help-desk-access` → 200.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Granted {
    pub granted: u64,
}

/// `GET /api/links/{token}`: whose link it is, for the page that sets a password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    pub kind: LinkKind,
    pub email: String,
    pub name: String,
}

/// `POST /api/links/{token}`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    pub password: String,
}

/// `POST /api/me/password`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// Passwords never reach a log through `{:?}`.
impl std::fmt::Debug for SetPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SetPassword { .. }")
    }
}

impl std::fmt::Debug for ChangePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangePassword { .. }")
    }
}

pub fn validate_invite(r: &InviteRequest) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    check_name("name", "name", &r.name, &mut errors);
    check_email("email", &r.email, &mut errors);
    all_or_errors(errors, ())
}

pub fn validate_user_patch(p: &UserPatch) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if let Some(name) = &p.name {
        check_name("name", "name", name, &mut errors);
    }
    if p.state == Some(UserState::Invited) {
        errors.push(FieldError::plain(
            "state",
            "A user can be made active or deactivated, never invited again: send a reset link instead.",
        ));
    }
    if *p == UserPatch::default() {
        errors.push(FieldError::plain(
            "name",
            "Say what changes: name, role, help_desk_access or state.",
        ));
    }
    all_or_errors(errors, ())
}

pub fn validate_set_password(r: &SetPassword) -> Result<(), Vec<FieldError>> {
    all_or_errors(
        check_new_password("password", &r.password)
            .into_iter()
            .collect(),
        (),
    )
}

pub fn validate_change_password(r: &ChangePassword) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if r.current_password.is_empty() {
        errors.push(FieldError::new(
            "current_password",
            Said::Empty {
                what: "current password".into(),
            },
        ));
    } else if r.current_password.chars().count() > crate::requests::MAX_PASSWORD_CHARS {
        errors.push(FieldError::new(
            "current_password",
            Said::WrongCurrentPassword,
        ));
    }
    errors.extend(check_new_password("new_password", &r.new_password));
    all_or_errors(errors, ())
}

/// `user` as `patch` leaves it.
pub fn patched(user: &User, patch: &UserPatch) -> User {
    let mut u = user.clone();
    if let Some(name) = &patch.name {
        u.name = name.trim().to_string();
    }
    if let Some(role) = patch.role {
        u.role = role;
    }
    if let Some(access) = patch.help_desk_access {
        u.help_desk_access = access;
    }
    if let Some(state) = patch.state {
        u.state = state;
    }
    u
}

/// R29: the state a change asking for `asked` leaves a user in, from `before`:
/// an invited user becomes active only through their link (`None`: refused);
/// one reactivated before they ever set a password is invited again.
pub fn state_after(before: UserState, asked: UserState, has_password: bool) -> Option<UserState> {
    match (before, asked) {
        (UserState::Invited, UserState::Active) => None,
        (UserState::Deactivated, UserState::Active) if !has_password => Some(UserState::Invited),
        _ => Some(asked),
    }
}

/// R29: whether the account keeps an active super admin once user `id` is
/// `changed`. An account that had none (only invited ones) may not lose more.
pub fn keeps_a_super_admin(users: &[User], changed: &User) -> bool {
    let before = users.iter().any(User::is_active_super_admin);
    let after = users
        .iter()
        .map(|u| if u.id == changed.id { changed } else { u })
        .any(User::is_active_super_admin);
    after || !before
}

/// R29: the refusal of a change that would leave no active super admin.
pub fn last_super_admin() -> ApiError {
    ApiError::new(ErrorCode::LastSuperAdmin, Said::LastSuperAdmin.english())
}

/// R29: the answer to a link that was used, replaced or has expired.
pub fn link_expired() -> ApiError {
    ApiError::new(ErrorCode::LinkExpired, Said::LinkExpired.english())
}

/// R29: the answer to an invitation for an email someone signs in with already.
pub fn email_taken() -> ApiError {
    ApiError::new(ErrorCode::Conflict, Said::EmailTaken.english())
}

/// The users a "Give all agents help desk access" reaches: agents who are not
/// deactivated and have no access yet.
pub fn granted_by_all(users: &[User]) -> Vec<UserId> {
    users
        .iter()
        .filter(|u| u.role == Role::Agent && u.lacks_help_desk_access())
        .map(|u| u.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    fn users() -> Vec<User> {
        demo::users()
    }

    fn fields(errors: Result<(), Vec<FieldError>>) -> Vec<&'static str> {
        errors
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn an_invitation_needs_a_name_and_an_email() {
        // R29
        let good = InviteRequest {
            name: "Kari Nordmann".into(),
            email: "kari@fjordbikes.example".into(),
            role: Role::Agent,
            help_desk_access: false,
        };
        assert_eq!(validate_invite(&good), Ok(()));
        let bad = InviteRequest {
            name: " ".into(),
            email: "kari".into(),
            ..good
        };
        assert_eq!(fields(validate_invite(&bad)), ["name", "email"]);
    }

    #[test]
    fn a_patch_says_what_changes_and_never_invites_again() {
        // R29
        assert_eq!(fields(validate_user_patch(&UserPatch::default())), ["name"]);
        let again = UserPatch {
            state: Some(UserState::Invited),
            ..UserPatch::default()
        };
        assert_eq!(fields(validate_user_patch(&again)), ["state"]);
        let long = UserPatch {
            name: Some("x".repeat(81)),
            ..UserPatch::default()
        };
        assert_eq!(fields(validate_user_patch(&long)), ["name"]);
        let fine = UserPatch {
            help_desk_access: Some(true),
            ..UserPatch::default()
        };
        assert_eq!(validate_user_patch(&fine), Ok(()));
    }

    #[test]
    fn passwords_set_and_changed_have_twelve_to_128_characters() {
        // R29
        let short = SetPassword {
            password: "eleven char".into(),
        };
        assert_eq!(fields(validate_set_password(&short)), ["password"]);
        let ok = SetPassword {
            password: "twelve chars".into(),
        };
        assert_eq!(validate_set_password(&ok), Ok(()));
        let change = ChangePassword {
            current_password: String::new(),
            new_password: "p".repeat(129),
        };
        assert_eq!(
            fields(validate_change_password(&change)),
            ["current_password", "new_password"]
        );
        assert_eq!(format!("{change:?}"), "ChangePassword { .. }");
    }

    #[test]
    fn the_last_active_super_admin_stays() {
        // R29: Ada and Lee are the demo's super admins.
        let all = users();
        let ada = all.iter().find(|u| u.id == demo::ADA).unwrap();
        let demote = UserPatch {
            role: Some(Role::Agent),
            ..UserPatch::default()
        };
        assert!(
            keeps_a_super_admin(&all, &patched(ada, &demote)),
            "Lee remains"
        );
        let mut without_lee = all.clone();
        without_lee
            .iter_mut()
            .find(|u| u.id == demo::LEE)
            .unwrap()
            .state = UserState::Deactivated;
        assert!(!keeps_a_super_admin(&without_lee, &patched(ada, &demote)));
        let deactivate = UserPatch {
            state: Some(UserState::Deactivated),
            ..UserPatch::default()
        };
        assert!(!keeps_a_super_admin(
            &without_lee,
            &patched(ada, &deactivate)
        ));
        let rename = UserPatch {
            name: Some(" Ada A. ".into()),
            ..UserPatch::default()
        };
        let renamed = patched(ada, &rename);
        assert_eq!(renamed.name, "Ada A.");
        assert!(keeps_a_super_admin(&without_lee, &renamed));
        assert_eq!(last_super_admin().code, ErrorCode::LastSuperAdmin);
        assert_eq!(link_expired().code.http_status(), 410);
        assert_eq!(email_taken().code.http_status(), 409);
    }

    #[test]
    fn a_deactivated_user_works_nowhere_and_counts_as_without_access() {
        // R29, R8, R10, R11, R21
        let mut all = users();
        let sam = all.iter_mut().find(|u| u.id == demo::SAM).unwrap();
        assert!(sam.works_in_help_desk());
        sam.state = UserState::Deactivated;
        assert!(!sam.works_in_help_desk() && !sam.takes_work());
        assert!(!crate::has_help_desk_access(&all, demo::SAM));
        let sam = all.iter().find(|u| u.id == demo::SAM).unwrap();
        assert!(crate::requests::check_owner(sam, crate::Workspace::Inbox).is_err());
    }

    #[test]
    fn giving_all_agents_access_reaches_agents_without_it_who_work_here() {
        // R29: Noor is the demo's one agent without access.
        let mut all = users();
        assert_eq!(granted_by_all(&all), [demo::NOOR]);
        all.iter_mut().find(|u| u.id == demo::NOOR).unwrap().state = UserState::Deactivated;
        assert!(granted_by_all(&all).is_empty());
    }

    #[test]
    fn only_their_link_makes_an_invited_user_active() {
        // R29
        use UserState::*;
        assert_eq!(state_after(Invited, Active, false), None);
        assert_eq!(state_after(Deactivated, Active, false), Some(Invited));
        assert_eq!(state_after(Deactivated, Active, true), Some(Active));
        assert_eq!(state_after(Invited, Deactivated, false), Some(Deactivated));
        assert_eq!(state_after(Active, Active, true), Some(Active));
    }

    #[test]
    fn links_last_seven_days_for_an_invitation_and_a_day_for_a_reset() {
        // R29
        assert_eq!(LinkKind::Invite.lifetime(), Duration::days(7));
        assert_eq!(LinkKind::Reset.lifetime(), Duration::hours(24));
        assert_eq!(LinkKind::for_state(UserState::Invited), LinkKind::Invite);
        assert_eq!(LinkKind::for_state(UserState::Active), LinkKind::Reset);
    }
}
