//! Sessions: argon2 passwords, an HttpOnly SameSite=Strict cookie, and the CSRF check of every state change.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use cookie::{Cookie, SameSite};
use deskmove_rules::{may_move, ErrorCode, Me};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::AppError;
use crate::store::UserRow;
use crate::AppState;

/// The session cookie's name over plain http (the demo on loopback).
pub const SESSION_COOKIE: &str = "deskmove_session";
/// Its name behind an https public URL: a `__Host-` cookie is Secure, has Path=/
/// and no Domain, so a sibling subdomain can neither set nor shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-deskmove_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a sign-in lasts.
pub const SESSION_DAYS: i64 = 14;

pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// [`hash_password`] off the async threads: it takes tens of milliseconds of CPU.
pub async fn hash_password_apart(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::internal(format!("hashing a password: {e}")))?
        .map_err(|e| AppError::internal(format!("hashing a password: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`verify_password`] in `memory` the caller keeps (grown to the hash's cost the
/// first time): a thread that checks passwords all day allocates its ~19 MiB
/// once, instead of leaving the allocator a fresh block to hold on to each time.
pub fn verify_password_in(memory: &mut Vec<Block>, password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(version), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        parsed
            .version
            .map_or(Ok(Version::default()), Version::try_from),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    let blocks = params.block_count();
    let mut computed = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut computed,
            &mut memory[..blocks],
        )
        .is_ok()
        && bool::from(computed.as_slice().ct_eq(expected.as_bytes()))
}

/// A fresh unguessable token: 256 random bits, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Sessions are stored by the hash of their token, so a copy of the database signs nobody in.
pub fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// The session cookie's name: `__Host-` prefixed when it is Secure.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    Cookie::build((session_cookie_name(secure), token.to_string()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .max_age(cookie::time::Duration::days(SESSION_DAYS))
        .build()
        .to_string()
}

pub fn cleared_cookie(secure: bool) -> String {
    Cookie::build((session_cookie_name(secure), ""))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

/// The session token the request's cookie carries, if any: only the cookie of
/// this server's exact name counts (behind https the `__Host-` one, which nobody
/// else can set). Several different values of it mean that someone planted one
/// (another path or domain, over plain http): none of them is trusted.
pub fn session_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    let name = session_cookie_name(secure);
    let mut values = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .filter(|c| c.name() == name && !c.value().is_empty())
        .map(|c| c.value().to_string());
    let token = values.next()?;
    values.all(|v| v == token).then_some(token)
}

/// The signed-in user making the request. Extracting it checks the session (401)
/// and, for every method that can change state, the CSRF token (403 `csrf`).
#[derive(Clone, Debug)]
pub struct Actor {
    pub user: UserRow,
    pub csrf_token: String,
    pub session_hash: String,
}

impl Actor {
    pub fn me(&self) -> Me {
        self.user.me(self.csrf_token.clone())
    }

    /// R1: only a super admin may do what `to` says ("change the SLA policy"),
    /// whatever the client shows.
    pub fn require_super_admin(&self, to: &str) -> Result<(), AppError> {
        if may_move(self.user.role) {
            Ok(())
        } else {
            Err(AppError::forbidden(format!("Only a super admin can {to}.")))
        }
    }
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = session_token(&parts.headers, state.secure_cookies)
            .ok_or_else(AppError::unauthenticated)?;
        let session_hash = token_hash(&token);
        let session = state
            .store
            .session(&session_hash, Utc::now().timestamp_millis())
            .await?
            .ok_or_else(AppError::unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .map(|v| v.as_bytes())
                .unwrap_or_default();
            if !bool::from(sent.ct_eq(session.csrf_token.as_bytes())) {
                return Err(AppError::new(
                    ErrorCode::Csrf,
                    "This request is missing its security token. Reload the page and try again.",
                ));
            }
        }
        Ok(Actor {
            user: session.user,
            csrf_token: session.csrf_token,
            session_hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let h = hash_password("deskmove-demo").unwrap();
        assert!(verify_password("deskmove-demo", &h));
        assert!(!verify_password("deskmove-dem0", &h));
        assert!(!verify_password("deskmove-demo", "not a hash"));
    }

    #[test]
    fn a_password_verifies_the_same_in_kept_memory() {
        let h = hash_password("deskmove-demo").unwrap();
        let mut memory = Vec::new();
        for _ in 0..2 {
            assert!(verify_password_in(&mut memory, "deskmove-demo", &h));
            assert!(!verify_password_in(&mut memory, "deskmove-dem0", &h));
        }
        assert!(!verify_password_in(
            &mut memory,
            "deskmove-demo",
            "not a hash"
        ));
        assert!(!memory.is_empty(), "kept for the next check");
    }

    #[test]
    fn tokens_are_fresh_and_stored_only_as_hashes() {
        let a = new_token();
        assert_ne!(a, new_token());
        assert_eq!(a.len(), 43);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn the_session_cookie_is_http_only_strict_and_secure_on_https() {
        let c = session_cookie("t", false);
        assert!(c.contains("HttpOnly"));
        assert!(c.contains("SameSite=Strict"));
        assert!(!c.contains("Secure"));
        assert!(session_cookie("t", true).contains("Secure"));
    }

    fn cookies(line: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, line.parse().unwrap());
        h
    }

    #[test]
    fn finding_3_behind_https_the_session_is_a_host_cookie_nobody_else_can_set() {
        // Issue 30, finding 3.
        let c = session_cookie("t", true);
        assert!(c.starts_with("__Host-deskmove_session=t;"), "{c}");
        assert!(c.contains("Secure") && c.contains("Path=/"), "{c}");
        assert!(!c.contains("Domain"), "{c}");
        assert!(cleared_cookie(true).starts_with("__Host-deskmove_session=;"));
        assert!(session_cookie("t", false).starts_with("deskmove_session=t;"));
        // A sibling's plain cookie, sent first (a longer Path), is not read.
        let planted = cookies("deskmove_session=attacker; __Host-deskmove_session=victim");
        assert_eq!(session_token(&planted, true).as_deref(), Some("victim"));
        assert_eq!(
            session_token(&cookies("deskmove_session=attacker"), true),
            None
        );
        // Over plain http, two different session cookies: neither is trusted.
        let two = cookies("deskmove_session=attacker; deskmove_session=victim");
        assert_eq!(session_token(&two, false), None);
        let same = cookies("deskmove_session=victim; deskmove_session=victim");
        assert_eq!(session_token(&same, false).as_deref(), Some("victim"));
        assert_eq!(
            session_token(&cookies("deskmove_session=victim"), false).as_deref(),
            Some("victim")
        );
    }
}
