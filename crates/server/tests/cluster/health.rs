//! Issue 31 across replicas behind the operator's HAProxy (`deploy/haproxy.cfg`):
//! a replica whose database stops answering says so on `/readyz` and HAProxy
//! routes around it; a replica told to stop (SIGTERM) drains, and no request
//! through the proxy fails meanwhile.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use deskmove_testkit::haproxy::{skip_unless_available, HaProxy};
use deskmove_testkit::Session;

use crate::{database, replica};

fn port_of(base: &str) -> u16 {
    base.rsplit(':').next().unwrap().parse().unwrap()
}

/// Each answer's status (0: no answer), with when it came.
type Seen = Arc<Mutex<Vec<(Instant, u16)>>>;

/// Requests through the proxy, a few at a time, until told to stop.
fn load(
    base: &str,
    sam: &Session,
    stop: Arc<AtomicBool>,
) -> (Seen, Vec<tokio::task::JoinHandle<()>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let tasks = (0..4)
        .map(|i| {
            let (client, seen, stop) = (sam.client.clone(), seen.clone(), stop.clone());
            let url = format!(
                "{base}{}",
                ["/api/me", "/api/conversations?page=1&limit=5"][i % 2]
            );
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let status = match client.get(&url).send().await {
                        Ok(res) => res.status().as_u16(),
                        Err(_) => 0,
                    };
                    seen.lock().unwrap().push((Instant::now(), status));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            })
        })
        .collect();
    (seen, tasks)
}

#[tokio::test]
async fn haproxy_routes_around_a_replica_that_is_not_ready_and_one_that_stops() {
    if skip_unless_available() {
        return;
    }
    let Some((url, dir)) = database().await else {
        return;
    };
    // Replica 3 signs in to PostgreSQL as a role of its own, so its database
    // alone can be taken away.
    let database_name = url.rsplit('/').next().unwrap().to_string();
    let role = format!("replica_{database_name}");
    let admin = deskmove_server::store::Store::open(&url).await.unwrap();
    sqlx::query(&format!("CREATE ROLE {role} LOGIN SUPERUSER"))
        .execute(admin.pool())
        .await
        .unwrap();
    let own_url = url.replacen("postgres://postgres@", &format!("postgres://{role}@"), 1);
    assert_ne!(own_url, url, "{url}");
    let flags = ["--demo", "--demo-conversations", "20"];
    let mut r = vec![
        replica(&url, &dir, 0, &flags),
        replica(&url, &dir, 1, &flags),
        replica(&own_url, &dir, 2, &flags),
    ];
    let ports = [
        port_of(&r[0].base),
        port_of(&r[1].base),
        port_of(&r[2].base),
    ];
    let proxy = HaProxy::start(ports);
    let sam = Session::sign_in(&proxy.base, "sam@demo.test").await;
    let stop = Arc::new(AtomicBool::new(false));
    let (seen, tasks) = load(&proxy.base, &sam, stop.clone());
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Replica 3's database goes away: not ready, and out of the proxy.
    let cut = Instant::now();
    sqlx::query(&format!("ALTER ROLE {role} NOLOGIN"))
        .execute(admin.pool())
        .await
        .unwrap();
    sqlx::query(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'"
    ))
    .execute(admin.pool())
    .await
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let not_ready = loop {
        let res = reqwest::get(format!("{}/readyz", r[2].base)).await.unwrap();
        if res.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE {
            let body: serde_json::Value = res.json().await.unwrap();
            break body["error"]["message"].as_str().unwrap().to_string();
        }
        assert!(Instant::now() < deadline, "replica 3 still ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(not_ready.contains("database"), "{not_ready}");
    let said_in = cut.elapsed();
    while proxy.up().contains(&"replica3".to_string()) {
        assert!(Instant::now() < deadline, "{:?}", proxy.states());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let routed_around = Instant::now();
    eprintln!(
        "replica 3: /readyz 503 {said_in:?} and out of HAProxy {:?} after its database went",
        routed_around - cut
    );
    // From then on, every request is answered by the other two.
    tokio::time::sleep(Duration::from_secs(2)).await;
    {
        let seen = seen.lock().unwrap();
        let after: Vec<u16> = seen
            .iter()
            .filter(|(at, _)| *at > routed_around)
            .map(|(_, s)| *s)
            .collect();
        assert!(after.len() > 20, "{}", after.len());
        assert!(after.iter().all(|s| *s == 200), "{after:?}");
    }

    // Replica 1 is told to stop while requests flow: none of them fails.
    let term = Instant::now();
    let pid = r[0].child.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(60);
    while r[0].child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "replica 1 never stopped");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    let seen = seen.lock().unwrap();
    let during: Vec<u16> = seen
        .iter()
        .filter(|(at, _)| *at > term)
        .map(|(_, s)| *s)
        .collect();
    assert!(during.len() > 20, "{}", during.len());
    assert!(
        during.iter().all(|s| *s == 200),
        "a request failed while replica 1 stopped: {during:?}"
    );
    assert_eq!(proxy.up(), vec!["replica2".to_string()]);
    r.clear();
}
