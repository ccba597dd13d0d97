//! R33: the outbox's sender, one per server: it claims answers that are due,
//! sends each through the operator's relay without holding the write lock, and
//! records how it went: `sent` on the relay's 2xx, `failed` at once on a 5xx,
//! and otherwise tried again with backoff for up to a day.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use deskmove_rules::answers::{give_up_after, retry_after};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::engine::Engine;
use crate::store::{Claimed, ClaimedLink, Store};

/// How long one send may take, greeting to the relay's answer.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// Answers claimed at once.
const BATCH: i64 = 16;

/// The operator's relay (`--smtp-url`).
#[derive(Clone)]
pub struct Relay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// What the log and the page may say of it: no password.
    pub shown: String,
}

/// Why `--smtp-url` can't be used.
#[derive(Debug, thiserror::Error)]
#[error("--smtp-url: {0}")]
pub struct RelayError(String);

impl Relay {
    /// `smtp://[user:pass@]host[:port]` (STARTTLS when the relay offers it;
    /// `?tls=required` insists, `?tls=none` never), or `smtps://…` (TLS from the
    /// first byte). `hello` is the name this server greets with.
    pub fn from_url(url: &str, hello: &str) -> Result<Relay, RelayError> {
        let parsed = url::Url::parse(url).map_err(|e| RelayError(e.to_string()))?;
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| RelayError("no host".into()))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let tls_asked = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let params = || TlsParameters::new(host.clone()).map_err(|e| RelayError(e.to_string()));
        let (tls, default_port) = match (parsed.scheme(), tls_asked.as_deref()) {
            ("smtps", _) => (Tls::Wrapper(params()?), 465),
            ("smtp", None | Some("opportunistic")) => (Tls::Opportunistic(params()?), 25),
            ("smtp", Some("required")) => (Tls::Required(params()?), 587),
            ("smtp", Some("none")) => (Tls::None, 25),
            ("smtp", Some(other)) => {
                return Err(RelayError(format!(
                    "tls={other}: give tls=opportunistic, required or none"
                )))
            }
            (other, _) => {
                return Err(RelayError(format!(
                    "{other}:// is not a relay: give smtp:// or smtps://"
                )))
            }
        };
        let port = parsed.port().unwrap_or(default_port);
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.as_str())
            .port(port)
            .tls(tls)
            .hello_name(ClientId::Domain(hello.to_string()))
            .timeout(Some(Duration::from_secs(30)));
        if !parsed.username().is_empty() {
            let decode = |s: &str| {
                percent_decode(s)
                    .ok_or_else(|| RelayError("the user or password is not UTF-8".into()))
            };
            let user = decode(parsed.username())?;
            let password = decode(parsed.password().unwrap_or(""))?;
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Relay {
            transport: builder.build(),
            shown: format!("{}://{host}:{port}", parsed.scheme()),
        })
    }
}

fn percent_decode(s: &str) -> Option<String> {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
}

/// What a test arms to kill the server between the relay's 2xx and the commit
/// of `sent` (R33: at most one resend, never none).
pub const FAULT_ENV: &str = "DESKMOVE_FAULT_AFTER_RELAY_ACCEPTS";

/// The sender of one server.
#[derive(Clone)]
pub struct Outbox {
    pub store: Store,
    pub relay: Relay,
    pub engine: Engine,
    /// Woken when an answer is queued here, so it goes at once.
    pub wake: Arc<Notify>,
    pub shutdown: CancellationToken,
    /// How long a claim lasts: a sender that dies leaves its answers to
    /// another (or its own restart) after this.
    pub lease: Duration,
}

impl Outbox {
    /// Runs until shutdown; the handle ends once the sends in flight at the
    /// signal have been recorded (so a deploy doesn't send them again).
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move { self.run().await })
    }

    async fn run(self) {
        let die_after_accept = std::env::var_os(FAULT_ENV).is_some();
        loop {
            if self.shutdown.is_cancelled() {
                return;
            }
            let lease_ms = i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX);
            let now = Utc::now();
            let answers = match self.store.claim_answers(now, lease_ms, BATCH).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "the outbox can't claim answers; again in a second");
                    Vec::new()
                }
            };
            let links = match self.store.claim_link_mail(now, lease_ms, BATCH).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "the outbox can't claim link mail; again in a second");
                    Vec::new()
                }
            };
            if answers.is_empty() && links.is_empty() {
                tokio::select! {
                    _ = self.shutdown.cancelled() => return,
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
                continue;
            }
            let mut sending = JoinSet::new();
            for answer in answers {
                let me = self.clone();
                sending.spawn(async move { me.send_answer(answer, die_after_accept).await });
            }
            for link in links {
                let me = self.clone();
                sending.spawn(async move { me.send_link(link).await });
            }
            // Each send is bounded (SEND_TIMEOUT): finished and recorded even
            // when the server is told to stop meanwhile.
            while sending.join_next().await.is_some() {}
        }
    }

    /// Hands one mail to the relay and says how it went.
    async fn relay(&self, from: &str, to: &str, raw: &[u8], die_after_accept: bool) -> Outcome {
        let envelope = match (from.parse(), to.parse()) {
            (Ok(from), Ok(to)) => Envelope::new(Some(from), vec![to]).ok(),
            _ => None,
        };
        let Some(envelope) = envelope else {
            return Outcome::Failed(format!("{from} or {to} is not an address mail can use"));
        };
        match tokio::time::timeout(SEND_TIMEOUT, self.relay.transport.send_raw(&envelope, raw))
            .await
        {
            Ok(Ok(response)) => {
                if die_after_accept {
                    // The fault a test arms: as if killed right after the 2xx.
                    std::process::abort();
                }
                Outcome::Sent(response.code().to_string())
            }
            Ok(Err(e)) if e.is_permanent() => Outcome::Failed(relay_said(&e)),
            Ok(Err(e)) => Outcome::Later(relay_said(&e)),
            Err(_) => Outcome::Later(format!(
                "{} did not answer within {} s",
                self.relay.shown,
                SEND_TIMEOUT.as_secs()
            )),
        }
    }

    async fn send_answer(&self, answer: Claimed, die_after_accept: bool) {
        let outcome = self
            .relay(
                &answer.envelope_from,
                &answer.envelope_to,
                &answer.raw,
                die_after_accept,
            )
            .await;
        let now = Utc::now();
        let recorded = match outcome.settled(now, answer.created_at) {
            Outcome::Sent(code) => {
                tracing::info!(answer = %answer.id, code = %code, "answer sent");
                outbound("answer", "sent");
                self.store.answer_sent(&answer, now).await
            }
            Outcome::Failed(reason) => {
                tracing::warn!(answer = %answer.id, reason = %reason, "answer failed");
                outbound("answer", "failed");
                self.store.answer_failed(&answer, &reason).await
            }
            Outcome::Later(reason) => {
                tracing::info!(answer = %answer.id, reason = %reason, "answer deferred");
                outbound("answer", "deferred");
                let next = now + retry_after(answer.attempts);
                self.store.answer_deferred(&answer, next, &reason).await
            }
        };
        match recorded {
            Ok(_) => self.engine.publish_thread(answer.account, answer.id).await,
            // The claim runs out and the answer is tried again: at most a resend.
            Err(e) => {
                tracing::error!(answer = %answer.id, error = %e, "an answer's outcome was not kept")
            }
        }
    }

    /// R29: an invitation or reset link; the log says how it went, never the link.
    async fn send_link(&self, mail: ClaimedLink) {
        let outcome = self
            .relay(&mail.envelope_from, &mail.envelope_to, &mail.raw, false)
            .await;
        let now = Utc::now();
        let recorded = match outcome.settled(now, mail.created_at) {
            Outcome::Sent(code) => {
                tracing::info!(link_mail = mail.id, code = %code, "link mail sent");
                outbound("link", "sent");
                self.store.link_mail_sent(&mail, now).await
            }
            Outcome::Failed(reason) => {
                tracing::warn!(link_mail = mail.id, reason = %reason, "link mail failed");
                outbound("link", "failed");
                self.store.link_mail_failed(&mail, &reason).await
            }
            Outcome::Later(reason) => {
                tracing::info!(link_mail = mail.id, reason = %reason, "link mail deferred");
                outbound("link", "deferred");
                let next = now + retry_after(mail.attempts);
                self.store.link_mail_deferred(&mail, next, &reason).await
            }
        };
        if let Err(e) = recorded {
            tracing::error!(link_mail = mail.id, error = %e, "a link mail's outcome was not kept");
        }
    }
}

/// One more answer or link mail in `state` (queued, sent, deferred, failed).
pub fn outbound(kind: &'static str, state: &'static str) {
    metrics::counter!("deskmove_outbound_mail_total", "kind" => kind, "state" => state)
        .increment(1);
}

enum Outcome {
    /// The relay's code.
    Sent(String),
    Failed(String),
    Later(String),
}

impl Outcome {
    /// A mail tried for a day is given up (R33).
    fn settled(self, now: chrono::DateTime<Utc>, since: chrono::DateTime<Utc>) -> Outcome {
        match self {
            Outcome::Later(reason) if now - since >= give_up_after() => {
                Outcome::Failed(format!("Tried for a day; the last try: {reason}"))
            }
            other => other,
        }
    }
}

/// The relay's own words (its code and text), or what kept us from it.
fn relay_said(e: &lettre::transport::smtp::Error) -> String {
    match (e.status(), std::error::Error::source(e)) {
        (Some(code), Some(text)) => format!("{code} {text}"),
        _ => e.to_string(),
    }
}
