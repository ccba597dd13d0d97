//! Sessions and sign-in limits across the replicas.

use reqwest::StatusCode;
use serde_json::json;

use crate::{database, replicas};
use deskmove_testkit::Session;

#[tokio::test]
async fn a_session_made_on_one_replica_works_and_ends_on_the_others() {
    let Some((url, dir)) = database().await else {
        return;
    };
    let r = replicas(&url, &dir, &["--demo", "--demo-conversations", "100"]);
    let ada = Session::sign_in(&r[0].base, "ada@demo.test").await;
    let me = ada.get_json("/api/me").await;
    let csrf = me["csrf_token"].as_str().unwrap().to_string();
    let conversation = ada.get_json("/api/conversations?limit=1").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for other in [&r[1], &r[2]] {
        let res = ada
            .client
            .patch(format!("{}/api/conversations/{conversation}", other.base))
            .header("x-csrf-token", &csrf)
            .json(&json!({"status": "closed"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "a PATCH on {}", other.base);
        let forged = ada
            .client
            .patch(format!("{}/api/conversations/{conversation}", other.base))
            .header("x-csrf-token", "not-the-token")
            .json(&json!({"status": "open"}))
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    }
    let out = ada
        .client
        .delete(format!("{}/api/session", r[2].base))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(ada.get("/api/me").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_guesser_s_budget_is_the_same_whichever_replica_each_attempt_reaches() {
    // Issue 15: per-process limits gave three replicas three budgets.
    let Some((url, dir)) = database().await else {
        return;
    };
    let r = replicas(&url, &dir, &["--demo", "--demo-conversations", "50"]);
    let client = deskmove_testkit::client();
    let attempt = |n: usize| {
        let (client, base) = (client.clone(), r[n % 3].base.clone());
        async move {
            client
                .post(format!("{base}/api/session"))
                .json(&json!({"email": "ada@demo.test", "password": "a wrong guess"}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let budget = deskmove_server::limits::PAIR_BUDGET.burst as usize;
    for n in 0..budget {
        assert_eq!(
            attempt(n).await,
            StatusCode::UNAUTHORIZED,
            "attempt {}",
            n + 1
        );
    }
    for n in budget..budget + 3 {
        assert_eq!(
            attempt(n).await,
            StatusCode::TOO_MANY_REQUESTS,
            "attempt {} on replica {}",
            n + 1,
            n % 3
        );
    }
}
