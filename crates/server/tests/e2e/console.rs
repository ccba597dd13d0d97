//! The browser's console, read after every page: a page that logs an error (a CSP
//! violation, a failed request, a panic) fails its test even when it looks right.

use std::ops::Deref;

use axum::http::Method;
use fantoccini::error::CmdError;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use serde_json::{json, Value};

/// The one error a page may log: before sign-in the app asks who is signed in,
/// and the browser logs the answer, 401, as a failed request.
fn expected(message: &str) -> bool {
    message.contains("/api/me - Failed to load resource")
        && message.contains("status of 401 (Unauthorized)")
}

/// chromedriver's log of the browser's console since it was last read
/// (`goog:loggingPrefs`); reading it empties it.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (Method, Option<String>) {
        (Method::POST, Some(json!({"type": "browser"}).to_string()))
    }
}

/// A WebDriver session whose console is checked whenever it leaves a page
/// (`goto`, `refresh`, `back`) and when it closes. Everything else is the
/// [`Client`]'s.
pub struct Browser {
    client: Client,
    name: String,
}

impl Deref for Browser {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Browser {
    pub fn new(client: Client, name: &str) -> Self {
        Browser {
            client,
            name: name.to_string(),
        }
    }

    /// The console's SEVERE entries since the last read, but the expected one.
    pub async fn console_errors(&self) -> Vec<String> {
        let log = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("chromedriver hands out the browser's log");
        let Value::Array(entries) = log else {
            panic!("the browser's log is a list: {log}");
        };
        entries
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .filter(|m| !expected(m))
            .collect()
    }

    /// Fails the test if the page logged an error.
    pub async fn assert_clean_console(&self) {
        let errors = self.console_errors().await;
        let url = self.client.current_url().await.map(|u| u.to_string());
        assert!(
            errors.is_empty(),
            "{}'s console logged errors on {}:\n{}",
            self.name,
            url.unwrap_or_default(),
            errors.join("\n")
        );
    }

    pub async fn goto(&self, url: &str) -> Result<(), CmdError> {
        self.assert_clean_console().await;
        self.client.goto(url).await
    }

    pub async fn refresh(&self) -> Result<(), CmdError> {
        self.assert_clean_console().await;
        self.client.refresh().await
    }

    pub async fn back(&self) -> Result<(), CmdError> {
        self.assert_clean_console().await;
        self.client.back().await
    }

    /// Checks the last page's console, then ends the session.
    pub async fn close(self) -> Result<(), CmdError> {
        self.assert_clean_console().await;
        self.client.close().await
    }
}
