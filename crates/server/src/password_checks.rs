//! Password checks (argon2: deliberately slow, ~19 MiB each) on a few threads of
//! their own, with a short line in front of them, shared fairly: each network
//! holds at most a few places at once, so strangers can't fill the line that
//! everyone signs in through; an unknown email spends no check at all.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use crate::limits::prefix_key;

/// Own threads, not tokio's blocking pool: each thread keeps its allocator's
/// memory, so a fixed few hold the server's memory fixed. Beyond the line a
/// sign-in is refused at once rather than queued without end.
pub struct PasswordChecks {
    line: mpsc::Sender<Check>,
    /// How long a check takes, as measured (µs, a moving average): what an
    /// unknown email waits, so a wrong email takes as long as a wrong password.
    typical_us: Arc<AtomicU64>,
    /// Places held now, by network (IPv4 /24, IPv6 /48); a network's entry goes
    /// when its last place is given back, so the map is never larger than the
    /// line and the workers.
    held: Arc<Mutex<HashMap<IpAddr, usize>>>,
    per_network: usize,
}

struct Check {
    password: String,
    hash: String,
    verified: oneshot::Sender<bool>,
}

/// Before any check has been measured: argon2's default cost on a slow core.
const FIRST_GUESS: Duration = Duration::from_millis(60);

/// A network's place in the line, given back when dropped.
pub struct Place {
    held: Arc<Mutex<HashMap<IpAddr, usize>>>,
    network: IpAddr,
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Ok(mut held) = self.held.lock() {
            if let Some(n) = held.get_mut(&self.network) {
                *n -= 1;
                if *n == 0 {
                    held.remove(&self.network);
                }
            }
        }
    }
}

impl PasswordChecks {
    /// `workers` threads, `waiting` places in front of them, and at most
    /// `per_network` of all those held by one network at a time.
    pub fn start(workers: usize, waiting: usize, per_network: usize) -> Self {
        let (line, checks) = mpsc::channel::<Check>(waiting.max(1));
        let checks = Arc::new(Mutex::new(checks));
        let typical_us = Arc::new(AtomicU64::new(FIRST_GUESS.as_micros() as u64));
        for i in 0..workers.max(1) {
            let checks = checks.clone();
            let typical_us = typical_us.clone();
            let started = std::thread::Builder::new()
                .name(format!("password-check-{i}"))
                .spawn(move || {
                    let mut memory = Vec::new();
                    loop {
                        let next = match checks.lock() {
                            Ok(mut c) => c.blocking_recv(),
                            Err(_) => None,
                        };
                        // The server is gone when the line closes.
                        let Some(check) = next else { return };
                        let t = Instant::now();
                        let ok = crate::auth::verify_password_in(
                            &mut memory,
                            &check.password,
                            &check.hash,
                        );
                        let took = t.elapsed().as_micros() as u64;
                        let before = typical_us.load(Ordering::Relaxed);
                        typical_us.store((before * 7 + took) / 8, Ordering::Relaxed);
                        let _ = check.verified.send(ok);
                    }
                });
            if let Err(e) = started {
                tracing::error!(error = %e, "could not start a password check thread");
            }
        }
        PasswordChecks {
            line,
            typical_us,
            held: Arc::default(),
            per_network: per_network.max(1),
        }
    }

    /// One worker per core (at most 4: each check takes ~19 MiB), four waiting
    /// per worker, and two places for any one network (an office behind one
    /// address signs in two at a time; the rest of the line stays free).
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let workers = cores.min(4);
        Self::start(workers, workers * 4, 2)
    }

    /// A place for a sign-in from `client`; `None` while its network holds its share.
    pub fn place(&self, client: IpAddr) -> Option<Place> {
        let network = prefix_key(client);
        let mut held = self.held.lock().ok()?;
        let n = held.entry(network).or_insert(0);
        if *n >= self.per_network {
            return None;
        }
        *n += 1;
        Some(Place {
            held: self.held.clone(),
            network,
        })
    }

    /// Whether `password` matches `hash`; `None` when the line is full.
    pub async fn verify(&self, password: String, hash: String) -> Option<bool> {
        let (verified, answer) = oneshot::channel();
        self.line
            .try_send(Check {
                password,
                hash,
                verified,
            })
            .ok()?;
        answer.await.ok()
    }

    /// What a check of an unknown email looks like from outside, without its
    /// work: refused when the line is full, else as long as a check takes.
    pub async fn imitate(&self) -> Option<()> {
        if self.line.capacity() == 0 {
            return None;
        }
        tokio::time::sleep(self.typical()).await;
        Some(())
    }

    /// How long a check takes now.
    pub fn typical(&self) -> Duration {
        Duration::from_micros(self.typical_us.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[tokio::test]
    async fn password_checks_past_the_line_are_refused_at_once() {
        let hash = crate::auth::hash_password("right").unwrap();
        let checks = PasswordChecks::start(1, 1, 1);
        assert_eq!(
            checks.verify("right".into(), hash.clone()).await,
            Some(true)
        );
        assert_eq!(
            checks.verify("wrong".into(), hash.clone()).await,
            Some(false)
        );
        let answers = futures_util::future::join_all(
            (0..6).map(|_| checks.verify("wrong".into(), hash.clone())),
        )
        .await;
        assert!(answers.contains(&None), "the line is full: {answers:?}");
        assert!(answers.contains(&Some(false)));
        assert!(checks.typical() > Duration::ZERO);
    }

    #[test]
    fn finding_6_one_network_holds_its_share_of_places_and_no_more() {
        // Issue 30, finding 6: the line was one that strangers could fill.
        let checks = PasswordChecks::start(1, 4, 2);
        let a = checks.place(ip("203.0.113.7")).unwrap();
        let b = checks.place(ip("203.0.113.200")).unwrap();
        assert!(checks.place(ip("203.0.113.9")).is_none(), "the same /24");
        let elsewhere = checks.place(ip("198.51.100.1"));
        assert!(elsewhere.is_some(), "another network still gets in");
        let v6 = [
            checks.place(ip("2001:db8:1:1::1")),
            checks.place(ip("2001:db8:1:ff00::1")),
            checks.place(ip("2001:db8:1:7::1")),
        ];
        assert!(
            v6[0].is_some() && v6[1].is_some(),
            "{:?}",
            v6.iter().map(Option::is_some).collect::<Vec<_>>()
        );
        assert!(v6[2].is_none(), "IPv6 by its /48");
        drop(a);
        assert!(
            checks.place(ip("203.0.113.9")).is_some(),
            "a place comes back"
        );
        drop((b, elsewhere, v6));
        assert!(checks.held.lock().unwrap().is_empty(), "nothing kept");
    }
}
