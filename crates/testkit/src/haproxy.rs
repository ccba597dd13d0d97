//! A real load balancer for the cluster tests: Debian's HAProxy with the
//! operator's own `deploy/haproxy.cfg`, in front of three replicas, plus an
//! admin socket of the test's to read which replicas it sends requests to.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::free_port;

const HAPROXY: &str = "/usr/sbin/haproxy";
const CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/haproxy.cfg");

/// HAProxy can't run here: the test says why and passes, except under
/// `CI=true`, where it must run.
pub fn skip_unless_available() -> bool {
    if Path::new(HAPROXY).exists() {
        return false;
    }
    let why = format!("{HAPROXY} is not installed (scripts/setup installs it)");
    assert_ne!(
        std::env::var("CI").as_deref(),
        Ok("true"),
        "CI must run the load balancer tests: {why}"
    );
    eprintln!("skipped: {why}");
    true
}

/// HAProxy on a free loopback port, stopped when dropped.
pub struct HaProxy {
    child: Child,
    dir: tempfile::TempDir,
    pub base: String,
}

impl HaProxy {
    /// `deploy/haproxy.cfg` in front of the replicas listening on `ports`.
    pub fn start(ports: [u16; 3]) -> HaProxy {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("admin.sock");
        let extra = dir.path().join("admin.cfg");
        std::fs::write(
            &extra,
            format!(
                "global\n    stats socket {} mode 600 level admin\n",
                socket.display()
            ),
        )
        .unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("haproxy.log")).unwrap();
        let child = Command::new(HAPROXY)
            .args(["-db", "-f", CONFIG, "-f"])
            .arg(&extra)
            .env("DESKMOVE_PROXY_BIND", format!("127.0.0.1:{port}"))
            .env("DESKMOVE_REPLICA1_PORT", ports[0].to_string())
            .env("DESKMOVE_REPLICA2_PORT", ports[1].to_string())
            .env("DESKMOVE_REPLICA3_PORT", ports[2].to_string())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("haproxy starts");
        let proxy = HaProxy {
            child,
            dir,
            base: format!("http://127.0.0.1:{port}"),
        };
        // Listening, and every replica taken in.
        let deadline = Instant::now() + Duration::from_secs(30);
        while proxy.up().len() < 3 {
            assert!(
                Instant::now() < deadline,
                "haproxy never took all three replicas in: {:?}\n{}",
                proxy.states(),
                proxy.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        proxy
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("admin.sock")
    }

    /// Each replica's state as HAProxy sees it: (`replica1`, `UP`), …
    pub fn states(&self) -> Vec<(String, String)> {
        let Ok(mut s) = UnixStream::connect(self.socket()) else {
            return Vec::new();
        };
        if s.write_all(b"show stat\n").is_err() {
            return Vec::new();
        }
        let mut csv = String::new();
        let _ = s.read_to_string(&mut csv);
        csv.lines()
            .filter(|l| l.starts_with("replicas,replica"))
            .filter_map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                Some((f.get(1)?.to_string(), f.get(17)?.to_string()))
            })
            .collect()
    }

    /// The replicas HAProxy sends requests to now.
    pub fn up(&self) -> Vec<String> {
        self.states()
            .into_iter()
            .filter(|(_, state)| state.starts_with("UP"))
            .map(|(name, _)| name)
            .collect()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("haproxy.log")).unwrap_or_default()
    }
}

impl Drop for HaProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
