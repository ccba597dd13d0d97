//! R32: what the rules decide about an arriving email, from its envelope and
//! headers as the server's MIME parser read them: which email channel it is for,
//! which conversation it continues, and whether it is an automatic message that
//! must never open or re-open one.

use crate::domain::{Channel, ChannelId, ChannelKind};

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
/// order, that is an email channel's address. Fallback addresses and channels
/// of other kinds never take mail this way.
pub fn channel_for(channels: &[Channel], r: &Recipients) -> Option<ChannelId> {
    let wanted = r
        .envelope
        .iter()
        .chain(&r.delivered_to)
        .chain(&r.original_to)
        .chain(&r.to)
        .chain(&r.cc)
        .filter_map(|a| recipient_key(a));
    for key in wanted {
        if let Some(c) = channels.iter().find(|c| {
            c.kind == ChannelKind::Email && recipient_key(&c.address) == Some(key.clone())
        }) {
            return Some(c.id);
        }
    }
    None
}

/// The Message-IDs an In-Reply-To or References header names, in order, each
/// without its angle brackets; text between them (comments, old mailers'
/// phrases) is skipped.
pub fn message_ids(header: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = header;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start + 1..].find('>') else {
            break;
        };
        let id = rest[start + 1..start + 1 + len].trim();
        if !id.is_empty() && !id.contains(char::is_whitespace) {
            ids.push(id.to_string());
        }
        rest = &rest[start + 1 + len + 1..];
    }
    ids
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

#[cfg(test)]
mod tests;
