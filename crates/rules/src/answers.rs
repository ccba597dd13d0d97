//! R33: an agent's answer: what it says and under which signature, its subject
//! and thread headers, when a failed send is tried again, and how its ticket's
//! first-reply SLA stands.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::SlaDue;
use crate::requests::{all_or_errors, Text};
use crate::validation::FieldError;

/// The longest answer, in characters.
pub const MAX_ANSWER_CHARS: usize = 20_000;

/// `POST /api/conversations/{id}/replies`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRequest {
    #[serde(default)]
    pub body: String,
}

/// An answer says something, and not a book.
pub fn validate_answer(a: &AnswerRequest) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    Text {
        field: "body",
        what: "answer",
        max: MAX_ANSWER_CHARS,
        required: true,
    }
    .check(&a.body, &mut errors);
    all_or_errors(errors, ())
}

/// The answer as it is mailed: the agent's words, then the channel's signature
/// under the signature separator (R6: the channel's, before and after a move).
pub fn with_signature(body: &str, signature: Option<&str>) -> String {
    let body = body.trim_end();
    match signature.map(str::trim).filter(|s| !s.is_empty()) {
        Some(signature) => format!("{body}\n\n-- \n{signature}"),
        None => body.to_string(),
    }
}

/// "Re: " once: a subject that is a reply already (in any case, or as German
/// and Nordic mailers write it) stays as it is.
pub fn reply_subject(subject: &str) -> String {
    let subject = subject.trim();
    let lower = subject.to_lowercase();
    let replied = ["re:", "aw:", "sv:"].iter().any(|p| lower.starts_with(p));
    if subject.is_empty() {
        "Re:".to_string()
    } else if replied {
        subject.to_string()
    } else {
        format!("Re: {subject}")
    }
}

/// The most Message-IDs an answer's References names: the thread's first and
/// its newest, as RFC 5322 3.6.4 allows a long thread to be shortened.
pub const MOST_REFERENCES: usize = 20;

/// In-Reply-To and References of an answer to a thread whose Message-IDs are
/// `thread` (oldest first): it answers the newest; References keeps the first
/// and the newest.
pub fn thread_headers(thread: &[String]) -> (Option<String>, Vec<String>) {
    let in_reply_to = thread.last().cloned();
    let references = if thread.len() <= MOST_REFERENCES {
        thread.to_vec()
    } else {
        let mut r = vec![thread[0].clone()];
        r.extend_from_slice(&thread[thread.len() - (MOST_REFERENCES - 1)..]);
        r
    };
    (in_reply_to, references)
}

/// How long a send that failed for now (the relay's 4xx, no connection) waits
/// before its next try: a minute, doubling to an hour.
pub fn retry_after(attempts: u32) -> Duration {
    let minutes = 1i64 << attempts.saturating_sub(1).min(6);
    Duration::minutes(minutes.min(60))
}

/// How long an answer is tried before it fails for good.
pub fn give_up_after() -> Duration {
    Duration::hours(24)
}

/// Where a ticket's first reply stands against its SLA (R33, R8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FirstReply {
    /// No SLA counts for it.
    NoSla,
    /// Answered in time.
    Met,
    /// Answered, `late_by_seconds` after it was due.
    MetLate { late_by_seconds: i64 },
    /// Not answered, and due `late_by_seconds` ago.
    Overdue { late_by_seconds: i64 },
    /// Not answered yet, due in `due_in_seconds`.
    DueIn { due_in_seconds: i64 },
}

/// R33: the first answer on a ticket meets its first-reply SLA when it comes
/// by the due time.
pub fn first_reply(
    sla: Option<SlaDue>,
    first_replied_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> FirstReply {
    let Some(due) = sla.map(|s| s.first_reply_due) else {
        return FirstReply::NoSla;
    };
    match first_replied_at {
        Some(at) if at <= due => FirstReply::Met,
        Some(at) => FirstReply::MetLate {
            late_by_seconds: (at - due).num_seconds(),
        },
        None if now > due => FirstReply::Overdue {
            late_by_seconds: (now - due).num_seconds(),
        },
        None => FirstReply::DueIn {
            due_in_seconds: (due - now).num_seconds(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_signature_goes_under_the_separator() {
        // R33, R6
        assert_eq!(
            with_signature(
                "Hello Kari,\nfixed.\n\n",
                Some(" — The Demo Co support team ")
            ),
            "Hello Kari,\nfixed.\n\n-- \n— The Demo Co support team"
        );
        assert_eq!(with_signature("Hi", Some("  ")), "Hi");
        assert_eq!(with_signature("Hi", None), "Hi");
    }

    #[test]
    fn re_comes_once() {
        // R33
        assert_eq!(reply_subject("Saddle"), "Re: Saddle");
        assert_eq!(reply_subject("Re: Saddle"), "Re: Saddle");
        assert_eq!(reply_subject("RE: Saddle"), "RE: Saddle");
        assert_eq!(reply_subject("AW: Sattel"), "AW: Sattel");
        assert_eq!(reply_subject("SV: Sal"), "SV: Sal");
        assert_eq!(reply_subject("Reisen"), "Re: Reisen");
        assert_eq!(reply_subject(""), "Re:");
    }

    #[test]
    fn an_answer_names_the_newest_and_a_long_thread_is_shortened() {
        // R33
        let ids: Vec<String> = (0..30).map(|i| format!("{i}@x")).collect();
        let (reply, refs) = thread_headers(&ids[..3]);
        assert_eq!(reply.as_deref(), Some("2@x"));
        assert_eq!(refs, ids[..3]);
        let (reply, refs) = thread_headers(&ids);
        assert_eq!(reply.as_deref(), Some("29@x"));
        assert_eq!(refs.len(), MOST_REFERENCES);
        assert_eq!(refs[0], "0@x");
        assert_eq!(refs[1], "11@x");
        assert_eq!(thread_headers(&[]), (None, vec![]));
    }

    #[test]
    fn a_failed_send_waits_longer_each_time_up_to_an_hour() {
        // R33
        let waits: Vec<i64> = (1..=9).map(|a| retry_after(a).num_minutes()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }

    #[test]
    fn the_first_reply_is_met_late_overdue_or_due() {
        // R33, R8
        let due = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap();
        let sla = Some(SlaDue {
            first_reply_due: due,
            close_due: due + Duration::hours(44),
        });
        let h = Duration::hours(1);
        assert_eq!(first_reply(None, None, due), FirstReply::NoSla);
        assert_eq!(first_reply(sla, Some(due - h), due + h), FirstReply::Met);
        assert_eq!(
            first_reply(sla, Some(due + h), due + h),
            FirstReply::MetLate {
                late_by_seconds: 3600
            }
        );
        assert_eq!(
            first_reply(sla, None, due + h * 2),
            FirstReply::Overdue {
                late_by_seconds: 7200
            }
        );
        assert_eq!(
            first_reply(sla, None, due - h),
            FirstReply::DueIn {
                due_in_seconds: 3600
            }
        );
    }

    #[test]
    fn an_answer_says_something() {
        // R33
        assert!(validate_answer(&AnswerRequest { body: " \n".into() }).is_err());
        assert!(validate_answer(&AnswerRequest { body: "Hi".into() }).is_ok());
        assert!(validate_answer(&AnswerRequest {
            body: "x".repeat(MAX_ANSWER_CHARS + 1)
        })
        .is_err());
    }
}
