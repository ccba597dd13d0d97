use deskmove_rules::{ErrorCode, Language, Me, Role};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{client, error_of, spawn_app, spawn_app_with};

#[tokio::test]
async fn signing_in_returns_me_and_an_http_only_strict_session_cookie() {
    let app = spawn_app().await;
    let res = client()
        .post(app.url("/api/session"))
        .json(&json!({"email": "Ada@Demo.test ", "password": "deskmove-demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("deskmove_session="));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Strict"));
    assert!(
        !cookie.contains("Secure"),
        "plain http on localhost must work"
    );
    let me: Me = res.json().await.unwrap();
    assert_eq!(me.name, "Ada Admin");
    assert_eq!(me.role, Role::SuperAdmin);
    assert!(me.help_desk_access);
    assert!(me.csrf_token.len() >= 32);
}

#[tokio::test]
async fn the_cookie_is_secure_when_served_over_https() {
    let app = spawn_app_with(|s| s.public_url = Some("https://deskmove.example".into())).await;
    let res = client()
        .post(app.url("/api/session"))
        .json(&json!({"email": "ada@demo.test", "password": "deskmove-demo"}))
        .send()
        .await
        .unwrap();
    assert!(res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));
}

#[tokio::test]
async fn finding_3_over_https_only_the_host_cookie_signs_anyone_in() {
    // Issue 30, finding 3: a sibling subdomain could plant `deskmove_session`
    // (Domain=example.com; Path=/api), sent first, and run the victim's calls in
    // the attacker's account.
    let app = spawn_app_with(|s| s.public_url = Some("https://deskmove.example".into())).await;
    let sign_in = |email: &'static str| {
        let url = app.url("/api/session");
        async move {
            let res = client()
                .post(url)
                .json(&json!({"email": email, "password": "deskmove-demo"}))
                .send()
                .await
                .unwrap();
            let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
            assert!(
                cookie.starts_with("__Host-deskmove_session=") && cookie.contains("Path=/"),
                "{cookie}"
            );
            assert!(!cookie.contains("Domain"), "{cookie}");
            cookie
                .split(';')
                .next()
                .unwrap()
                .trim_start_matches("__Host-deskmove_session=")
                .to_string()
        }
    };
    let victim = sign_in("ada@demo.test").await;
    let attacker = sign_in("noor@demo.test").await;
    let me = |cookies: String| {
        let url = app.url("/api/me");
        async move {
            let res = reqwest::Client::new()
                .get(url)
                .header("cookie", cookies)
                .send()
                .await
                .unwrap();
            if res.status() == StatusCode::OK {
                Some(res.json::<Me>().await.unwrap().name)
            } else {
                None
            }
        }
    };
    assert_eq!(
        me(format!(
            "deskmove_session={attacker}; __Host-deskmove_session={victim}"
        ))
        .await,
        Some("Ada Admin".into()),
        "the planted cookie is not read"
    );
    assert_eq!(me(format!("deskmove_session={attacker}")).await, None);
}

#[tokio::test]
async fn a_wrong_password_or_unknown_email_is_401_with_a_clear_message() {
    let app = spawn_app().await;
    for (email, password) in [
        ("ada@demo.test", "wrong"),
        ("nobody@demo.test", "deskmove-demo"),
    ] {
        let res = client()
            .post(app.url("/api/session"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert!(res.headers().get("set-cookie").is_none());
        let (status, code, message) = error_of(res).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(code, ErrorCode::Unauthenticated);
        assert!(message.contains("don't match"));
    }
}

#[tokio::test]
async fn a_malformed_sign_in_body_is_a_400_not_a_500() {
    let app = spawn_app().await;
    for body in [
        "",
        "{",
        "[]",
        r#"{"email":1,"password":"x"}"#,
        r#"{"email":"a"}"#,
    ] {
        let res = client()
            .post(app.url("/api/session"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, code, _) = error_of(res).await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {status}"
        );
        assert_eq!(code, ErrorCode::InvalidRequest);
    }
}

#[tokio::test]
async fn without_a_valid_session_reading_is_401() {
    let app = spawn_app().await;
    for path in [
        "/api/me",
        "/api/inboxes",
        "/api/channels/1",
        "/api/chatflows",
        "/api/pipelines",
        "/api/users",
        "/api/help-desk/channels",
    ] {
        let (status, code, _) = error_of(client().get(app.url(path)).send().await.unwrap()).await;
        assert_eq!(
            (status, code),
            (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated),
            "{path}"
        );
        let forged = client()
            .get(app.url(path))
            .header("cookie", "deskmove_session=forged-token")
            .send()
            .await
            .unwrap();
        assert_eq!(
            forged.status(),
            StatusCode::UNAUTHORIZED,
            "{path} with a forged cookie"
        );
    }
}

#[tokio::test]
async fn signing_out_needs_the_csrf_token_and_a_refusal_changes_nothing() {
    // I5
    let app = spawn_app().await;
    let s = app.sign_in("sam@demo.test").await;
    let missing = s
        .client
        .delete(app.url("/api/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(missing).await.1, ErrorCode::Csrf);
    let wrong = s
        .client
        .delete(app.url("/api/session"))
        .header("x-csrf-token", "not-the-token")
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(wrong).await;
    assert_eq!((status, code), (StatusCode::FORBIDDEN, ErrorCode::Csrf));
    assert_eq!(
        s.get("/api/me").await.status(),
        StatusCode::OK,
        "still signed in"
    );

    let ok = s
        .client
        .delete(app.url("/api/session"))
        .header("x-csrf-token", &s.me.csrf_token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.get("/api/me").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn each_sign_in_is_its_own_session_with_its_own_csrf_token() {
    let app = spawn_app().await;
    let laptop = app.sign_in("ada@demo.test").await;
    let phone = app.sign_in("ada@demo.test").await;
    assert_ne!(laptop.me.csrf_token, phone.me.csrf_token);
    // One session's token does not work for the other.
    let crossed = phone
        .client
        .delete(app.url("/api/session"))
        .header("x-csrf-token", &laptop.me.csrf_token)
        .send()
        .await
        .unwrap();
    assert_eq!(crossed.status(), StatusCode::FORBIDDEN);
    let out = phone
        .client
        .delete(app.url("/api/session"))
        .header("x-csrf-token", &phone.me.csrf_token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let me: Me = laptop.get("/api/me").await.json().await.unwrap();
    assert_eq!(
        me.csrf_token, laptop.me.csrf_token,
        "the other session stays valid"
    );
}

#[tokio::test]
async fn a_chosen_language_is_remembered_for_the_user_and_bad_ones_change_nothing() {
    // R27, I5
    let app = spawn_app().await;
    let s = app.sign_in("sam@demo.test").await;
    assert_eq!(s.me.locale, None, "a new user follows the browser");

    let chosen = s.patch("/api/me", json!({"locale": "de"})).await;
    assert_eq!(chosen.status(), StatusCode::OK);
    let me: Me = chosen.json().await.unwrap();
    assert_eq!(me.locale, Some(Language::German));
    // Another session of the same user, later: the choice is the user's.
    let phone = app.sign_in("sam@demo.test").await;
    assert_eq!(phone.me.locale, Some(Language::German));
    assert_eq!(
        app.sign_in("ada@demo.test").await.me.locale,
        None,
        "only Sam chose"
    );

    for bad in [
        json!({"locale": "fr"}),
        json!({"locale": "DE"}),
        json!({"locale": 7}),
        json!({}),
        json!({"locale": "nb", "name": "Mallory"}),
    ] {
        let (status, code, message) = error_of(s.patch("/api/me", bad.clone()).await).await;
        assert_eq!(
            (status, code),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRequest),
            "{bad}: {message}"
        );
    }
    let forged = s
        .client
        .patch(app.url("/api/me"))
        .json(&json!({"locale": "nb"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(forged).await.1, ErrorCode::Csrf);
    let me: Me = s.get("/api/me").await.json().await.unwrap();
    assert_eq!(
        me.locale,
        Some(Language::German),
        "nothing refused changed it"
    );

    let back = s.patch("/api/me", json!({"locale": null})).await;
    let me: Me = back.json().await.unwrap();
    assert_eq!(me.locale, None, "null follows the browser again");
    let me: Me = phone.get("/api/me").await.json().await.unwrap();
    assert_eq!(me.locale, None);
}
