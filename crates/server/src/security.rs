//! What the browser is told to enforce: a Content-Security-Policy that forbids inline
//! script and style (but the app's own loader and its inlined stylesheets, allowed
//! by hash) and the usual hardening headers.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The bodies of the inline `<script>` elements of an HTML page (Trunk's wasm loader).
pub fn inline_scripts(html: &str) -> Vec<&str> {
    inline(html, "script")
}

/// The bodies of the `<style>` elements of an HTML page (the stylesheets Trunk
/// inlines, so that the first paint waits for no request).
pub fn inline_styles(html: &str) -> Vec<&str> {
    inline(html, "style")
}

fn inline<'a>(html: &'a str, element: &str) -> Vec<&'a str> {
    let (open, close_tag) = (format!("<{element}"), format!("</{element}>"));
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find(&close_tag) else {
            break;
        };
        if !tag.contains(" src=") && !tag.contains(" src =") {
            out.push(&after[body_start..body_start + close]);
        }
        rest = &after[body_start + close..];
    }
    out
}

fn hashes(bodies: &[&str]) -> String {
    bodies
        .iter()
        .map(|s| {
            format!(
                " 'sha256-{}'",
                STANDARD.encode(Sha256::digest(s.as_bytes()))
            )
        })
        .collect()
}

/// The policy for a page whose inline scripts and styles are `scripts` and
/// `styles`: those by hash, the site's own files, WebAssembly compilation, and
/// nothing else.
pub fn content_security_policy(scripts: &[&str], styles: &[&str]) -> String {
    let (scripts, styles) = (hashes(scripts), hashes(styles));
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; style-src 'self'{styles}; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_scripts_are_hashed() {
        let html = r#"<head><script type="module">import init from '/a.js';</script>
            <script src="/b.js"></script><script>x()</script></head>"#;
        assert_eq!(inline_scripts(html), ["import init from '/a.js';", "x()"]);
        let csp = content_security_policy(&inline_scripts(html), &inline_styles(html));
        assert_eq!(csp.matches("'sha256-").count(), 2);
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn the_hash_is_the_one_browsers_compute() {
        // sha256 of "alert(1)", base64, as a browser reports it in a CSP violation.
        assert!(content_security_policy(&["alert(1)"], &[])
            .contains("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"));
    }

    #[test]
    fn a_page_without_inline_script_allows_none() {
        assert!(inline_scripts("<p>hi</p>").is_empty());
        assert!(!content_security_policy(&[], &[]).contains("sha256"));
    }

    #[test]
    fn inlined_stylesheets_are_allowed_by_hash_and_nothing_else_inline() {
        let html = "<head><style>body{margin:0}</style><script>x()</script></head>";
        assert_eq!(inline_styles(html), ["body{margin:0}"]);
        let csp = content_security_policy(&inline_scripts(html), &inline_styles(html));
        let style_src = csp
            .split("; ")
            .find(|d| d.starts_with("style-src"))
            .unwrap();
        assert_eq!(style_src.matches("'sha256-").count(), 1, "{style_src}");
        assert!(!csp.contains("unsafe-inline"));
    }
}
