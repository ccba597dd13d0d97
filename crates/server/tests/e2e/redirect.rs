//! Issue 30, finding 1: sign-in sends a person back only to a page of this site.
//! A signed-in person who opens a crafted `/login?next=…` link lands on the inbox,
//! never on another origin.

use std::time::Duration;

use super::{find, world};

#[tokio::test]
async fn finding_1_a_crafted_next_after_sign_in_lands_on_the_inbox() {
    let w = world().await;
    let ada = w.browser("ada-next").await;
    w.sign_in(&ada, "ada@demo.test", "/inbox").await;
    find(&ada, "table.conversations").await;
    // As a link would carry them: `/\evil.example`, `/<TAB>/evil.example` (which
    // a browser reads as `//evil.example`), `/\\evil.example`, another origin, a
    // script, and paths whose dot segments resolve to `//evil.example`.
    for next in [
        "%2F%5Cevil.example%2F",
        "%2F%09%2Fevil.example",
        "%2F%5C%5Cevil.example",
        "https%3A%2F%2Fevil.example",
        "javascript%3Aalert(document.domain)",
        // Dot segments that resolve to `//evil.example`.
        "%2F.%2F%2Fevil.example",
        "%2Fa%2F..%2F%2Fevil.example",
        "%2F%252e%2F%2Fevil.example",
    ] {
        ada.goto(&format!("{}/login?next={next}", w.base))
            .await
            .unwrap();
        let inbox = url::Url::parse(&format!("{}/inbox", w.base)).unwrap();
        ada.wait()
            .at_most(Duration::from_secs(20))
            .for_url(&inbox)
            .await
            .unwrap_or_else(|e| panic!("next={next} did not land on the inbox: {e}"));
        find(&ada, "table.conversations").await;
        let here = ada.current_url().await.unwrap();
        assert_eq!(here.origin(), inbox.origin(), "next={next}");
    }
    ada.close().await.unwrap();
}
