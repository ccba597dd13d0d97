use chrono::Utc;
use deskmove_server::config::Settings;
use deskmove_server::demo;
use deskmove_server::startup::Application;
use sqlx::Row;

use crate::helpers::spawn_app;

async fn count(app_store: &deskmove_server::store::Store, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app_store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

#[tokio::test]
async fn the_demo_conversations_follow_the_demo_mix() {
    // R19, R20: some threads were transferred, so original and current channel differ.
    let app = spawn_app().await;
    let s = &app.store;
    assert_eq!(count(s, "SELECT COUNT(*) FROM conversations").await, 120);
    let closed = count(
        s,
        "SELECT COUNT(*) FROM conversations WHERE status = 'closed'",
    )
    .await;
    assert!(
        (20..=60).contains(&closed),
        "about a third closed: {closed}"
    );
    let tickets = count(s, "SELECT COUNT(*) FROM tickets").await;
    assert!(
        (10..=40).contains(&tickets),
        "about a fifth with a ticket: {tickets}"
    );
    assert!(
        count(
            s,
            "SELECT COUNT(*) FROM conversations WHERE original_channel_id <> current_channel_id"
        )
        .await
            > 0
    );
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM conversations WHERE workspace <> 'inbox'"
        )
        .await,
        0
    );
    assert_eq!(
        count(s, "SELECT COUNT(DISTINCT owner_id) FROM conversations").await,
        3,
        "Ada, Sam, Noor and nobody"
    );
    let started = count(s, "SELECT MIN(started_at) FROM conversations").await;
    let ninety_days_ago = (Utc::now() - chrono::Duration::days(90)).timestamp_millis();
    assert!(started >= ninety_days_ago - 60_000);
}

#[tokio::test]
async fn demo_on_a_database_with_data_changes_nothing() {
    let app = spawn_app().await;
    let before = count(&app.store, "SELECT COUNT(*) FROM conversations").await;
    assert!(!demo::seed(&app.store, 50, Utc::now()).await.unwrap());
    let mut settings = Settings::for_tests(app.db.clone());
    settings.demo_conversations = 999;
    let again = Application::build(&settings).await.unwrap();
    assert!(!again.demo_seeded);
    assert_eq!(
        count(&app.store, "SELECT COUNT(*) FROM conversations").await,
        before
    );
    assert_eq!(count(&app.store, "SELECT COUNT(*) FROM accounts").await, 1);
    assert_eq!(count(&app.store, "SELECT COUNT(*) FROM users").await, 4);
}

#[tokio::test]
async fn on_postgresql_a_server_without_demo_needs_the_ingest_token() {
    // Issue 15: each server would make up its own token, and replicas would differ.
    let app = spawn_app().await;
    let mut settings = Settings::for_tests(app.db.clone());
    settings.demo = false;
    settings.ingest_token = None;
    match &app.db {
        deskmove_server::store::Database::Postgres(_) => {
            let refused = Application::build(&settings).await.err().expect("refused");
            assert!(refused.to_string().contains("--ingest-token"), "{refused}");
            settings.ingest_token = Some("a-token-of-our-own".into());
            Application::build(&settings).await.expect("with a token");
        }
        // SQLite is one server's own file: a fresh token is fine there.
        deskmove_server::store::Database::Sqlite(_) => {
            Application::build(&settings).await.expect("builds");
        }
    }
}

#[tokio::test]
async fn servers_started_together_on_an_empty_database_make_one_demo_account() {
    // Issue 15: each replica saw an empty database and seeded its own demo.
    let dir = tempfile::tempdir().unwrap();
    let db = match std::env::var("DESKMOVE_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => deskmove_testkit::fresh_postgres(&server).await,
        _ => deskmove_server::store::Database::Sqlite(dir.path().join("together.db")),
    };
    let settings = {
        let mut s = Settings::for_tests(db.clone());
        s.demo_conversations = 50;
        s
    };
    let builds = if matches!(db, deskmove_server::store::Database::Postgres(_)) {
        let (a, b, c) = tokio::join!(
            Application::build(&settings),
            Application::build(&settings),
            Application::build(&settings)
        );
        vec![a.unwrap(), b.unwrap(), c.unwrap()]
    } else {
        // One SQLite file is one server's: started one after another.
        let mut apps = Vec::new();
        for _ in 0..3 {
            apps.push(Application::build(&settings).await.unwrap());
        }
        apps
    };
    assert_eq!(builds.iter().filter(|a| a.demo_seeded).count(), 1);
    let store = &builds[0].store;
    assert_eq!(count(store, "SELECT COUNT(*) FROM accounts").await, 1);
    assert_eq!(count(store, "SELECT COUNT(*) FROM conversations").await, 50);
}
