//! `deskmove-server deliver --server URL --token T [--to ADDR]`: one mail
//! message on standard input, handed to a running server (R32), for Postfix's
//! `pipe`, a `.forward` or fetchmail's `--mda`. It exits as sysexits.h says, so
//! the mail server keeps and retries what can't be taken now: nothing is lost.

use std::time::Duration;

use deskmove_rules::{ErrorBody, ErrorCode};
use tokio::io::AsyncReadExt;

use crate::mail::read::MAX_MESSAGE_BYTES;

/// Taken (or seen before, or an auto-reply that opens nothing).
pub const EX_OK: i32 = 0;
/// Not a mail message, or too large: the mail server bounces it.
pub const EX_DATAERR: i32 = 65;
/// No email channel has the recipient: bounced as "no such user".
pub const EX_NOUSER: i32 = 67;
/// The server can't take it now (down, busy, misconfigured): kept and retried.
pub const EX_TEMPFAIL: i32 = 75;

/// How long one delivery may take before the mail server is told to retry.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Reads the message and delivers it; answers the exit code, having said on
/// standard error (which the mail server logs) what happened.
pub async fn exec(server: Option<&str>, token: Option<&str>, to: Option<&str>) -> i32 {
    let (Some(server), Some(token)) = (server, token) else {
        // A pipe line without its settings: keep the mail until it is fixed.
        eprintln!(
            "deskmove-server deliver: give --server and --token (or DESKMOVE_SERVER and \
             DESKMOVE_INGEST_TOKEN); the mail server keeps the message meanwhile"
        );
        return EX_TEMPFAIL;
    };
    let mut raw = Vec::new();
    let limit = MAX_MESSAGE_BYTES as u64 + 1;
    if let Err(e) = tokio::io::stdin().take(limit).read_to_end(&mut raw).await {
        eprintln!("deskmove-server deliver: reading the message: {e}");
        return EX_TEMPFAIL;
    }
    if raw.len() > MAX_MESSAGE_BYTES {
        eprintln!(
            "deskmove-server deliver: the message is larger than {} MB",
            MAX_MESSAGE_BYTES / (1024 * 1024)
        );
        return EX_DATAERR;
    }
    let url = format!("{}/api/ingest/email", server.trim_end_matches('/'));
    // A redirect would turn the POST into a GET: say where to point instead.
    let client = match reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("deskmove-server deliver: {e}");
            return EX_TEMPFAIL;
        }
    };
    let mut req = client
        .post(&url)
        .bearer_auth(token)
        .header("content-type", "message/rfc822")
        .body(raw);
    if let Some(to) = to.map(str::trim).filter(|t| !t.is_empty()) {
        req = req.query(&[("to", to)]);
    }
    let res = match req.send().await {
        Ok(res) => res,
        Err(e) => {
            eprintln!("deskmove-server deliver: {url} can't be reached now ({e}); try later");
            return EX_TEMPFAIL;
        }
    };
    let status = res.status().as_u16();
    if res.status().is_redirection() {
        let to = res
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("elsewhere");
        eprintln!(
            "deskmove-server deliver: {url} answered {status}, a redirect to {to}: give --server \
             the address the server answers at; the mail server keeps the message meanwhile"
        );
        return EX_TEMPFAIL;
    }
    let body = res.text().await.unwrap_or_default();
    let (code, said) = exit_code(status, &body);
    eprintln!("deskmove-server deliver: {said}");
    code
}

/// The exit code for the server's answer, and the line that says why.
pub fn exit_code(status: u16, body: &str) -> (i32, String) {
    let error = serde_json::from_str::<ErrorBody>(body)
        .ok()
        .map(|b| b.error);
    let said = error
        .as_ref()
        .map_or_else(|| format!("HTTP {status}"), |e| e.message.clone());
    let code = match (status, error.map(|e| e.code)) {
        (200..=299, _) => return (EX_OK, format!("taken ({status})")),
        (_, Some(ErrorCode::UnknownRecipient)) => EX_NOUSER,
        (_, Some(ErrorCode::NotAMessage | ErrorCode::PayloadTooLarge)) => EX_DATAERR,
        (400 | 413, _) => EX_DATAERR,
        // A wrong token, a server not set up, busy, or failing: none of it is
        // the message's fault, so the mail server keeps it and tries again.
        _ => EX_TEMPFAIL,
    };
    (code, said)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_answer_has_its_sysexits_code() {
        // R32
        let error = |code: &str| format!("{{\"error\":{{\"code\":\"{code}\",\"message\":\"m\"}}}}");
        assert_eq!(exit_code(201, "{}").0, EX_OK);
        assert_eq!(exit_code(200, "{}").0, EX_OK);
        assert_eq!(exit_code(202, "{\"ignored\":\"bounce\"}").0, EX_OK);
        assert_eq!(
            exit_code(422, &error("unknown_recipient")),
            (EX_NOUSER, "m".into())
        );
        assert_eq!(exit_code(400, &error("not_a_message")).0, EX_DATAERR);
        assert_eq!(exit_code(413, &error("payload_too_large")).0, EX_DATAERR);
        assert_eq!(exit_code(401, &error("unauthenticated")).0, EX_TEMPFAIL);
        assert_eq!(exit_code(503, &error("setup_needed")).0, EX_TEMPFAIL);
        assert_eq!(exit_code(429, &error("rate_limited")).0, EX_TEMPFAIL);
        assert_eq!(exit_code(502, "<html>bad gateway</html>").0, EX_TEMPFAIL);
        assert_eq!(exit_code(500, "").0, EX_TEMPFAIL);
    }
}
