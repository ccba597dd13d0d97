//! R28: the first-run set-up of a company's own account, and what makes its form
//! valid; the browser checks as the admin types, the server again.

use serde::{Deserialize, Serialize};

use crate::domain::Language;
use crate::requests::{all_or_errors, Text};
use crate::said::Said;
use crate::validation::FieldError;

/// `GET /api/setup`: whether this server still waits for its set-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupState {
    pub needed: bool,
}

/// `POST /api/setup`: the set-up token, the company, and its first super admin.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    pub token: String,
    pub account_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
    /// The language the first super admin chose; `None` follows the browser.
    #[serde(default)]
    pub locale: Option<Language>,
}

/// Names of accounts and people (R30's limit for every name).
pub const MAX_NAME_CHARS: usize = 80;
/// A new password (R29): long enough to resist guessing, short enough to hash.
pub const MIN_NEW_PASSWORD_CHARS: usize = 12;
pub const MAX_NEW_PASSWORD_CHARS: usize = 128;
/// Longer than any token the server makes (43 characters); keeps input small.
const MAX_TOKEN_CHARS: usize = 256;

/// Whether `email` has the shape of an address: one `@` with something on both
/// sides, a dot in the domain, no spaces. Whether it receives mail is the
/// mail's business.
pub fn looks_like_email(email: &str) -> bool {
    let email = email.trim();
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.chars().count() <= crate::requests::MAX_EMAIL_CHARS
}

/// A name of 1 to [`MAX_NAME_CHARS`] characters, on one line.
pub(crate) fn check_name(
    field: &'static str,
    what: &'static str,
    value: &str,
    errors: &mut Vec<FieldError>,
) {
    let before = errors.len();
    Text {
        field,
        what,
        max: MAX_NAME_CHARS,
        required: true,
    }
    .check(value.trim(), errors);
    if errors.len() == before && value.chars().any(char::is_control) {
        errors.push(FieldError::plain(
            field,
            format!("The {what} can't contain control characters such as tabs or line breaks."),
        ));
    }
}

/// A password someone sets (R29): 12 to 128 characters.
pub fn check_new_password(field: &'static str, password: &str) -> Option<FieldError> {
    let n = password.chars().count();
    (!(MIN_NEW_PASSWORD_CHARS..=MAX_NEW_PASSWORD_CHARS).contains(&n)).then(|| {
        FieldError::new(
            field,
            Said::PasswordLength {
                min: MIN_NEW_PASSWORD_CHARS as u64,
                max: MAX_NEW_PASSWORD_CHARS as u64,
            },
        )
    })
}

/// Every field that is wrong, each with what to do.
pub fn validate_setup(r: &SetupRequest) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if r.token.trim().is_empty() {
        errors.push(FieldError::new(
            "token",
            Said::Empty {
                what: "set-up token".into(),
            },
        ));
    } else if r.token.chars().count() > MAX_TOKEN_CHARS {
        errors.push(FieldError::new("token", Said::WrongSetupToken));
    }
    check_name("account_name", "company name", &r.account_name, &mut errors);
    check_name("name", "name", &r.name, &mut errors);
    check_email("email", &r.email, &mut errors);
    errors.extend(check_new_password("password", &r.password));
    all_or_errors(errors, ())
}

/// An email someone signs in with: given, and shaped like an address.
pub(crate) fn check_email(field: &'static str, email: &str, errors: &mut Vec<FieldError>) {
    if email.trim().is_empty() {
        errors.push(FieldError::new(
            field,
            Said::Empty {
                what: "email".into(),
            },
        ));
    } else if !looks_like_email(email) {
        errors.push(FieldError::new(field, Said::NotAnEmail));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> SetupRequest {
        SetupRequest {
            token: "t0ken".into(),
            account_name: "Fjord Bikes".into(),
            name: "Ingrid Admin".into(),
            email: "ingrid@fjordbikes.example".into(),
            password: "correct horse battery".into(),
            locale: Some(Language::NorwegianBokmal),
        }
    }

    fn fields(r: SetupRequest) -> Vec<&'static str> {
        validate_setup(&r)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_complete_set_up_is_valid() {
        // R28
        assert_eq!(validate_setup(&good()), Ok(()));
    }

    #[test]
    fn each_field_says_what_is_wrong_with_it() {
        // R28, R29: names 1–80, an email's shape, passwords 12–128.
        assert_eq!(
            fields(SetupRequest::default()),
            ["token", "account_name", "name", "email", "password"]
        );
        let mut r = good();
        r.account_name = "x".repeat(81);
        r.name = "  ".into();
        r.email = "ingrid at fjordbikes".into();
        r.password = "short".into();
        assert_eq!(fields(r), ["account_name", "name", "email", "password"]);
        let mut r = good();
        r.name = "Ingrid\u{0}Admin".into();
        r.email = "ingrid\u{0}@fjordbikes.example".into();
        assert_eq!(fields(r), ["name", "email"], "no control characters");
        let mut r = good();
        r.password = "p".repeat(129);
        assert_eq!(fields(r), ["password"]);
        let mut r = good();
        r.password = "é".repeat(12);
        assert_eq!(fields(r), Vec::<&str>::new(), "characters, not bytes");
    }

    #[test]
    fn an_email_needs_one_at_and_a_domain_with_a_dot() {
        for ok in ["a@b.co", " ingrid@fjordbikes.example "] {
            assert!(looks_like_email(ok), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "@b.co", "a@.co", "a@b.", "a@b@c.co", "a b@c.co",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
