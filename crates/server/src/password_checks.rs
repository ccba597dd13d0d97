//! Password checks (argon2: deliberately slow, ~19 MiB each) on a few threads of
//! their own, with a short line in front of them, shared fairly: once the line
//! fills, each network holds at most its share of places, so strangers can't
//! fill the line that everyone signs in through.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use crate::limits::prefix_key;

/// Own threads, not tokio's blocking pool: each thread keeps its allocator's
/// memory, so a fixed few hold the server's memory fixed. Beyond the line a
/// sign-in is refused at once rather than queued without end.
pub struct PasswordChecks {
    line: mpsc::Sender<Check>,
    /// Places in all: the workers and the line in front of them.
    places: usize,
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
    /// Held until the check is done or skipped: a client that hangs up does not
    /// give its place back while its check still waits or runs.
    place: Place,
}

/// A network's place in the line (or at a worker), given back when dropped.
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
    /// `per_network` of all those held by one network once half of them are.
    pub fn start(workers: usize, waiting: usize, per_network: usize) -> Self {
        let waiting = waiting.max(1);
        let (line, checks) = mpsc::channel::<Check>(waiting);
        let checks = Arc::new(Mutex::new(checks));
        for i in 0..workers.max(1) {
            let checks = checks.clone();
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
                        // Nobody waits for the answer any more: no work for it.
                        if check.verified.is_closed() {
                            continue;
                        }
                        let ok = crate::auth::verify_password_in(
                            &mut memory,
                            &check.password,
                            &check.hash,
                        );
                        // The place is free before the answer is out.
                        let Check {
                            verified, place, ..
                        } = check;
                        drop(place);
                        let _ = verified.send(ok);
                    }
                });
            if let Err(e) = started {
                tracing::error!(error = %e, "could not start a password check thread");
            }
        }
        PasswordChecks {
            line,
            places: workers.max(1) + waiting,
            held: Arc::default(),
            per_network: per_network.max(1),
        }
    }

    /// One worker per core (at most 4: each check takes ~19 MiB), four waiting
    /// per worker, and a quarter of the places for any one network once the
    /// line is half full (at least two: an office behind one address).
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let workers = cores.min(4);
        let waiting = workers * 4;
        Self::start(workers, waiting, ((workers + waiting) / 4).max(2))
    }

    /// A place for a sign-in from `client`; `None` while half the places are
    /// held and its network holds its share. (Places are held from before a
    /// check is queued until it is done, so they count the line and the workers.)
    pub fn place(&self, client: IpAddr) -> Option<Place> {
        let network = prefix_key(client);
        let mut held = self.held.lock().ok()?;
        let pressed = held.values().sum::<usize>() * 2 >= self.places;
        let n = held.entry(network).or_insert(0);
        if *n >= self.per_network && pressed {
            return None;
        }
        *n += 1;
        Some(Place {
            held: self.held.clone(),
            network,
        })
    }

    /// Whether `password` matches `hash`, checked in `place`; `None` when the
    /// line is full.
    pub async fn verify(&self, password: String, hash: String, place: Place) -> Option<bool> {
        let (verified, answer) = oneshot::channel();
        self.line
            .try_send(Check {
                password,
                hash,
                verified,
                place,
            })
            .ok()?;
        answer.await.ok()
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
        let checks = PasswordChecks::start(1, 1, 8);
        let place = || checks.place(ip("192.0.2.1")).unwrap();
        assert_eq!(
            checks.verify("right".into(), hash.clone(), place()).await,
            Some(true)
        );
        assert_eq!(
            checks.verify("wrong".into(), hash.clone(), place()).await,
            Some(false)
        );
        let answers = futures_util::future::join_all(
            (0..6).map(|_| checks.verify("wrong".into(), hash.clone(), place())),
        )
        .await;
        assert!(answers.contains(&None), "the line is full: {answers:?}");
        assert!(answers.contains(&Some(false)));
        assert!(checks.held.lock().unwrap().is_empty(), "every place back");
    }

    #[test]
    fn finding_6_one_network_holds_its_share_of_places_and_no_more() {
        // Issue 30, finding 6: the line was one that strangers could fill.
        // Four places: shares hold once two are held.
        let checks = PasswordChecks::start(1, 3, 2);
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
