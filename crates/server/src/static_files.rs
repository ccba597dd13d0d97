//! The built app's files: brotli or gzip copies when the browser takes them,
//! cached for a year when their name carries a content hash, `index.html` for
//! the app's own routes (revalidated on every visit), 404 for a file that isn't
//! there, and a Content-Security-Policy that follows the `index.html` on disk.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::security;

/// For files whose name says which build they are (`base-a8a74186a4fb5235.css`).
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For `index.html`: always ask whether it changed (a 304 when it didn't).
const REVALIDATE: &str = "no-cache";

/// The app's files from `dir`, as a router to fall back to.
pub fn router(dir: &Path) -> Router {
    let index = dir.join("index.html");
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true);
    let page = ServeFile::new(&index)
        .precompressed_br()
        .precompressed_gzip();
    Router::new().fallback(move |req: Request| {
        let (files, page) = (files.clone(), page.clone());
        async move {
            let path = req.uri().path().to_string();
            // The page's request keeps the browser's Accept-Encoding and
            // If-Modified-Since.
            let mut for_page = Request::new(Body::empty());
            *for_page.method_mut() = req.method().clone();
            *for_page.headers_mut() = req.headers().clone();
            let res = files.oneshot(req).await.map(IntoResponse::into_response);
            let res = match res {
                Ok(r) if r.status() == StatusCode::NOT_FOUND && !names_a_file(&path) => {
                    // The app's own routes (/inbox, /settings/moves…) are its page's.
                    page.oneshot(for_page)
                        .await
                        .map(IntoResponse::into_response)
                }
                other => other,
            };
            let mut res = res.unwrap_or_else(|_| StatusCode::NOT_FOUND.into_response());
            if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
                let policy = if is_hashed(&path) {
                    IMMUTABLE
                } else {
                    REVALIDATE
                };
                res.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
                // Which copy was sent depends on Accept-Encoding: caches must know.
                if !res.headers().contains_key(header::VARY) {
                    res.headers_mut()
                        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
                }
            }
            res
        }
    })
}

/// A path whose last segment has an extension names a file: missing, it is a 404,
/// never the app's page.
fn names_a_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// Trunk's content-hashed names: `<stem>-<hash>[_bg].<ext>`, the hash a 64-bit
/// number in hex without its leading zeros: 16 digits, or fewer one build in 16
/// (`deskmove-f5e470792e6f3a3_bg.wasm`). Down to 12 digits; a shorter hash (one
/// build in 65,536) is merely revalidated.
fn is_hashed(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    let stem = last.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// The Content-Security-Policy of the `index.html` on disk: read again whenever
/// the file changes (a new build deployed without a restart keeps its loader).
pub struct PagePolicy {
    index: PathBuf,
    seen: Mutex<Option<(Option<SystemTime>, u64, HeaderValue)>>,
}

impl PagePolicy {
    pub fn new(dir: &Path) -> Arc<Self> {
        Arc::new(PagePolicy {
            index: dir.join("index.html"),
            seen: Mutex::new(None),
        })
    }

    pub fn current(&self) -> HeaderValue {
        let meta = std::fs::metadata(&self.index).ok();
        let stamp = (
            meta.as_ref().and_then(|m| m.modified().ok()),
            meta.as_ref().map_or(0, |m| m.len()),
        );
        let Ok(mut seen) = self.seen.lock() else {
            return policy_of("");
        };
        match &*seen {
            Some((modified, len, value)) if (*modified, *len) == stamp => value.clone(),
            _ => {
                let page = std::fs::read_to_string(&self.index).unwrap_or_default();
                let value = policy_of(&page);
                *seen = Some((stamp.0, stamp.1, value.clone()));
                value
            }
        }
    }
}

fn policy_of(page: &str) -> HeaderValue {
    let csp = security::content_security_policy(
        &security::inline_scripts(page),
        &security::inline_styles(page),
    );
    HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// Sets the page's policy on every answer that has none.
pub async fn with_policy(
    State(policy): State<Arc<PagePolicy>>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    if !res.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy.current());
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_s_hashed_names_are_told_from_the_rest() {
        assert!(is_hashed("/base-a8a74186a4fb5235.css"));
        assert!(is_hashed("/deskmove-e6fdc310521d4e25_bg.wasm"));
        // A hash whose first hex digit was a zero: a real build's name.
        assert!(is_hashed("/deskmove-f5e470792e6f3a3_bg.wasm"));
        assert!(is_hashed("/deskmove-f5e470792e6f3a3.js"));
        assert!(!is_hashed("/deskmove-cafe.js"), "too short to be a hash");
        assert!(!is_hashed("/deskmove-e6fdc310521d4e25aa.js"), "too long");
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/favicon.ico"));
        assert!(!is_hashed("/settings-moves"));
        assert!(names_a_file("/x.wasm"));
        assert!(!names_a_file("/settings/inboxes"));
    }
}
