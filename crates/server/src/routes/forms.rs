//! R32: a form channel's public endpoint, which a company's own web page posts
//! to: no session, no CSRF token; form-encoded or multipart. Every answer is a
//! page in the visitor's language, or a 303 to the thank-you page.

use std::net::SocketAddr;
use std::sync::LazyLock;

use axum::body::to_bytes;
use axum::extract::{ConnectInfo, FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use chrono::Utc;
use deskmove_rules::mail::{form_subject, language_of, validate_form, FormProblem, FormSubmission};
use deskmove_rules::text::{kept_text, one_line};
use deskmove_rules::Language;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::limits::client_address;
use crate::AppState;

/// The most a form post may carry: its fields at their longest, and room for a
/// file field a page may have (files are not kept).
pub const MAX_FORM_BYTES: usize = 1024 * 1024;

/// `POST /f/{form_key}`.
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(key): Path<String>,
    req: Request,
) -> Response {
    let language = visitor_language(req.headers());
    let words = Words::of(language);
    // Per address, in bounded memory, as sign-ins and wrong tokens are; before
    // anything else, so guessing keys costs the guesser too.
    let client = client_address(peer.ip(), req.headers(), &state.trusted_proxies);
    if let Err(wait) = state.form_limits.wrong(client) {
        metrics::counter!("deskmove_form_posts_total", "outcome" => "limited").increment(1);
        let mut res = page(
            language,
            StatusCode::TOO_MANY_REQUESTS,
            words.too_many,
            None,
        );
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return res;
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FORM_BYTES) {
        return page(
            language,
            StatusCode::PAYLOAD_TOO_LARGE,
            words.too_large,
            Some(words.go_back),
        );
    }
    let form = match state.store.form(&key).await {
        Ok(Some(form)) => form,
        Ok(None) => return page(language, StatusCode::NOT_FOUND, words.no_form, None),
        Err(e) => {
            tracing::error!(error = %e, "a form post could not be read");
            return page(language, StatusCode::SERVICE_UNAVAILABLE, words.later, None);
        }
    };
    let Some(submission) = fields(req).await else {
        return page(language, StatusCode::BAD_REQUEST, words.unreadable, None);
    };
    let thanks = form
        .thank_you_url
        .clone()
        .unwrap_or_else(|| format!("/f/{key}/thanks"));
    // A bot filled in the field people never see: it is told all went well.
    if !submission.website.trim().is_empty() {
        tracing::info!(client = %client, "a form post's honeypot was filled in; dropped");
        metrics::counter!("deskmove_form_posts_total", "outcome" => "honeypot").increment(1);
        return see_other(&thanks);
    }
    if let Err(problem) = validate_form(&submission) {
        metrics::counter!("deskmove_form_posts_total", "outcome" => "refused").increment(1);
        let said = match problem {
            FormProblem::EmailMissing => words.email_missing.to_string(),
            FormProblem::EmailInvalid => words.email_invalid.to_string(),
            FormProblem::TooLong { field, max } => words.too_long(field, max),
        };
        return page(
            language,
            StatusCode::UNPROCESSABLE_ENTITY,
            &said,
            Some(words.go_back),
        );
    }
    let email = submission.email.trim();
    let name = one_line(&submission.name);
    let from = if name.is_empty() {
        email.to_string()
    } else {
        format!("{name} <{email}>")
    };
    let subject = one_line(&form_subject(&submission, &form.name));
    let message_id = own_message_id(&state.mail_domain);
    let body = &submission.message;
    let saved = state
        .store
        .submit_form(
            form.channel_id,
            &crate::store::Submission {
                contact: email,
                from: &from,
                subject: &subject,
                body: body.trim(),
                message_id: &message_id,
            },
            Utc::now(),
        )
        .await;
    match saved {
        Ok(Some(conversation)) => {
            tracing::info!(conversation = %conversation, "form submission");
            metrics::counter!("deskmove_form_posts_total", "outcome" => "taken").increment(1);
            see_other(&thanks)
        }
        Ok(None) => page(language, StatusCode::NOT_FOUND, words.no_form, None),
        Err(e) => {
            tracing::error!(error = %e, "a form submission was not saved");
            page(language, StatusCode::SERVICE_UNAVAILABLE, words.later, None)
        }
    }
}

/// `GET /f/{form_key}`: the address takes posts, not visits; a person who
/// opens it is told where the form is.
pub async fn visit(headers: HeaderMap) -> Response {
    let language = visitor_language(&headers);
    let mut res = page(
        language,
        StatusCode::METHOD_NOT_ALLOWED,
        Words::of(language).posts_only,
        None,
    );
    res.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    res
}

/// `GET /f/{form_key}/thanks`: the built-in thank-you page.
pub async fn thanks(headers: HeaderMap) -> Response {
    let language = visitor_language(&headers);
    page(language, StatusCode::OK, Words::of(language).thanks, None)
}

/// A Message-ID of ours (R32): mail that references it threads to the
/// submission's conversation.
pub fn own_message_id(domain: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("form.{hex}@{domain}")
}

fn visitor_language(headers: &HeaderMap) -> Language {
    language_of(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    )
}

/// The fields posted, form-encoded or multipart; `None` when the body can't be
/// read as either. Unknown fields and files are left out.
async fn fields(req: Request) -> Option<FormSubmission> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut pairs: Vec<(String, String)> = Vec::new();
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(req, &()).await.ok()?;
        while let Some(field) = multipart.next_field().await.ok()? {
            let name = field.name().unwrap_or("").to_string();
            if field.file_name().is_some() || !is_field(&name) {
                continue;
            }
            pairs.push((name, field.text().await.ok()?));
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let bytes = to_bytes(req.into_body(), MAX_FORM_BYTES).await.ok()?;
        pairs = serde_urlencoded::from_bytes(&bytes).ok()?;
    } else {
        return None;
    }
    let mut s = FormSubmission::default();
    for (name, value) in pairs {
        let slot = match name.as_str() {
            "email" => &mut s.email,
            "name" => &mut s.name,
            "subject" => &mut s.subject,
            "message" => &mut s.message,
            "website" => &mut s.website,
            _ => continue,
        };
        // The first of a repeated field counts.
        if slot.is_empty() {
            *slot = kept_text(&value);
        }
    }
    Some(s)
}

fn is_field(name: &str) -> bool {
    matches!(name, "email" | "name" | "subject" | "message" | "website")
}

fn see_other(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => StatusCode::SEE_OTHER.into_response(),
    }
}

/// The pages' one style, allowed by its hash and nothing else.
const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}h1{font-size:1.4rem}";

static POLICY: LazyLock<String> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
});

/// A page of our own words: nothing a visitor sent is shown back.
fn page(language: Language, status: StatusCode, said: &str, next: Option<&str>) -> Response {
    let words = Words::of(language);
    let next = next
        .map(|n| format!("<p>{}</p>", escape(n)))
        .unwrap_or_default();
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head>\
         <body><main><h1>{title}</h1><p>{said}</p>{next}</main></body></html>",
        lang = language.as_str(),
        title = escape(if status.is_success() {
            words.thanks_title
        } else {
            words.problem_title
        }),
        said = escape(said),
    );
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_str(&POLICY)
                    .unwrap_or(HeaderValue::from_static("default-src 'none'")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        html,
    )
        .into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What the form's pages say, in each of the app's languages.
struct Words {
    language: Language,
    thanks_title: &'static str,
    thanks: &'static str,
    problem_title: &'static str,
    email_missing: &'static str,
    email_invalid: &'static str,
    go_back: &'static str,
    no_form: &'static str,
    too_many: &'static str,
    unreadable: &'static str,
    too_large: &'static str,
    posts_only: &'static str,
    later: &'static str,
}

impl Words {
    fn of(language: Language) -> Words {
        match language {
            Language::English => Words {
                language,
                thanks_title: "Thank you",
                thanks: "We have your message and will answer you by email.",
                problem_title: "Your message was not sent",
                email_missing: "Give your email address, so we can answer you.",
                email_invalid: "That email address doesn't look right: check it for typos.",
                go_back: "Go back to the form, fix it and send it again; what you wrote is still there in most browsers.",
                no_form: "This form doesn't exist any more.",
                too_many: "Too many messages came from your network just now. Wait a minute and send it again.",
                unreadable: "The form sent something we couldn't read.",
                too_large: "What you sent is too long for this form.",
                posts_only: "This address takes a web form's messages. Go back to the page with the form to write to us.",
                later: "We can't take messages right now. Try again in a few minutes.",
            },
            Language::German => Words {
                language,
                thanks_title: "Vielen Dank",
                thanks: "Wir haben Ihre Nachricht erhalten und antworten Ihnen per E-Mail.",
                problem_title: "Ihre Nachricht wurde nicht gesendet",
                email_missing: "Geben Sie Ihre E-Mail-Adresse an, damit wir Ihnen antworten können.",
                email_invalid: "Diese E-Mail-Adresse sieht nicht richtig aus: Prüfen Sie sie auf Tippfehler.",
                go_back: "Gehen Sie zurück zum Formular, korrigieren Sie es und senden Sie es erneut; Ihr Text ist in den meisten Browsern noch da.",
                no_form: "Dieses Formular gibt es nicht mehr.",
                too_many: "Aus Ihrem Netz kamen gerade zu viele Nachrichten. Warten Sie eine Minute und senden Sie erneut.",
                unreadable: "Das Formular hat etwas gesendet, das wir nicht lesen können.",
                too_large: "Was Sie gesendet haben, ist für dieses Formular zu lang.",
                posts_only: "Diese Adresse nimmt Nachrichten eines Webformulars an. Gehen Sie zurück zur Seite mit dem Formular, um uns zu schreiben.",
                later: "Wir können gerade keine Nachrichten annehmen. Versuchen Sie es in ein paar Minuten erneut.",
            },
            Language::NorwegianBokmal => Words {
                language,
                thanks_title: "Takk",
                thanks: "Vi har fått meldingen din og svarer deg på e-post.",
                problem_title: "Meldingen din ble ikke sendt",
                email_missing: "Oppgi e-postadressen din, så vi kan svare deg.",
                email_invalid: "Den e-postadressen ser ikke riktig ut: sjekk den for skrivefeil.",
                go_back: "Gå tilbake til skjemaet, rett det og send på nytt; teksten din er der fortsatt i de fleste nettlesere.",
                no_form: "Dette skjemaet finnes ikke lenger.",
                too_many: "Det kom for mange meldinger fra nettverket ditt akkurat nå. Vent et minutt og send på nytt.",
                unreadable: "Skjemaet sendte noe vi ikke kunne lese.",
                too_large: "Det du sendte, er for langt for dette skjemaet.",
                posts_only: "Denne adressen tar imot meldinger fra et nettskjema. Gå tilbake til siden med skjemaet for å skrive til oss.",
                later: "Vi kan ikke ta imot meldinger akkurat nå. Prøv igjen om noen minutter.",
            },
        }
    }

    fn too_long(&self, field: &str, max: usize) -> String {
        let (what, said) = match self.language {
            Language::English => (
                match field {
                    "name" => "Your name",
                    "subject" => "The subject",
                    _ => "Your message",
                },
                "is too long: at most {max} characters.",
            ),
            Language::German => (
                match field {
                    "name" => "Ihr Name",
                    "subject" => "Der Betreff",
                    _ => "Ihre Nachricht",
                },
                "ist zu lang: höchstens {max} Zeichen.",
            ),
            Language::NorwegianBokmal => (
                match field {
                    "name" => "Navnet ditt",
                    "subject" => "Emnet",
                    _ => "Meldingen din",
                },
                "er for lang: høyst {max} tegn.",
            ),
        };
        format!("{what} {}", said.replace("{max}", &max.to_string()))
    }
}
