use super::*;
use deskmove_rules::mail::Ignored;

fn crlf(s: &str) -> Vec<u8> {
    s.replace('\n', "\r\n").into_bytes()
}

#[test]
fn encoded_words_and_charsets_are_decoded() {
    // R32
    let raw = crlf(
        "From: =?ISO-8859-1?Q?Kj=E6rsti_N=F8stvold?= <kjersti@example.com>\n\
To: Support <Support+web@fjord.example>\n\
Subject: =?UTF-8?B?QmVzdGlsbGluZyDDuGRlbGFndA==?=\n\
Message-ID: <abc.1@example.com>\n\
Content-Type: text/plain; charset=iso-8859-1\n\
Content-Transfer-Encoding: quoted-printable\n\
\n\
Hei, bestillingen min kom =F8delagt.\n",
    );
    let m = read(&raw, None).unwrap();
    assert_eq!(m.from, "Kjærsti Nøstvold <kjersti@example.com>");
    assert_eq!(m.from_address, "kjersti@example.com");
    assert_eq!(m.subject, "Bestilling ødelagt");
    assert_eq!(m.body, "Hei, bestillingen min kom ødelagt.");
    assert_eq!(m.message_id, "abc.1@example.com");
    assert_eq!(m.recipients.to, vec!["Support+web@fjord.example"]);
    assert_eq!(m.ignored, None);
}

#[test]
fn alternative_mail_reads_its_text_and_html_only_mail_reads_as_text() {
    // R32
    let alternative = crlf(
        "From: kari@example.com\nTo: support@fjord.example\nSubject: Hi\n\
Content-Type: multipart/alternative; boundary=\"b1\"\n\n\
--b1\nContent-Type: text/plain; charset=utf-8\n\nPlain words.\n\
--b1\nContent-Type: text/html; charset=utf-8\n\n<p>HTML <b>words</b>.</p>\n--b1--\n",
    );
    assert_eq!(read(&alternative, None).unwrap().body, "Plain words.");
    let html_only = crlf(
        "From: kari@example.com\nTo: support@fjord.example\nSubject: Hi\n\
Content-Type: text/html; charset=utf-8\n\n\
<html><body><p>Hello <b>there</b></p><script>alert(1)</script></body></html>\n",
    );
    let body = read(&html_only, None).unwrap().body;
    assert!(body.contains("Hello there"), "{body}");
    assert!(!body.contains('<'), "no markup is left: {body}");
}

#[test]
fn flowed_text_is_joined_and_attachments_are_listed() {
    // R32
    let raw = crlf(
        "From: kari@example.com\nTo: support@fjord.example\nSubject: Invoice\n\
Content-Type: multipart/mixed; boundary=\"m\"\n\n\
--m\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n\
This line goes \non here.\n\n\
--m\nContent-Type: application/pdf; name=\"faktura.pdf\"\n\
Content-Disposition: attachment; filename=\"faktura.pdf\"\n\
Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--m--\n",
    );
    let m = read(&raw, None).unwrap();
    assert_eq!(m.body, "This line goes on here.");
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].name, "faktura.pdf");
    assert_eq!(m.attachments[0].content_type, "application/pdf");
    assert_eq!(m.attachments[0].size, 9);
}

#[test]
fn threads_recipients_and_a_message_without_an_id() {
    // R32
    let raw = crlf(
        "Delivered-To: support@fjord.example\nX-Original-To: help@fjord.example\n\
From: kari@example.com\nTo: a@fjord.example, b@fjord.example\nCc: c@fjord.example\n\
In-Reply-To: <m2@fjord.example>\nReferences: <m1@example.com>\n <m2@fjord.example>\n\
Subject: Re: Hi\n\nYes.\n",
    );
    let m = read(&raw, Some(" support@fjord.example ")).unwrap();
    assert_eq!(
        m.recipients.envelope.as_deref(),
        Some("support@fjord.example")
    );
    assert_eq!(m.recipients.delivered_to, vec!["support@fjord.example"]);
    assert_eq!(m.recipients.original_to, vec!["help@fjord.example"]);
    assert_eq!(m.recipients.to, vec!["a@fjord.example", "b@fjord.example"]);
    assert_eq!(m.recipients.cc, vec!["c@fjord.example"]);
    assert_eq!(m.in_reply_to, vec!["m2@fjord.example"]);
    assert_eq!(m.references, vec!["m1@example.com", "m2@fjord.example"]);
    assert!(m.message_id.starts_with("sha256."), "{}", m.message_id);
    assert_eq!(
        read(&raw, None).unwrap().message_id,
        m.message_id,
        "the same bytes, the same id"
    );
    let mut other = raw.clone();
    other.extend_from_slice(b"More.\r\n");
    assert_ne!(read(&other, None).unwrap().message_id, m.message_id);
}

#[test]
fn auto_replies_and_bounces_are_told() {
    // R32
    let auto = crlf(
        "From: kari@example.com\nTo: support@fjord.example\nAuto-Submitted: auto-replied\n\
Subject: Out of office\n\nAway.\n",
    );
    assert_eq!(read(&auto, None).unwrap().ignored, Some(Ignored::AutoReply));
    let bounce = crlf(
        "From: MAILER-DAEMON@mx.example.com\nTo: support@fjord.example\nSubject: Undelivered\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n\
--r\nContent-Type: text/plain\n\nIt failed.\n\
--r\nContent-Type: message/delivery-status\n\nStatus: 5.1.1\n--r--\n",
    );
    assert_eq!(read(&bounce, None).unwrap().ignored, Some(Ignored::Bounce));
}

#[test]
fn what_is_not_a_message_says_so() {
    // R32
    assert_eq!(read(b"", None), Err(NotAMessage::Empty));
    assert_eq!(read(b" \r\n", None), Err(NotAMessage::Empty));
    assert_eq!(
        read(b"just some words, no headers", None),
        Err(NotAMessage::NoFrom)
    );
    assert_eq!(
        read(b"Subject: no sender\r\n\r\nHi", None),
        Err(NotAMessage::NoFrom)
    );
}

#[test]
fn a_huge_message_id_is_kept_by_its_hash() {
    // R32
    let long = format!("{}@example.com", "x".repeat(5000));
    let raw = crlf(&format!(
        "From: kari@example.com\nMessage-ID: <{long}>\nIn-Reply-To: <{long}>\n\nHi\n"
    ));
    let m = read(&raw, None).unwrap();
    assert!(m.message_id.len() < 200);
    assert_eq!(m.in_reply_to, vec![m.message_id.clone()]);
}
