//! The bodies clients send besides a move, and what makes each one valid.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::domain::{ConversationStatus, IdText, User, Workspace};
use crate::said::Said;
use crate::validation::FieldError;

/// `PATCH /api/conversations/{id}`: what agents do in the inbox every day.
/// `owner_id` absent leaves the owner alone; `null` unassigns.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ConversationStatus>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner_id: Option<Option<IdText>>,
}

/// Tells a present `null` (Some(None)) from an absent field (None).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRequest {
    pub channel_id: IdText,
}

/// `PATCH /api/tickets/{id}`: a help desk ticket moves along its pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketPatch {
    pub status_id: IdText,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTicketRequest {
    pub status_id: IdText,
}

/// `POST /api/ingest/channels/{id}/conversations`: a conversation arriving in a channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestConversation {
    pub contact: String,
    pub subject: String,
    pub body: String,
    /// When it started; an importer brings history with it. Default: now.
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestMessage {
    pub body: String,
}

pub const MAX_CONTACT_CHARS: usize = 320;
/// The longest email address there is (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Far beyond any passphrase; keeps a password check's input small.
pub const MAX_PASSWORD_CHARS: usize = 1024;
pub const MAX_SUBJECT_CHARS: usize = 1_000;
pub const MAX_BODY_CHARS: usize = 100_000;

/// One text field of a body: its name there, what a person calls it, its limit.
pub(crate) struct Text {
    pub(crate) field: &'static str,
    pub(crate) what: &'static str,
    pub(crate) max: usize,
    pub(crate) required: bool,
}

const CONTACT: Text = Text {
    field: "contact",
    what: "contact",
    max: MAX_CONTACT_CHARS,
    required: true,
};
const SUBJECT: Text = Text {
    field: "subject",
    what: "subject",
    max: MAX_SUBJECT_CHARS,
    required: false,
};
const EMAIL: Text = Text {
    field: "email",
    what: "email",
    max: MAX_EMAIL_CHARS,
    required: true,
};
const PASSWORD: Text = Text {
    field: "password",
    what: "password",
    max: MAX_PASSWORD_CHARS,
    required: true,
};
const MESSAGE: Text = Text {
    field: "body",
    what: "message",
    max: MAX_BODY_CHARS,
    required: true,
};

impl Text {
    pub(crate) fn check(&self, value: &str, errors: &mut Vec<FieldError>) {
        let (field, what, max) = (self.field, self.what, self.max);
        if self.required && value.trim().is_empty() {
            errors.push(FieldError::new(field, Said::Empty { what: what.into() }));
        } else if value.chars().count() > max {
            errors.push(FieldError::new(
                field,
                Said::TooLong {
                    what: what.into(),
                    max: max as u64,
                },
            ));
        }
    }
}

/// `ok` when nothing was wrong, else every field that was.
pub(crate) fn all_or_errors<T>(errors: Vec<FieldError>, ok: T) -> Result<T, Vec<FieldError>> {
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

/// A conversation must name its contact and carry a message; none may be huge.
/// `started_at` may lie in the past (an importer brings history), but not before
/// 1970 nor more than 5 minutes after `now`.
pub fn validate_ingest(
    body: &IngestConversation,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, Vec<FieldError>> {
    let mut errors = Vec::new();
    CONTACT.check(&body.contact, &mut errors);
    SUBJECT.check(&body.subject, &mut errors);
    MESSAGE.check(&body.body, &mut errors);
    let started_at = body.started_at.unwrap_or(now);
    if started_at > now + chrono::Duration::minutes(5) {
        errors.push(FieldError::plain(
            "started_at",
            "started_at lies in the future: a conversation can't start more than 5 minutes from now.",
        ));
    } else if started_at < DateTime::UNIX_EPOCH {
        errors.push(FieldError::plain(
            "started_at",
            "started_at is before 1970: no conversation of a help desk started then.",
        ));
    }
    all_or_errors(errors, started_at)
}

/// A sign-in names an email and a password, neither of them huge: checked
/// before any limit is counted or any password hashed.
pub fn validate_sign_in(email: &str, password: &str) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    EMAIL.check(email, &mut errors);
    PASSWORD.check(password, &mut errors);
    all_or_errors(errors, ())
}

pub fn validate_message(body: &IngestMessage) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    MESSAGE.check(&body.body, &mut errors);
    all_or_errors(errors, ())
}

/// Who may own a conversation: a user of the account, and in help desk (where the
/// owner is the ticket's owner) only one with help desk access (R8, R13).
pub fn check_owner(owner: &User, conversation_workspace: Workspace) -> Result<(), FieldError> {
    // R29: a deactivated user is offered nowhere.
    if !owner.takes_work() {
        return Err(FieldError::plain(
            "owner_id",
            format!(
                "{} is deactivated, so they can't own conversations.",
                owner.name
            ),
        ));
    }
    if conversation_workspace == Workspace::HelpDesk && !owner.works_in_help_desk() {
        return Err(FieldError::plain(
            "owner_id",
            format!(
                "{} has no help desk access, so they can't own a help desk ticket.",
                owner.name
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::users;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
    }

    fn ingest(contact: &str, body: &str) -> IngestConversation {
        IngestConversation {
            contact: contact.into(),
            subject: "Hello".into(),
            body: body.into(),
            started_at: None,
        }
    }

    #[test]
    fn a_patch_tells_unassign_from_leave_alone() {
        let leave: ConversationPatch = serde_json::from_str(r#"{"status":"closed"}"#).unwrap();
        assert_eq!(leave.owner_id, None);
        assert_eq!(leave.status, Some(ConversationStatus::Closed));
        let unassign: ConversationPatch = serde_json::from_str(r#"{"owner_id":null}"#).unwrap();
        assert_eq!(unassign.owner_id, Some(None));
        let assign: ConversationPatch = serde_json::from_str(r#"{"owner_id":"7"}"#).unwrap();
        assert_eq!(assign.owner_id, Some(Some("7".into())));
        assert!(serde_json::from_str::<ConversationPatch>(r#"{"status":"snoozed"}"#).is_err());
        assert!(serde_json::from_str::<ConversationPatch>(r#"{"workspace":"help_desk"}"#).is_err());
    }

    #[test]
    fn an_arrival_needs_a_contact_and_a_message_and_defaults_to_now() {
        assert_eq!(validate_ingest(&ingest("Maria", "Hi"), now()), Ok(now()));
        let errs = validate_ingest(&ingest(" ", ""), now()).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["contact", "body"]);
    }

    #[test]
    fn a_sign_in_needs_an_email_and_a_password_of_sane_length() {
        assert!(validate_sign_in("ada@demo.test", "deskmove-demo").is_ok());
        let fields = |e: &str, p: &str| -> Vec<&str> {
            validate_sign_in(e, p)
                .err()
                .unwrap_or_default()
                .iter()
                .map(|f| f.field)
                .collect()
        };
        assert_eq!(fields("", " "), ["email", "password"]);
        assert_eq!(fields(&"a".repeat(MAX_EMAIL_CHARS + 1), "p"), ["email"]);
        assert_eq!(
            fields("a@b.c", &"p".repeat(MAX_PASSWORD_CHARS + 1)),
            ["password"]
        );
    }

    #[test]
    fn an_importer_may_bring_the_past_but_not_the_future() {
        let mut past = ingest("Maria", "Hi");
        past.started_at = Some(now() - chrono::Duration::days(400));
        assert_eq!(
            validate_ingest(&past, now()),
            Ok(now() - chrono::Duration::days(400))
        );
        past.started_at = Some(now() + chrono::Duration::days(1));
        assert_eq!(
            validate_ingest(&past, now()).unwrap_err()[0].field,
            "started_at"
        );
        // Hardening row 12: year 0 made tickets with SLAs two millennia overdue.
        for before_1970 in ["0000-01-01T00:00:00Z", "1969-12-31T23:59:59Z"] {
            past.started_at = Some(before_1970.parse().unwrap());
            assert_eq!(
                validate_ingest(&past, now()).unwrap_err()[0].field,
                "started_at"
            );
        }
        past.started_at = Some(DateTime::UNIX_EPOCH);
        assert!(validate_ingest(&past, now()).is_ok());
    }

    #[test]
    fn huge_text_is_refused_with_its_limit() {
        let big = "x".repeat(MAX_BODY_CHARS + 1);
        let errs = validate_ingest(&ingest("Maria", &big), now()).unwrap_err();
        assert!(errs[0].message.contains("at most 100000 characters"));
        assert!(validate_message(&IngestMessage { body: big }).is_err());
        assert!(validate_message(&IngestMessage { body: "ok".into() }).is_ok());
    }

    #[test]
    fn a_help_desk_conversation_is_owned_only_by_someone_with_access() {
        // R8, R13
        let users = users();
        let noor = &users[2];
        assert!(check_owner(noor, Workspace::Inbox).is_ok());
        let e = check_owner(noor, Workspace::HelpDesk).unwrap_err();
        assert!(e.message.starts_with("Noor Sales has no help desk access"));
        assert!(check_owner(&users[1], Workspace::HelpDesk).is_ok());
    }
}
