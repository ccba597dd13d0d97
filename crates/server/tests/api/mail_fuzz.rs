//! R32: any byte sequence as a mail message is a clear error or a conversation,
//! never a 5xx and never a panic: 10,000 generated and mutated messages
//! (truncated MIME, wrong boundaries, bad charsets, 1 MB headers, multiparts
//! 100 deep, NULs and broken UTF-8), each read in process and delivered over
//! HTTP; the database holds its invariants after.

use std::sync::Arc;

use deskmove_server::mail::read::read;
use futures_util::StreamExt;
use reqwest::StatusCode;

use crate::helpers::{client, spawn_app_with, INGEST_TOKEN};

const MESSAGES: usize = 10_000;

/// A small deterministic random source: the same run on every machine.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Well-formed messages of every shape the reader knows, to mutate.
fn corpus() -> Vec<Vec<u8>> {
    let head =
        "From: =?UTF-8?Q?K=C3=A5re?= <kare@example.com>\r\nTo: Support <support@demo.test>\r\n\
                Subject: =?ISO-8859-1?B?SGVqIGTlIQ==?=\r\n";
    let mut out: Vec<Vec<u8>> = vec![
        format!("{head}Content-Type: text/plain; charset=utf-8\r\n\r\nHello there.\r\n"),
        format!(
            "{head}Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n\r\n\
             A long line that \r\nflows on.\r\n> quoted \r\n> too\r\n"
        ),
        format!(
            "{head}Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\n\
             Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
             Bl=E5b=E6r\r\n--alt\r\nContent-Type: text/html\r\n\r\n<p>Bl&aring;b&aelig;r</p>\r\n--alt--\r\n"
        ),
        format!(
            "{head}Content-Type: multipart/mixed; boundary=mix\r\n\r\n--mix\r\n\
             Content-Type: text/plain\r\n\r\nSee attached.\r\n--mix\r\n\
             Content-Type: application/pdf; name=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\
             Content-Disposition: attachment; filename*=UTF-8''%C3%A5.pdf\r\n\r\nJVBERi0xLjQK\r\n\
             --mix\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@example.com\r\nSubject: inner\r\n\r\ninner body\r\n\
             --mix--\r\n"
        ),
        format!(
            "{head}Content-Type: text/html; charset=windows-1252\r\n\r\n\
             <html><body><script>x()</script><p>Gr\u{fc}\u{df}e</p></body></html>\r\n"
        ),
        format!(
            "{head}In-Reply-To: <known@example.com>\r\nReferences: <a@x> <b@y>\r\nAuto-Submitted: auto-replied\r\n\r\nAway\r\n"
        ),
        format!(
            "From: MAILER-DAEMON@example.com\r\nTo: support@demo.test\r\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n\
             --r\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.0.0\r\n--r--\r\n"
        ),
        format!(
            "{head}Content-Type: text/plain; charset=shift_jis\r\nContent-Transfer-Encoding: base64\r\n\r\n\
             gsSC8YLJgr+CzQ==\r\n"
        ),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    // Multiparts 100 deep.
    let mut deep = head.to_string();
    for d in 0..100 {
        deep.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{d}\"\r\n\r\n--b{d}\r\n"
        ));
    }
    deep.push_str("Content-Type: text/plain\r\n\r\nat the bottom\r\n");
    for d in (0..100).rev() {
        deep.push_str(&format!("--b{d}--\r\n"));
    }
    out.push(deep.into_bytes());
    out
}

/// One of the ways a message goes wrong on the way.
fn mutate(dice: &mut Dice, base: &[u8]) -> Vec<u8> {
    let mut m = base.to_vec();
    for _ in 0..=dice.below(3) {
        if m.is_empty() {
            m.push(b'x');
        }
        let at = dice.below(m.len());
        match dice.below(10) {
            // Truncated anywhere.
            0 => m.truncate(at),
            // Bytes flipped, including to NUL and to broken UTF-8.
            1 => {
                for _ in 0..=dice.below(8) {
                    let i = dice.below(m.len());
                    m[i] = *dice.pick(&[0u8, 0xff, 0xc3, 0x80, b'=', b'-', b'\n', b'"', b';']);
                }
            }
            // A wrong boundary, or one that never ends.
            2 => {
                let s = String::from_utf8_lossy(&m).into_owned();
                m = s
                    .replacen(
                        "boundary=",
                        dice.pick::<&str>(&["boundary=zz", "boundary=", "x="]),
                        1,
                    )
                    .replace("--\r\n", "\r\n")
                    .into_bytes();
            }
            // A charset no one has heard of, or a dangerous one.
            3 => {
                let s = String::from_utf8_lossy(&m).into_owned();
                m = s
                    .replace(
                        "charset=",
                        dice.pick::<&str>(&[
                            "charset=x-unknown-",
                            "charset=utf-7;x=",
                            "charset=utf-16",
                        ]),
                    )
                    .into_bytes();
            }
            // Random bytes inserted.
            4 => {
                let n = dice.below(64);
                let junk: Vec<u8> = (0..n).map(|_| dice.next() as u8).collect();
                m.splice(at..at, junk);
            }
            // Encoded words and encodings broken.
            5 => m
                .splice(
                    at..at,
                    dice.pick(&[
                        &b"=?UTF-8?B?////?="[..],
                        b"=?x?Q?=ZZ?=",
                        b"=\r\n=",
                        b"=?utf-8?q?",
                        b"Content-Transfer-Encoding: base64\r\n",
                    ])
                    .iter()
                    .copied(),
                )
                .for_each(drop),
            // Headers repeated or torn off.
            6 => {
                let part = m[..at].to_vec();
                m.extend_from_slice(&part);
            }
            7 => {
                m.drain(..at.min(m.len()));
            }
            // Lines without ends, or with lone CRs.
            8 => {
                m = m
                    .into_iter()
                    .map(|b| if b == b'\n' { b'\r' } else { b })
                    .collect()
            }
            // A nested message inside a nested message.
            _ => {
                let inner = m.clone();
                let mut outer = b"From: a@example.com\r\nTo: support@demo.test\r\n\
                    Content-Type: message/rfc822\r\n\r\n"
                    .to_vec();
                outer.extend(inner);
                m = outer;
            }
        }
    }
    m
}

/// Messages with megabyte headers: one header of 1 MB, and a megabyte of
/// short ones. Sent as they are (mutating them would only make more of them).
fn huge() -> Vec<Vec<u8>> {
    let head = "From: kari@example.com\r\nTo: support@demo.test\r\n";
    let mut one = format!("{head}X-Big: ").into_bytes();
    one.extend(std::iter::repeat_n(b'a', 1024 * 1024));
    one.extend_from_slice(b"\r\n\r\nbody\r\n");
    let mut many = head.as_bytes().to_vec();
    for i in 0..60_000 {
        many.extend_from_slice(format!("X-N{i}: v\r\n").as_bytes());
    }
    many.extend_from_slice(b"\r\nbody\r\n");
    let mut subject = format!("{head}Subject: ").into_bytes();
    subject.extend(std::iter::repeat_n(b'=', 1024 * 1024));
    subject.extend_from_slice(b"\r\n\r\nbody\r\n");
    vec![one, many, subject]
}

/// Every message of the run: the corpus as it is, the huge ones, then
/// mutations, some of them random bytes with no mail in them at all.
fn messages() -> Vec<Vec<u8>> {
    let corpus = corpus();
    let mut dice = Dice(SEED);
    let mut out = corpus.clone();
    out.extend(huge());
    while out.len() < MESSAGES {
        if dice.below(20) == 0 {
            let n = dice.below(2000);
            out.push((0..n).map(|_| dice.next() as u8).collect());
        } else {
            let base = dice.pick(&corpus).clone();
            out.push(mutate(&mut dice, &base));
        }
    }
    out
}

/// The run's seed: change it to explore, keep it to reproduce.
const SEED: u64 = 0x5eed_0f4a_11ed;

#[test]
fn no_message_panics_the_reader() {
    // R32
    for (i, m) in messages().iter().enumerate() {
        let read = std::panic::catch_unwind(|| read(m, Some("support@demo.test")));
        assert!(read.is_ok(), "message {i} panicked the reader");
    }
}

#[tokio::test]
async fn ten_thousand_broken_messages_are_each_a_clear_error_or_a_conversation() {
    // R32, I5
    let app = spawn_app_with(|s| s.demo_conversations = 10).await;
    let all = Arc::new(messages());
    let url = Arc::new(app.url("/api/ingest/email"));
    let http = client();
    let answers: Vec<(usize, StatusCode, String)> = futures_util::stream::iter(0..all.len())
        .map(|i| {
            let (all, url, http) = (all.clone(), url.clone(), http.clone());
            async move {
                let res = http
                    .post(url.as_str())
                    .bearer_auth(INGEST_TOKEN)
                    .header("content-type", "message/rfc822")
                    .body(all[i].clone())
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("message {i}: no answer: {e}"));
                let status = res.status();
                let body = res.text().await.unwrap_or_default();
                (i, status, body)
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut by_status = std::collections::BTreeMap::new();
    for (i, status, body) in &answers {
        assert!(
            [200, 201, 202, 400, 413, 422].contains(&status.as_u16()),
            "message {i}: {status} {body}"
        );
        if !status.is_success() {
            let parsed: serde_json::Value = serde_json::from_str(body)
                .unwrap_or_else(|_| panic!("message {i}: not the error body: {body}"));
            assert!(
                parsed["error"]["message"].is_string(),
                "message {i}: {body}"
            );
        }
        *by_status.entry(status.as_u16()).or_insert(0) += 1;
    }
    eprintln!("answers by status: {by_status:?}");
    assert!(
        by_status.get(&201).copied().unwrap_or(0) > 1000,
        "{by_status:?}"
    );
    assert!(
        by_status.get(&400).copied().unwrap_or(0) > 100,
        "{by_status:?}"
    );
    assert!(
        app.store.check().await.unwrap().is_empty(),
        "the invariants hold"
    );
}
