//! R28 across replicas: set-up races on two servers of one database make exactly
//! one account, and every replica opens once it exists.

use reqwest::StatusCode;
use serde_json::json;
use sqlx::Row;

use crate::{database, replicas};
use deskmove_server::store::Store;

#[tokio::test]
async fn set_ups_racing_on_the_replicas_make_exactly_one_account() {
    let Some((url, dir)) = database().await else {
        return;
    };
    let token = "the-set-up-token-of-this-cluster";
    let r = replicas(&url, &dir, &["--setup-token", token]);
    let client = deskmove_testkit::client();
    for s in &r {
        let res = client
            .get(format!("{}/api/me", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "not set up yet"
        );
    }
    let racers = (0..12).map(|i| {
        let (client, base) = (client.clone(), r[i % r.len()].base.clone());
        async move {
            client
                .post(format!("{base}/api/setup"))
                .json(&json!({
                    "token": token, "account_name": "Fjord Bikes", "name": format!("Admin {i}"),
                    "email": format!("admin{i}@fjordbikes.example"), "password": "correct horse battery",
                }))
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_util::future::join_all(racers).await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let store = Store::open(&url).await.unwrap();
    for table in ["accounts", "users"] {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(store.pool())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(n, 1, "{table}");
    }
    // Every replica now answers as a set-up server: 401 before sign-in.
    let stranger = reqwest::Client::new();
    for s in &r {
        let res = stranger
            .get(format!("{}/api/me", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
}
