//! The build split by route (scripts/split-wasm) after a deploy: a tab still
//! running the old app opens a screen whose module the new build no longer has.
//! It reloads itself once, onto whatever is served now, instead of stopping; and
//! never again in a loop when the module is still missing.

use std::path::Path;
use std::time::Duration;

use super::{dist, find, world_serving};

/// Copies the built app, so the test may take files away.
fn copy_of_the_app(to: &Path) {
    for entry in std::fs::read_dir(dist()).unwrap() {
        let from = entry.unwrap().path();
        std::fs::copy(&from, to.join(from.file_name().unwrap())).unwrap();
    }
}

#[tokio::test]
async fn a_tab_whose_screen_module_is_gone_reloads_once() {
    let app = tempfile::tempdir().unwrap();
    copy_of_the_app(app.path());
    let w = world_serving(app.path(), &["--demo"]).await;
    let c = w.browser("old-tab").await;
    c.goto(&format!("{}/login", w.base)).await.unwrap();
    find(&c, "#login-email").await;

    // The deploy: the set-password page's module (and its compressed copies) is gone.
    let gone: Vec<_> = std::fs::read_dir(app.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("split___link_route")
        })
        .collect();
    assert!(
        !gone.is_empty(),
        "the build is split (scripts/build-app): the link page has its module"
    );
    for p in &gone {
        std::fs::remove_file(p).unwrap();
    }
    c.execute(
        "window.oldDocument = true; history.pushState({}, '', '/link/some-token');\
         dispatchEvent(new PopStateEvent('popstate'));",
        vec![],
    )
    .await
    .unwrap();

    // Reloaded: a new document, which knows why.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let reloaded = c
            .execute(
                "return window.oldDocument === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await
            .unwrap();
        if reloaded == true {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the tab never reloaded"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let why = c
        .execute(
            "return sessionStorage.getItem('deskmove-module-reload');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(why, format!("{}/link/some-token", w.base));

    // Still missing: no second reload, however long it waits.
    c.execute("window.sameDocument = true;", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let same = c
        .execute("return window.sameDocument === true;", vec![])
        .await
        .unwrap();
    assert_eq!(same, true, "it reloads once, never in a loop");
    // What the browser logged about the missing module is expected here.
    let logged = c.console_errors().await;
    assert!(
        logged.iter().all(|m| m.contains("split___link_route")
            || m.contains("__wasm_split")
            || m.contains("load callback")
            || m.contains("panicked")
            || m.contains("unreachable")),
        "{logged:?}"
    );
}
