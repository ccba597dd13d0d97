//! R33: an answer as the mail it is sent as, made once when it is committed:
//! From the channel, To the contact, "Re: …" once, its thread's In-Reply-To
//! and References, a Message-ID of ours, a plain UTF-8 body. A resend sends the
//! same bytes.

use chrono::{DateTime, Utc};
use deskmove_rules::users::LinkKind;
use deskmove_rules::Language;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::Mailbox;
use lettre::Message;
use rand::RngCore;

/// What an answer's mail says and to whom.
#[derive(Clone, Debug)]
pub struct Outgoing<'a> {
    /// The channel's name and address (From).
    pub from_name: &'a str,
    pub from_address: &'a str,
    /// The conversation's contact (To).
    pub to: &'a str,
    pub subject: &'a str,
    /// Without angle brackets.
    pub message_id: &'a str,
    pub in_reply_to: Option<&'a str>,
    pub references: &'a [String],
    /// The words, signature included.
    pub body: &'a str,
    pub date: std::time::SystemTime,
}

/// Why an answer can't be made into mail.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("“{0}” is not an address mail can be sent from")]
    From(String),
    #[error("“{0}” is not an address mail can be sent to")]
    To(String),
    #[error("the mail could not be made: {0}")]
    Build(String),
}

/// A Message-ID of ours for an answer (without angle brackets).
pub fn answer_message_id(domain: &str) -> String {
    own_message_id("answer", domain)
}

/// The answer as RFC 5322 bytes (CRLF line ends, quoted-printable UTF-8 body).
pub fn compose(o: &Outgoing<'_>) -> Result<Vec<u8>, ComposeError> {
    let from_address = o
        .from_address
        .trim()
        .parse()
        .map_err(|_| ComposeError::From(o.from_address.to_string()))?;
    let name = o.from_name.trim();
    let from = Mailbox::new((!name.is_empty()).then(|| name.to_string()), from_address);
    let to: Mailbox =
        o.to.trim()
            .parse()
            .map_err(|_| ComposeError::To(o.to.to_string()))?;
    let bracketed = |id: &str| format!("<{id}>");
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(o.subject)
        .message_id(Some(bracketed(o.message_id)))
        .date(o.date)
        .header(ContentType::TEXT_PLAIN)
        .header(ContentTransferEncoding::QuotedPrintable);
    if let Some(parent) = o.in_reply_to {
        builder = builder.in_reply_to(bracketed(parent));
    }
    if !o.references.is_empty() {
        let refs: Vec<String> = o.references.iter().map(|r| bracketed(r)).collect();
        builder = builder.references(refs.join(" "));
    }
    let message = builder
        .body(o.body.replace("\r\n", "\n"))
        .map_err(|e| ComposeError::Build(e.to_string()))?;
    Ok(message.formatted())
}

/// A Message-ID of ours for a mail the server writes itself (`kind.<random>@domain`).
pub fn own_message_id(kind: &str, domain: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{kind}.{hex}@{domain}")
}

/// RFC 3834: the server wrote it, so auto-responders don't answer it.
#[derive(Clone)]
struct AutoSubmitted;

impl lettre::message::header::Header for AutoSubmitted {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

/// R29, R33: an invitation or a reset link, mailed to its person.
#[derive(Clone, Debug)]
pub struct LinkLetter<'a> {
    pub account_name: &'a str,
    /// `--mail-from` (else no-reply@ the mail domain).
    pub from_address: &'a str,
    pub to_name: &'a str,
    pub to_address: &'a str,
    /// Who made the link.
    pub by: &'a str,
    pub url: &'a str,
    pub kind: LinkKind,
    pub expires_at: DateTime<Utc>,
    pub language: Language,
    pub message_id: &'a str,
    pub date: std::time::SystemTime,
}

/// The letter's subject and words, in its person's language.
fn link_words(l: &LinkLetter<'_>) -> (String, String) {
    let (account, name, by, url) = (l.account_name, l.to_name, l.by, l.url);
    let until = l.expires_at.format("%Y-%m-%d %H:%M UTC");
    match (l.language, l.kind) {
        (Language::English, LinkKind::Invite) => (
            format!("You're invited to {account}"),
            format!(
                "Hello {name},\n\n{by} invited you to {account}'s help desk. \
                 Choose your password here to sign in:\n\n{url}\n\n\
                 The link works once, until {until}.\n"
            ),
        ),
        (Language::English, LinkKind::Reset) => (
            format!("A new password for {account}"),
            format!(
                "Hello {name},\n\n{by} made you a link to choose a new password for \
                 {account}:\n\n{url}\n\nThe link works once, until {until}. Using it \
                 signs you out everywhere else.\n"
            ),
        ),
        (Language::German, LinkKind::Invite) => (
            format!("Einladung zu {account}"),
            format!(
                "Hallo {name},\n\n{by} hat Sie zum Helpdesk von {account} eingeladen. \
                 Legen Sie hier Ihr Passwort fest, um sich anzumelden:\n\n{url}\n\n\
                 Der Link ist einmal verwendbar und gilt bis {until}.\n"
            ),
        ),
        (Language::German, LinkKind::Reset) => (
            format!("Neues Passwort für {account}"),
            format!(
                "Hallo {name},\n\n{by} hat Ihnen einen Link erstellt, mit dem Sie ein \
                 neues Passwort für {account} festlegen können:\n\n{url}\n\nDer Link \
                 ist einmal verwendbar und gilt bis {until}. Wenn Sie ihn verwenden, \
                 werden Sie überall sonst abgemeldet.\n"
            ),
        ),
        (Language::NorwegianBokmal, LinkKind::Invite) => (
            format!("Invitasjon til {account}"),
            format!(
                "Hei {name},\n\n{by} har invitert deg til helpdesken til {account}. \
                 Velg passordet ditt her for å logge inn:\n\n{url}\n\n\
                 Lenken virker én gang, fram til {until}.\n"
            ),
        ),
        (Language::NorwegianBokmal, LinkKind::Reset) => (
            format!("Nytt passord for {account}"),
            format!(
                "Hei {name},\n\n{by} har laget en lenke der du kan velge et nytt passord \
                 for {account}:\n\n{url}\n\nLenken virker én gang, fram til {until}. \
                 Når du bruker den, blir du logget ut alle andre steder.\n"
            ),
        ),
    }
}

/// The letter as RFC 5322 bytes: From the account's name at `from_address`,
/// marked `Auto-Submitted: auto-generated`.
pub fn compose_link(l: &LinkLetter<'_>) -> Result<Vec<u8>, ComposeError> {
    let from_address = l
        .from_address
        .trim()
        .parse()
        .map_err(|_| ComposeError::From(l.from_address.to_string()))?;
    let from = Mailbox::new(Some(l.account_name.trim().to_string()), from_address);
    let to_address = l
        .to_address
        .trim()
        .parse()
        .map_err(|_| ComposeError::To(l.to_address.to_string()))?;
    let to = Mailbox::new(
        Some(l.to_name.trim().to_string()).filter(|n| !n.is_empty()),
        to_address,
    );
    let (subject, body) = link_words(l);
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .message_id(Some(format!("<{}>", l.message_id)))
        .date(l.date)
        .header(AutoSubmitted)
        .header(ContentType::TEXT_PLAIN)
        .header(ContentTransferEncoding::QuotedPrintable)
        .body(body)
        .map_err(|e| ComposeError::Build(e.to_string()))?;
    Ok(message.formatted())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_letter_is_in_its_persons_language_and_marked_automatic() {
        // R29, R33
        for (language, words) in [
            (Language::English, "invited you"),
            (Language::German, "eingeladen"),
            (Language::NorwegianBokmal, "invitert deg"),
        ] {
            let raw = compose_link(&LinkLetter {
                account_name: "Fjord Bikes",
                from_address: "no-reply@fjordbikes.example",
                to_name: "Jonas Berg",
                to_address: "jonas@fjordbikes.example",
                by: "Ingrid Admin",
                url: "https://help.fjordbikes.example/link/abc",
                kind: LinkKind::Invite,
                expires_at: DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
                language,
                message_id: "link.1@fjordbikes.example",
                date: std::time::SystemTime::UNIX_EPOCH,
            })
            .unwrap();
            let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
            let body = parsed.body_text(0).unwrap();
            assert!(body.contains(words), "{body}");
            assert!(body.contains("https://help.fjordbikes.example/link/abc"));
            assert!(body.contains("2027-01-15 08:00 UTC"), "{body}");
            assert_eq!(
                parsed.header("Auto-Submitted").and_then(|h| h.as_text()),
                Some("auto-generated")
            );
            let from = parsed.from().unwrap().first().unwrap();
            assert_eq!(from.name(), Some("Fjord Bikes"));
            assert_eq!(from.address(), Some("no-reply@fjordbikes.example"));
        }
    }

    #[test]
    fn an_answer_has_every_header_a_reply_needs() {
        // R33
        let refs = vec![
            "first@example.com".to_string(),
            "second@example.com".to_string(),
        ];
        let raw = compose(&Outgoing {
            from_name: "Support email",
            from_address: "support@demo.test",
            to: "kari@example.com",
            subject: "Re: Sykkelen er ødelagt",
            message_id: "answer.1@deskmove.test",
            in_reply_to: Some("second@example.com"),
            references: &refs,
            body: "Hei Kari,\nvi sender en ny.\n\n-- \n— The Demo Co support team",
            date: std::time::SystemTime::UNIX_EPOCH,
        })
        .unwrap();
        let text = String::from_utf8(raw.clone()).unwrap();
        assert!(text.contains("\r\n"), "CRLF line ends");
        let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
        assert_eq!(parsed.message_id(), Some("answer.1@deskmove.test"));
        assert_eq!(parsed.subject(), Some("Re: Sykkelen er ødelagt"));
        let from = parsed.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some("Support email"));
        assert_eq!(from.address(), Some("support@demo.test"));
        assert_eq!(parsed.in_reply_to().as_text(), Some("second@example.com"));
        assert_eq!(parsed.references().as_text_list().map(|l| l.len()), Some(2));
        assert_eq!(
            parsed.body_text(0).unwrap().replace("\r\n", "\n"),
            "Hei Kari,\nvi sender en ny.\n\n-- \n— The Demo Co support team"
        );
        assert!(
            parsed.header("Auto-Submitted").is_none(),
            "a person wrote it"
        );
    }

    #[test]
    fn an_address_mail_cannot_take_is_said() {
        // R33
        let o = Outgoing {
            from_name: "",
            from_address: "support@demo.test",
            to: "+47 22 12 34 56",
            subject: "Re:",
            message_id: "a@b",
            in_reply_to: None,
            references: &[],
            body: "Hi",
            date: std::time::SystemTime::UNIX_EPOCH,
        };
        assert!(matches!(compose(&o), Err(ComposeError::To(_))));
    }
}
