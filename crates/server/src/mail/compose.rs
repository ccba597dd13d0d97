//! R33: an answer as the mail it is sent as, made once when it is committed:
//! From the channel, To the contact, "Re: …" once, its thread's In-Reply-To
//! and References, a Message-ID of ours, a plain UTF-8 body. A resend sends the
//! same bytes.

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
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("answer.{hex}@{domain}")
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

#[cfg(test)]
mod tests {
    use super::*;

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
