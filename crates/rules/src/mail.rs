//! R32: what the rules decide about an arriving email, from its envelope and
//! headers as the server's MIME parser read them: which email channel it is for,
//! which conversation it continues, and whether it is an automatic message that
//! must never open or re-open one.

use crate::domain::{Channel, ChannelId, ChannelKind, Language, Pipeline, StatusId, StatusState};
use crate::setup::looks_like_email;

/// An address as channels are matched on it: without case, and without the
/// `+tag` of plus-addressing (`Support+Order-7@Fjord.example` →
/// `support@fjord.example`). `None` for what is not an address.
pub fn recipient_key(address: &str) -> Option<String> {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, domain) = address.rsplit_once('@')?;
    let local = local.split_once('+').map_or(local, |(base, _)| base);
    if local.is_empty() || domain.is_empty() || domain.contains(char::is_whitespace) {
        return None;
    }
    Some(format!("{local}@{domain}").to_lowercase())
}

/// The recipients an email names, in the order R32 reads them: the envelope's
/// (given by the mail server), then Delivered-To, X-Original-To, To and Cc.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recipients {
    pub envelope: Option<String>,
    pub delivered_to: Vec<String>,
    pub original_to: Vec<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
}

/// R32: the email channel the message is for: the first recipient, in R32's
/// order, that is an email channel's address: as it is (without case), or
/// else without its `+tag`, so a channel whose own address has a tag
/// (`support+vip@`) gets its mail and the plain one (`support@`) the rest.
/// Fallback addresses and channels of other kinds never take mail this way.
pub fn channel_for(channels: &[Channel], r: &Recipients) -> Option<ChannelId> {
    let email: Vec<(ChannelId, String)> = channels
        .iter()
        .filter(|c| c.kind == ChannelKind::Email)
        .map(|c| (c.id, bare(&c.address).to_lowercase()))
        .collect();
    let wanted = r
        .envelope
        .iter()
        .chain(&r.delivered_to)
        .chain(&r.original_to)
        .chain(&r.to)
        .chain(&r.cc);
    for address in wanted {
        let exact = bare(address).to_lowercase();
        let untagged = recipient_key(address);
        let found = email
            .iter()
            .find(|(_, a)| *a == exact)
            .or_else(|| email.iter().find(|(_, a)| Some(a) == untagged.as_ref()));
        if let Some((id, _)) = found {
            return Some(*id);
        }
    }
    None
}

/// An address without the spaces and angle brackets around it.
fn bare(address: &str) -> &str {
    address
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
}

/// The first `most` Message-IDs an In-Reply-To or References header names, in
/// order, each without its angle brackets; text between them (comments, old
/// mailers' phrases) is skipped. A header with no angle brackets at all (old
/// mailers) is one Message-ID when it is one word with an `@`.
pub fn message_ids(header: &str, most: usize) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = header;
    while ids.len() < most {
        let Some(start) = rest.find('<') else {
            break;
        };
        let Some(len) = rest[start + 1..].find('>') else {
            break;
        };
        let id = rest[start + 1..start + 1 + len].trim();
        if !id.is_empty() && !id.contains(char::is_whitespace) {
            ids.push(id.to_string());
        }
        rest = &rest[start + 1 + len + 1..];
    }
    let bare = header.trim();
    if ids.is_empty()
        && most > 0
        && !header.contains('<')
        && bare.contains('@')
        && !bare.contains(char::is_whitespace)
    {
        ids.push(bare.to_string());
    }
    ids
}

/// The last `most` Message-IDs a References header names, oldest first: a long
/// thread's newest messages are at its end. Reads the header once and keeps no
/// more than `most`, however long it is.
pub fn last_message_ids(header: &str, most: usize) -> Vec<String> {
    let mut kept = std::collections::VecDeque::with_capacity(most.min(1024));
    let mut rest = header;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start + 1..].find('>') else {
            break;
        };
        let id = rest[start + 1..start + 1 + len].trim();
        if most > 0 && !id.is_empty() && !id.contains(char::is_whitespace) {
            if kept.len() == most {
                kept.pop_front();
            }
            kept.push_back(id);
        }
        rest = &rest[start + 1 + len + 1..];
    }
    kept.into_iter().map(str::to_string).collect()
}

/// The headers that tell an automatic message (RFC 3834) or a bounce.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Automatic<'a> {
    pub auto_submitted: Option<&'a str>,
    pub x_autoreply: Option<&'a str>,
    pub precedence: Option<&'a str>,
    /// The top-level media type, e.g. `multipart/report`.
    pub content_type: Option<&'a str>,
    /// The `report-type` parameter of a `multipart/report`.
    pub report_type: Option<&'a str>,
    /// The envelope sender (Return-Path); `<>` is a bounce's.
    pub return_path: Option<&'a str>,
}

/// Why an email must open and re-open nothing (R32), if it must not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ignored {
    AutoReply,
    Bounce,
}

impl Ignored {
    /// As API.md's `{"ignored": …}` says it.
    pub fn as_str(self) -> &'static str {
        match self {
            Ignored::AutoReply => "auto_reply",
            Ignored::Bounce => "bounce",
        }
    }
}

/// R32: a delivery status notification (a bounce) or an automatic reply.
pub fn ignored(h: &Automatic<'_>) -> Option<Ignored> {
    let is = |v: Option<&str>, any: &[&str]| {
        v.map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|v| any.iter().any(|a| v == *a))
    };
    let report = is(h.content_type, &["multipart/report"])
        && is(
            h.report_type,
            &["delivery-status", "disposition-notification"],
        );
    if report {
        return Some(Ignored::Bounce);
    }
    let auto_submitted = h
        .auto_submitted
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|v| !v.is_empty() && v != "no");
    if auto_submitted
        || h.x_autoreply.is_some()
        || is(h.precedence, &["bulk", "list", "junk", "auto_reply"])
    {
        return Some(Ignored::AutoReply);
    }
    // Anything else from the null sender is a bounce of an older kind.
    let null_sender = h.return_path.is_some_and(|p| {
        p.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .is_empty()
    });
    null_sender.then_some(Ignored::Bounce)
}

/// R33: what a delivery status notification (RFC 3464) says of the mail it
/// returns: whose Message-ID, and why it could not be delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Returned {
    pub message_id: String,
    /// The addresses that failed (`Final-Recipient`, `Original-Recipient`),
    /// in lower case: a bounce counts for an answer only if it names the
    /// answer's own recipient (not someone it was forwarded to).
    pub recipients: Vec<String>,
    /// The receiving server's words (`Diagnostic-Code`), else the status code.
    pub reason: String,
}

/// The fields of a header block, folded lines joined: (name, value), names in
/// lower case.
fn fields(block: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = out.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    out
}

/// R33: a bounce of a mail we sent: `status` is its `message/delivery-status`
/// part, `original` the returned mail's headers (or the whole of it). Only a
/// recipient that failed for good counts; a delay is no bounce.
pub fn returned(status: &str, original: &str) -> Option<Returned> {
    let status = fields(status);
    let failed = status
        .iter()
        .any(|(n, v)| n == "action" && v.eq_ignore_ascii_case("failed"));
    if !failed {
        return None;
    }
    let said = |name: &str| {
        status
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    // "smtp; 550 5.1.1 …": the words after the type.
    let reason = said("diagnostic-code")
        .map(|d| match d.split_once(';') {
            Some((_, words)) => words.trim().to_string(),
            None => d,
        })
        .or_else(|| said("status"))?;
    let recipients = status
        .iter()
        .filter(|(n, _)| n == "final-recipient" || n == "original-recipient")
        .filter_map(|(_, v)| {
            let address = v.split_once(';').map_or(v.as_str(), |(_, a)| a).trim();
            let address = address.trim_start_matches('<').trim_end_matches('>');
            (!address.is_empty()).then(|| address.to_lowercase())
        })
        .collect();
    // The returned mail's header block only: a body line never counts.
    let original = original.replace("\r\n", "\n");
    let head = original.split("\n\n").next().unwrap_or(&original);
    let message_id = fields(head)
        .into_iter()
        .find(|(n, _)| n == "message-id")
        .and_then(|(_, v)| message_ids(&v, 1).into_iter().next())?;
    Some(Returned {
        message_id,
        recipients,
        reason: crate::text::one_line(&reason).chars().take(1000).collect(),
    })
}

/// The most Message-IDs of a message's In-Reply-To and References looked up: a
/// long thread's References lists every message; the newest are at its end.
pub const MOST_THREAD_IDS: usize = 100;

/// The longest Message-ID kept as it came; a longer one is kept by its hash, so
/// a hostile header can't make an index entry of a megabyte.
pub const LONGEST_MESSAGE_ID: usize = 500;

/// R32: the Message-IDs a message may continue, the likeliest first: In-Reply-To
/// (the message it answers), then References from its end (the thread's newest).
/// Without repeats, and at most [`MOST_THREAD_IDS`].
pub fn thread_candidates(in_reply_to: &[String], references: &[String]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in in_reply_to.iter().chain(references.iter().rev()) {
        if ids.len() == MOST_THREAD_IDS {
            break;
        }
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    ids
}

/// R32: the ticket status a reply re-opens a closed conversation's ticket to: the
/// pipeline's first open status; `None` while the ticket is open already.
pub fn reopened_status(pipeline: &Pipeline, current: StatusId) -> Option<StatusId> {
    let closed = pipeline
        .statuses
        .iter()
        .any(|s| s.id == current && s.state == StatusState::Closed);
    if !closed {
        return None;
    }
    pipeline
        .statuses
        .iter()
        .find(|s| s.state == StatusState::Open)
        .map(|s| s.id)
}

/// Undoes `format=flowed` (RFC 3676): a line ending in a space goes on in the
/// next one (with `delsp=yes`, without that space); space-stuffing is removed;
/// quoted lines join only lines of the same depth; the signature separator
/// `-- ` never flows.
pub fn unflow(text: &str, delsp: bool) -> String {
    let mut lines: Vec<String> = Vec::new();
    // The quote depth of the paragraph the last line leaves open, if it flowed.
    let mut open: Option<usize> = None;
    for raw in text.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let depth = line.bytes().take_while(|b| *b == b'>').count();
        let content = &line[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        let flowed = content.ends_with(' ') && content != "-- ";
        let piece = if flowed && delsp {
            &content[..content.len() - 1]
        } else {
            content
        };
        match (open, lines.last_mut()) {
            // A paragraph flows on only at its own depth (RFC 3676 4.5).
            (Some(d), Some(last)) if d == depth => last.push_str(piece),
            _ => {
                let mut l = ">".repeat(depth);
                if depth > 0 {
                    l.push(' ');
                }
                l.push_str(piece);
                lines.push(l);
            }
        }
        open = flowed.then_some(depth);
    }
    lines.join("\n")
}

/// The longest field values a web form may post, in characters.
pub const FORM_NAME_MAX: usize = 200;
pub const FORM_SUBJECT_MAX: usize = 300;
pub const FORM_MESSAGE_MAX: usize = 20_000;

/// What a visitor posted to a form channel (R32). `website` is the honeypot:
/// hidden from people, filled in by bots.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormSubmission {
    pub email: String,
    pub name: String,
    pub subject: String,
    pub message: String,
    pub website: String,
}

/// Why a form submission opens nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormProblem {
    EmailMissing,
    EmailInvalid,
    TooLong { field: &'static str, max: usize },
}

/// R32: a submission opens a conversation with an email address to answer; a
/// honeypot filled in is for the caller to drop quietly.
pub fn validate_form(f: &FormSubmission) -> Result<(), FormProblem> {
    let email = f.email.trim();
    if email.is_empty() {
        return Err(FormProblem::EmailMissing);
    }
    if !looks_like_email(email) || email.chars().count() > 254 {
        return Err(FormProblem::EmailInvalid);
    }
    for (field, value, max) in [
        ("name", &f.name, FORM_NAME_MAX),
        ("subject", &f.subject, FORM_SUBJECT_MAX),
        ("message", &f.message, FORM_MESSAGE_MAX),
    ] {
        if value.chars().count() > max {
            return Err(FormProblem::TooLong { field, max });
        }
    }
    Ok(())
}

/// The subject a form submission's conversation gets: the one posted, else the
/// message's first line (shortened), else the form's name.
pub fn form_subject(f: &FormSubmission, form_name: &str) -> String {
    let given = f.subject.trim();
    if !given.is_empty() {
        return given.to_string();
    }
    let first = f.message.lines().map(str::trim).find(|l| !l.is_empty());
    match first {
        Some(line) if line.chars().count() > 80 => {
            let mut s: String = line.chars().take(79).collect();
            s.push('…');
            s
        }
        Some(line) => line.to_string(),
        None => form_name.to_string(),
    }
}

/// The language a visitor's browser asks for (`Accept-Language`), among the
/// app's; English when none of them is asked for.
pub fn language_of(accept_language: &str) -> Language {
    let mut best: Option<(f32, usize, Language)> = None;
    for (order, item) in accept_language.split(',').enumerate() {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .filter_map(|q| q.trim().parse::<f32>().ok())
            .next()
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        let language = match primary {
            "en" => Language::English,
            "de" => Language::German,
            // Norwegian, Bokmål or not, reads Bokmål.
            "nb" | "no" | "nn" => Language::NorwegianBokmal,
            _ => continue,
        };
        if q <= 0.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((bq, bo, _)) => q > bq || (q == bq && order < bo),
        };
        if better {
            best = Some((q, order, language));
        }
    }
    best.map_or(Language::English, |(_, _, l)| l)
}

#[cfg(test)]
mod tests;
