use deskmove_rules::ErrorCode;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{client, error_of, move_all, spawn_app};

/// Every endpoint of API.md: (method, path, needs a super admin, changes state).
fn endpoints() -> Vec<(Method, &'static str, bool, bool)> {
    vec![
        (Method::GET, "/api/me", false, false),
        (Method::PATCH, "/api/me", false, true),
        (Method::DELETE, "/api/session", false, true),
        (Method::GET, "/api/inboxes", false, false),
        (Method::GET, "/api/help-desk/channels", false, false),
        (Method::GET, "/api/channels/1", false, false),
        (Method::GET, "/api/chatflows", false, false),
        (Method::GET, "/api/pipelines", false, false),
        (Method::GET, "/api/users", false, false),
        (Method::GET, "/api/conversations", false, false),
        (Method::GET, "/api/conversations/1", false, false),
        (Method::PATCH, "/api/conversations/1", false, true),
        (Method::POST, "/api/conversations/1/transfer", false, true),
        (Method::POST, "/api/conversations/1/ticket", false, true),
        (Method::GET, "/api/conversations/1/messages", false, false),
        (Method::GET, "/api/tickets", false, false),
        (Method::GET, "/api/tickets/1", false, false),
        (Method::PATCH, "/api/tickets/1", false, true),
        (Method::GET, "/api/notifications", false, false),
        (Method::GET, "/api/channels/1/move-preview", true, false),
        (Method::POST, "/api/moves", true, true),
        (Method::GET, "/api/moves", false, false),
        (Method::GET, "/api/moves/current", false, false),
        (Method::GET, "/api/moves/1", false, false),
        (Method::PATCH, "/api/moves/1", true, true),
        (Method::DELETE, "/api/moves/1", true, true),
        (Method::GET, "/api/moves/1/items", true, false),
        (Method::GET, "/api/moves/1/report.csv", true, false),
        (Method::GET, "/api/events", false, false),
    ]
}

#[tokio::test]
async fn without_a_session_every_endpoint_but_sign_in_is_401_and_nothing_changes() {
    // I5
    let app = spawn_app().await;
    let before = app.fingerprint().await;
    for (method, path, _, _) in endpoints() {
        let res = client()
            .request(method.clone(), app.url(path))
            .header("x-csrf-token", "anything")
            .json(&json!({"status": "closed", "channel_id": "1", "status_id": "1", "history": {"mode": "none"}}))
            .send()
            .await
            .unwrap();
        let (status, code, _) = error_of(res).await;
        assert_eq!(
            (status, code),
            (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated),
            "{method} {path}"
        );
    }
    for path in [
        "/api/ingest/channels/1/conversations",
        "/api/ingest/conversations/1/messages",
    ] {
        let res = client()
            .post(app.url(path))
            .json(&json!({"contact": "x", "subject": "y", "body": "z"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(app.fingerprint().await, before);
}

#[tokio::test]
async fn an_agent_is_refused_every_super_admin_endpoint() {
    // R1, I5
    let app = spawn_app().await;
    for email in ["sam@demo.test", "noor@demo.test"] {
        let agent = app.sign_in(email).await;
        let body = move_all(&agent, "Support email").await;
        let before = app.fingerprint().await;
        for (method, path, admin_only, _) in endpoints() {
            if !admin_only {
                continue;
            }
            let (status, code, _) =
                error_of(agent.send(method.clone(), path, body.clone()).await).await;
            assert_eq!(
                (status, code),
                (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
                "{email}: {method} {path}"
            );
        }
        assert_eq!(app.fingerprint().await, before);
    }
}

#[tokio::test]
async fn every_state_change_needs_the_session_s_csrf_token() {
    // I5
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let other = app.sign_in("lee@demo.test").await;
    let before = app.fingerprint().await;
    for (method, path, _, changes) in endpoints() {
        if !changes {
            continue;
        }
        for token in [None, Some("forged"), Some(other.me.csrf_token.as_str())] {
            let mut req = ada
                .client
                .request(method.clone(), app.url(path))
                .json(&json!({"status": "closed"}));
            if let Some(t) = token {
                req = req.header("x-csrf-token", t);
            }
            let (status, code, _) = error_of(req.send().await.unwrap()).await;
            assert_eq!(
                (status, code),
                (StatusCode::FORBIDDEN, ErrorCode::Csrf),
                "{method} {path} with {token:?}"
            );
        }
    }
    assert_eq!(app.fingerprint().await, before);
    assert_eq!(
        ada.get("/api/me").await.status(),
        StatusCode::OK,
        "still signed in"
    );
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_account_and_address() {
    let app = spawn_app().await;
    let attempt = |email: &'static str, password: &'static str| {
        let url = app.url("/api/session");
        async move {
            client()
                .post(url)
                .json(&json!({"email": email, "password": password}))
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..10 {
        assert_eq!(
            attempt("ada@demo.test", "guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = attempt("ada@demo.test", "deskmove-demo").await;
    assert_eq!(
        limited.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "from this address, even the right password waits"
    );
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);
    let (_, code, message) = error_of(limited).await;
    assert_eq!(code, ErrorCode::RateLimited);
    assert!(message.contains("Too many failed sign-in attempts"));
    assert_eq!(
        attempt("sam@demo.test", "deskmove-demo").await.status(),
        StatusCode::OK,
        "other accounts sign in"
    );
}

#[tokio::test]
async fn pages_forbid_inline_script_but_the_app_s_own_loader() {
    let app = spawn_app().await;
    std::fs::write(
        app.static_dir.join("index.html"),
        "<!doctype html><title>Deskmove</title><script type=\"module\">import init from '/app.js';</script>",
    )
    .unwrap();
    let app2 = crate::helpers::spawn_app_with({
        let dir = app.static_dir.clone();
        move |s| s.static_dir = dir
    })
    .await;
    let res = client()
        .get(app2.url("/settings/inboxes"))
        .send()
        .await
        .unwrap();
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(
        csp.contains("object-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    let api = client().get(app2.url("/api/me")).send().await.unwrap();
    assert!(api.headers().contains_key("content-security-policy"));
}
