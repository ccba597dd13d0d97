//! R28, R29 across replicas: the operator's user commands work on PostgreSQL
//! while servers run, a link works once whichever replica it reaches, and a
//! deactivation made anywhere ends the user's sessions and streams everywhere.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::{database, replicas, BIN};
use deskmove_testkit::{ends_within, Session};

/// One of the binary's operator commands: whether it succeeded, stdout, stderr.
fn command(args: &[&str]) -> (bool, String, String) {
    deskmove_testkit::command(BIN, args)
}

async fn use_link(base: &str, token: &str) -> StatusCode {
    deskmove_testkit::client()
        .post(format!("{base}/api/links/{token}"))
        .json(&json!({"password": "a long password of kari"}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn user_commands_and_deactivations_reach_every_replica() {
    let Some((url, dir)) = database().await else {
        return;
    };
    let r = replicas(&url, &dir, &["--demo", "--demo-conversations", "50"]);
    let (ok, out, err) = command(&[
        "user",
        "add",
        "--db",
        &url,
        "--email",
        "kari@fjordbikes.example",
        "--name",
        "Kari",
        "--public-url",
        &r[1].base,
    ]);
    assert!(ok, "{err}");
    let link = out.lines().last().unwrap();
    let token = link
        .strip_prefix(&format!("{}/link/", r[1].base))
        .unwrap_or_else(|| panic!("the link as the last line: {out}"));
    assert_eq!(use_link(&r[1].base, token).await, StatusCode::OK);
    assert_eq!(
        use_link(&r[2].base, token).await,
        StatusCode::GONE,
        "once, anywhere"
    );

    // The command, while Sam's page is open on replica 0.
    let sam = Session::sign_in(&r[0].base, "sam@demo.test").await;
    let stream = sam.get("/api/events").await;
    let (ok, _, err) = command(&[
        "user",
        "deactivate",
        "--db",
        &url,
        "--email",
        "sam@demo.test",
    ]);
    assert!(ok, "{err}");
    assert!(
        ends_within(stream, Duration::from_secs(20)).await,
        "sam's stream"
    );
    for s in &r {
        let res = sam
            .client
            .get(format!("{}/api/me", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{}", s.base);
    }

    // A super admin on replica 2, while Noor's page is open on replica 0.
    let noor = Session::sign_in(&r[0].base, "noor@demo.test").await;
    let stream = noor.get("/api/events").await;
    let ada = Session::sign_in(&r[2].base, "ada@demo.test").await;
    let res = ada
        .patch(
            &format!("/api/users/{}", noor.me.id),
            json!({"state": "deactivated"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        ends_within(stream, Duration::from_secs(20)).await,
        "noor's stream"
    );
    assert_eq!(noor.get("/api/me").await.status(), StatusCode::UNAUTHORIZED);

    let (ok, out, _) = command(&["user", "list", "--db", &url]);
    assert!(ok);
    for line in [
        "kari@fjordbikes.example\tagent\tno_help_desk_access\tactive",
        "sam@demo.test\tagent\thelp_desk_access\tdeactivated",
        "noor@demo.test\tagent\tno_help_desk_access\tdeactivated",
    ] {
        assert!(out.lines().any(|l| l == line), "{line} in:\n{out}");
    }
    let (ok, _, err) = command(&["user", "activate", "--db", &url, "--email", "sam@demo.test"]);
    assert!(ok, "{err}");
    Session::sign_in(&r[1].base, "sam@demo.test").await;
}
