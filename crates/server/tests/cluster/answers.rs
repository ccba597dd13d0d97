//! R33 across replicas: every replica's sender works the one outbox, and an
//! answer is sent once, whichever replica claims it; its state reaches a page
//! open on another replica over that replica's event stream.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use deskmove_rules::{DeliveryState, Message};
use deskmove_testkit::postfix::{skip_unless_available, Postfix};
use deskmove_testkit::Session;
use serde_json::{json, Value};

use crate::{database, replicas};

#[tokio::test]
async fn three_replicas_send_each_answer_once_and_every_page_hears_it() {
    if skip_unless_available() {
        return;
    }
    let Some((url, dir)) = database().await else {
        return;
    };
    let relay = Postfix::start(None);
    let smtp = relay.smtp_url();
    let r = replicas(
        &url,
        &dir,
        &["--demo", "--demo-conversations", "20", "--smtp-url", &smtp],
    );
    // Thirty customers write in, through the three replicas in turn.
    let http = deskmove_testkit::client();
    let mut conversations = Vec::new();
    for i in 0..30 {
        let res = http
            .post(format!("{}/api/ingest/email", r[i % 3].base))
            .bearer_auth("cluster-token")
            .header("content-type", "message/rfc822")
            .body(format!(
                "From: customer{i}@example.com\r\nTo: support@demo.test\r\n\
                 Subject: Question {i}\r\nMessage-ID: <q{i}@example.com>\r\n\r\nHello?\r\n"
            ))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        let body: Value = res.json().await.unwrap();
        conversations.push(body["conversation_id"].as_str().unwrap().to_string());
    }
    // Sam's page is open on replica 2; Ada answers on replicas 0 and 1.
    let sam = Session::sign_in(&r[2].base, "sam@demo.test").await;
    let mut heard = sam.events().await;
    let ada = [
        Session::sign_in(&r[0].base, "ada@demo.test").await,
        Session::sign_in(&r[1].base, "ada@demo.test").await,
    ];
    let mut answers = HashSet::new();
    for (i, c) in conversations.iter().enumerate() {
        let res = ada[i % 2]
            .post(
                &format!("/api/conversations/{c}/replies"),
                json!({"body": format!("Answer {i}")}),
            )
            .await;
        assert_eq!(res.status(), reqwest::StatusCode::ACCEPTED);
        let m: Message = res.json().await.unwrap();
        answers.insert(m.id);
    }
    // Replica 2's stream says each of them was sent.
    let mut sent = HashSet::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while sent.len() < answers.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        let t = heard
            .next_thread(left)
            .await
            .unwrap_or_else(|| panic!("{} of {} heard sent", sent.len(), answers.len()));
        if t.message.state == Some(DeliveryState::Sent) && answers.contains(&t.message.id) {
            sent.insert(t.message.id);
        }
    }
    // All sent and recorded, no claim left open: the relay has every copy
    // there will be, one each.
    relay.until_caught(answers.len()).await;
    let caught = relay.all_delivered().await;
    let ids: HashSet<String> = caught
        .iter()
        .filter_map(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("Message-ID: "))
                .map(|v| v.trim().to_string())
        })
        .collect();
    assert_eq!(caught.len(), answers.len(), "each answer once");
    assert_eq!(ids.len(), answers.len());
}
