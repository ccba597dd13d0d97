use std::path::PathBuf;

use deskmove_rules::{ErrorBody, ErrorCode, Me};
use deskmove_server::config::Settings;
use deskmove_server::startup::Application;
use deskmove_server::store::Store;
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub db: PathBuf,
    pub static_dir: PathBuf,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = dir.path().join("deskmove.db");
    let static_dir = dir.path().join("dist");
    std::fs::create_dir(&static_dir).unwrap();
    std::fs::write(
        static_dir.join("index.html"),
        "<!doctype html><title>Deskmove</title>",
    )
    .unwrap();
    let mut settings = Settings::for_tests(db.clone());
    settings.demo_conversations = 120;
    settings.static_dir = static_dir.clone();
    adjust(&mut settings);
    let app = Application::build(&settings).await.expect("the app builds");
    let base = format!("http://{}", app.address);
    let store = app.store.clone();
    tokio::spawn(app.run());
    TestApp {
        base,
        store,
        db,
        static_dir,
        _dir: dir,
    }
}

/// A browser-like client: keeps its cookies, sends the CSRF token it was given.
pub struct Session {
    pub client: Client,
    pub me: Me,
    base: String,
}

pub fn client() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn sign_in(&self, email: &str) -> Session {
        let client = client();
        let res = client
            .post(self.url("/api/session"))
            .json(&serde_json::json!({"email": email, "password": "deskmove-demo"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "sign in as {email}");
        let me: Me = res.json().await.unwrap();
        Session {
            client,
            me,
            base: self.base.clone(),
        }
    }
}

impl Session {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.unwrap()
    }
}

/// Reads an error answer and checks it has the API's error body.
pub async fn error_of(res: Response) -> (StatusCode, ErrorCode, String) {
    let status = res.status();
    let body: ErrorBody = res.json().await.expect("the error body of API.md");
    (status, body.error.code, body.error.message)
}
