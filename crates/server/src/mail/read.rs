//! R32: a raw message (RFC 5322/MIME) read into what the rules and the store
//! need, with mail-parser: encoded words, charsets, `format=flowed`,
//! multipart/alternative, HTML-only mail as text, attachments by name.

use deskmove_rules::mail::{
    ignored, last_message_ids, message_ids, returned, unflow, Automatic, Ignored, Recipients,
    Returned, LONGEST_MESSAGE_ID, MOST_THREAD_IDS,
};
use deskmove_rules::text::{kept_text, one_line};
use deskmove_rules::Attachment;
use mail_parser::{Address, HeaderName, MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

/// R32: the largest message taken (413 over it; `deliver` exits 65).
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;

/// The most of a message's text kept as its body; all of it is in the `.eml`.
pub const MAX_BODY_CHARS: usize = 200_000;

/// The longest subject kept.
const MAX_SUBJECT_CHARS: usize = 500;

/// The most attachments listed with a message.
const MAX_ATTACHMENTS: usize = 100;

/// The most addresses read of one recipient header, and Message-IDs of one
/// In-Reply-To: what an honest message has, with room to spare.
const MAX_ADDRESSES: usize = 100;
const MAX_IN_REPLY_TO: usize = 10;

/// The parser as the defaults have it, but In-Reply-To and References kept as
/// they came: only the Message-IDs that count are read from them (the newest of
/// a long thread), however many a hostile header lists.
fn parser() -> MessageParser {
    MessageParser::new()
        .with_mime_headers()
        .with_date_headers()
        .with_address_headers()
        .header_text(HeaderName::Subject)
        .header_text(HeaderName::Comments)
        .header_id(HeaderName::MessageId)
        .header_raw(HeaderName::InReplyTo)
        .header_raw(HeaderName::References)
        .header_raw(HeaderName::ReturnPath)
}

/// Where Message-IDs Deskmove makes itself end, when the operator gave no
/// domain of its own.
pub const OWN_DOMAIN: &str = "deskmove.invalid";

/// What the rules need of one arriving message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    /// Its Message-ID without angle brackets: as it came, or made from its
    /// content when it has none (the same message, the same id).
    pub message_id: String,
    /// The sender's address, as the contact of a conversation it opens.
    pub from_address: String,
    /// The sender as their mail named them: `Kari Nordmann <kari@example.com>`.
    pub from: String,
    pub subject: String,
    pub body: String,
    pub recipients: Recipients,
    /// The Message-IDs it answers (In-Reply-To) and its thread (References).
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// An auto-reply or a bounce: it opens and re-opens nothing.
    pub ignored: Option<Ignored>,
    /// A bounce's word on the mail it returns (R33: an answer that failed).
    pub returned: Option<Returned>,
    pub attachments: Vec<Attachment>,
}

/// A delivery status notification's `message/delivery-status` part and the
/// returned mail's headers (`text/rfc822-headers` or the whole
/// `message/rfc822`), read by the rules (RFC 3464).
fn returned_by(message: &mail_parser::Message<'_>) -> Option<Returned> {
    let of_type = |ctype: &str, subtypes: &[&str]| {
        message.parts.iter().find(|p| {
            p.content_type().is_some_and(|t| {
                t.ctype().eq_ignore_ascii_case(ctype)
                    && t.subtype()
                        .is_some_and(|sub| subtypes.iter().any(|s| sub.eq_ignore_ascii_case(s)))
            })
        })
    };
    let text =
        |p: &mail_parser::MessagePart<'_>| String::from_utf8_lossy(p.contents()).into_owned();
    let status = of_type("message", &["delivery-status", "global-delivery-status"]).map(text)?;
    let original = of_type("text", &["rfc822-headers", "global-headers"])
        .or_else(|| of_type("message", &["rfc822", "global"]))
        .map(text)?;
    returned(&status, &original)
}

/// Why bytes are not a mail message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotAMessage {
    Empty,
    NoFrom,
}

impl NotAMessage {
    pub fn say(self) -> &'static str {
        match self {
            NotAMessage::Empty => "The request body is empty: send the raw mail message.",
            NotAMessage::NoFrom => {
                "This is not a mail message Deskmove can take: it has no From address to answer."
            }
        }
    }
}

/// Reads a raw message. `envelope_to` is the recipient the mail server
/// delivered it for, which comes before every header (R32).
pub fn read(raw: &[u8], envelope_to: Option<&str>) -> Result<Incoming, NotAMessage> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(NotAMessage::Empty);
    }
    let message = parser().parse(raw).ok_or(NotAMessage::NoFrom)?;
    let sender = message
        .from()
        .and_then(first_with_address)
        .or_else(|| message.sender().and_then(first_with_address))
        .ok_or(NotAMessage::NoFrom)?;
    let from_address = kept_text(sender.address().unwrap_or_default().trim());
    if from_address.is_empty() || from_address.chars().count() > 320 {
        return Err(NotAMessage::NoFrom);
    }
    let from = match sender.name().map(one_line) {
        Some(name) if !name.is_empty() => format!("{name} <{from_address}>"),
        _ => from_address.clone(),
    };

    // Headers kept as text, each on one line (bytes that are not UTF-8 read as
    // U+FFFD rather than losing the header).
    let raw_headers = |name: &str| -> Vec<String> {
        message
            .headers()
            .iter()
            .filter(|h| h.name().eq_ignore_ascii_case(name))
            .filter_map(|h| h.value().as_text())
            .take(MAX_ADDRESSES)
            .map(one_line)
            .collect()
    };
    let first_raw = |name: &str| raw_headers(name).into_iter().next();
    let addresses = |a: Option<&Address<'_>>| -> Vec<String> {
        a.map(|a| {
            a.iter()
                .take(MAX_ADDRESSES)
                .filter_map(|x| x.address())
                .map(|x| kept_text(x.trim()))
                .collect()
        })
        .unwrap_or_default()
    };
    let recipients = Recipients {
        envelope: envelope_to
            .map(|t| kept_text(t.trim()))
            .filter(|t| !t.is_empty()),
        delivered_to: raw_headers("Delivered-To"),
        original_to: raw_headers("X-Original-To"),
        to: addresses(message.to()),
        cc: addresses(message.cc()),
    };

    let root_type = message.root_part().content_type();
    let content_type = root_type.map(|t| match t.subtype() {
        Some(sub) => format!("{}/{}", t.ctype(), sub),
        None => t.ctype().to_string(),
    });
    let report_type = root_type.and_then(|t| t.attribute("report-type"));
    let auto_submitted = first_raw("Auto-Submitted");
    let x_autoreply = first_raw("X-Autoreply");
    let precedence = first_raw("Precedence");
    let return_path = first_raw("Return-Path");
    let ignored = ignored(&Automatic {
        auto_submitted: auto_submitted.as_deref(),
        x_autoreply: x_autoreply.as_deref(),
        precedence: precedence.as_deref(),
        content_type: content_type.as_deref(),
        report_type,
        return_path: return_path.as_deref(),
    });

    let message_id = match message.message_id().map(str::trim) {
        Some(id) if !id.is_empty() && !id.contains(char::is_whitespace) => id_key(&kept_text(id)),
        _ => content_id(raw),
    };
    let ids_in = |name: &str, keep: Keep| -> Vec<String> {
        let headers = raw_headers(name);
        let ids = match keep {
            Keep::First(n) => headers
                .iter()
                .flat_map(|v| message_ids(v, n))
                .take(n)
                .collect(),
            // The thread's newest are at the end of its last References.
            Keep::Last(n) => headers
                .last()
                .map(|v| last_message_ids(v, n))
                .unwrap_or_default(),
        };
        ids.iter().map(|id| id_key(&kept_text(id))).collect()
    };

    let returned = match ignored {
        Some(Ignored::Bounce) => returned_by(&message),
        _ => None,
    };
    let subject = message.subject().map(one_line).unwrap_or_default();
    Ok(Incoming {
        message_id,
        from_address,
        from,
        subject: cut(&subject, MAX_SUBJECT_CHARS),
        body: body_of(&message),
        recipients,
        in_reply_to: ids_in("In-Reply-To", Keep::First(MAX_IN_REPLY_TO)),
        references: ids_in("References", Keep::Last(MOST_THREAD_IDS)),
        ignored,
        returned,
        attachments: message
            .attachments()
            .take(MAX_ATTACHMENTS)
            .map(|part| Attachment {
                name: part
                    .attachment_name()
                    .map(|n| cut(&one_line(n), 255))
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "attachment".into()),
                content_type: part
                    .content_type()
                    .map(|t| match t.subtype() {
                        Some(sub) => format!("{}/{}", t.ctype(), sub),
                        None => t.ctype().to_string(),
                    })
                    .map(|t| cut(&kept_text(&t), 100))
                    .unwrap_or_else(|| "application/octet-stream".into()),
                size: part.len() as u64,
            })
            .collect(),
    })
}

/// Which of a header's Message-IDs are read.
#[derive(Clone, Copy)]
enum Keep {
    First(usize),
    Last(usize),
}

fn first_with_address<'a>(a: &'a Address<'a>) -> Option<&'a mail_parser::Addr<'a>> {
    a.iter()
        .find(|x| x.address().is_some_and(|a| !a.trim().is_empty()))
}

/// The text a message says: its text parts in order (HTML-only ones as text),
/// `format=flowed` undone; at most [`MAX_BODY_CHARS`].
fn body_of(message: &mail_parser::Message<'_>) -> String {
    let mut body = String::new();
    for (i, part) in message.text_bodies().enumerate() {
        let Some(text) = message.body_text(i) else {
            continue;
        };
        let flowed = part.content_type().is_some_and(|t| {
            t.subtype().is_some_and(|s| s.eq_ignore_ascii_case("plain"))
                && t.attribute("format")
                    .is_some_and(|f| f.eq_ignore_ascii_case("flowed"))
        });
        let delsp = part
            .content_type()
            .and_then(|t| t.attribute("delsp"))
            .is_some_and(|d| d.eq_ignore_ascii_case("yes"));
        let text = if flowed {
            unflow(&text, delsp)
        } else {
            text.replace("\r\n", "\n")
        };
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(text.trim_end());
        if body.len() > MAX_BODY_CHARS * 4 {
            break;
        }
    }
    let body = kept_text(&body);
    if body.chars().count() > MAX_BODY_CHARS {
        let mut cut: String = body.chars().take(MAX_BODY_CHARS).collect();
        cut.push_str("\n\n[…] The rest of this message is in its original (.eml).");
        cut
    } else {
        body
    }
}

/// A Message-ID as it is looked up: as it came, or, when it is longer than any
/// honest one, by its hash (the same long id always gives the same key).
pub fn id_key(id: &str) -> String {
    if id.len() <= LONGEST_MESSAGE_ID {
        id.to_string()
    } else {
        format!("long.{}@{OWN_DOMAIN}", hex(&Sha256::digest(id.as_bytes())))
    }
}

/// The Message-ID of a message without one: made from its bytes, so a mail
/// server's retry of it is the same message.
fn content_id(raw: &[u8]) -> String {
    format!("sha256.{}@{OWN_DOMAIN}", hex(&Sha256::digest(raw)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests;
