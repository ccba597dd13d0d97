//! R31: the pipeline's ticket statuses, changed by super admins: added, renamed,
//! reordered, re-stated, and deleted only when nothing uses them and one open
//! and one closed status remain.

use deskmove_rules::{ErrorCode, Pipeline, StatusState};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{error_of, move_all, spawn_app, Session};

async fn pipeline(s: &Session) -> Pipeline {
    let all: Vec<Pipeline> = s.read("/api/pipelines").await;
    all.into_iter().next().expect("the account's pipeline")
}

fn labels(p: &Pipeline) -> Vec<&str> {
    p.statuses.iter().map(|s| s.label.as_str()).collect()
}

#[tokio::test]
async fn super_admins_add_rename_reorder_and_delete_unused_statuses() {
    // R31
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let sam = app.sign_in("sam@demo.test").await;
    let p = pipeline(&ada).await;
    let base = format!("/api/pipelines/{}/statuses", p.id);
    let res = sam
        .post(&base, json!({"label": "Escalated", "state": "open"}))
        .await;
    assert_eq!(error_of(res).await.1, ErrorCode::Forbidden);

    let res = ada
        .post(&base, json!({"label": "Escalated", "state": "open"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let escalated: Value = res.json().await.unwrap();
    let id = escalated["id"].as_str().unwrap().to_string();
    assert_eq!(
        labels(&pipeline(&ada).await),
        [
            "New",
            "Waiting on contact",
            "Waiting on us",
            "Closed",
            "Escalated"
        ]
    );
    let res = ada
        .post(&base, json!({"label": " escalated ", "state": "closed"}))
        .await;
    let (status, _, message) = error_of(res).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message.starts_with("label: There is a status called"),
        "{message}"
    );

    let path = format!("{base}/{id}");
    let res = ada
        .patch(
            &path,
            json!({"label": "Escalated to engineering", "position": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        labels(&pipeline(&ada).await),
        [
            "New",
            "Escalated to engineering",
            "Waiting on contact",
            "Waiting on us",
            "Closed"
        ]
    );
    let res = ada.patch(&path, json!({"position": 5})).await;
    assert!(error_of(res).await.2.starts_with("position:"));
    let res = ada.patch(&path, json!({"state": "closed"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(pipeline(&ada).await.statuses[1].state, StatusState::Closed);

    let res = ada.delete(&path).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let after = pipeline(&ada).await;
    assert_eq!(
        labels(&after),
        ["New", "Waiting on contact", "Waiting on us", "Closed"]
    );
    let res = ada.delete(&path).await;
    assert_eq!(error_of(res).await.1, ErrorCode::NotFound);
    for bad in [
        "/api/pipelines/x/statuses/1",
        "/api/pipelines/999/statuses/1",
    ] {
        let res = ada.delete(bad).await;
        assert_eq!(error_of(res).await.1, ErrorCode::NotFound, "{bad}");
    }
}

#[tokio::test]
async fn a_status_in_use_or_the_last_of_its_state_is_kept_and_says_why() {
    // R31, R9: the last closed status; one that tickets have and a scheduled
    // move maps to.
    let app = spawn_app().await;
    let ada = app.sign_in("ada@demo.test").await;
    let p = pipeline(&ada).await;
    let status = |label: &str| p.statuses.iter().find(|s| s.label == label).unwrap().id;
    let base = format!("/api/pipelines/{}/statuses", p.id);
    let closed = format!("{base}/{}", status("Closed"));
    let (status_code, code, message) = error_of(ada.delete(&closed).await).await;
    assert_eq!(
        (status_code, code),
        (StatusCode::CONFLICT, ErrorCode::StatusInUse)
    );
    assert!(message.contains("at least one closed status"), "{message}");
    let res = ada.patch(&closed, json!({"state": "open"})).await;
    assert!(error_of(res)
        .await
        .2
        .starts_with("state: The pipeline needs"));

    let moved = ada.start_move(move_all(&ada, "Support email").await).await;
    ada.wait_for_move(&moved.id).await;
    let mut scheduled = move_all(&ada, "Sales email").await;
    scheduled["start_at"] = json!((chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339());
    ada.start_move(scheduled).await;
    let before = app.fingerprint().await;
    let res = ada
        .send(
            Method::DELETE,
            &format!("{base}/{}", status("Waiting on us")),
            json!(null),
        )
        .await;
    let (status_code, code, message) = error_of(res).await;
    assert_eq!(
        (status_code, code),
        (StatusCode::CONFLICT, ErrorCode::StatusInUse)
    );
    for named in [
        "“Waiting on us” is in use",
        "tickets have it",
        "the move of Sales email",
    ] {
        assert!(message.contains(named), "{named}: {message}");
    }
    assert_eq!(app.fingerprint().await, before, "nothing changed");
}

#[tokio::test]
async fn a_company_set_up_without_the_demo_starts_with_a_pipeline() {
    // R28, R31: statuses to map a move to, and to change.
    let (_app, ingrid) = crate::helpers::set_up_company().await;
    let pipelines: Vec<Pipeline> = ingrid.read("/api/pipelines").await;
    assert_eq!(pipelines.len(), 1);
    assert_eq!(
        labels(&pipelines[0]),
        ["New", "Waiting on contact", "Waiting on us", "Closed"]
    );
}
