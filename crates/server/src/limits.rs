//! Sign-in limits (OWASP ASVS V2): failures count per (account, address) and per
//! address, so a guesser is slowed down without locking out the person who knows
//! their password, and per account from anywhere, which delays the next attempt
//! on it rather than refusing it; a success spends nothing. The state is bounded
//! whatever clients send. (Per network, the work is bounded by the password
//! checks' shares, not refused.) Failed ingest tokens count per address.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

/// A leaky bucket of failures: `burst` may come at once, then one per `leak`.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub burst: f64,
    pub leak: Duration,
}

/// Failures of one key, leaking away over time.
#[derive(Clone, Copy, Debug)]
struct Level {
    failures: f64,
    at: Instant,
}

impl Budget {
    /// `failures` counted `elapsed` ago, as they stand now.
    fn leaked(self, failures: f64, elapsed: Duration) -> f64 {
        (failures - elapsed.as_secs_f64() / self.leak.as_secs_f64()).max(0.0)
    }

    /// `Err(seconds to wait)` when one more failure would overflow the bucket.
    fn admits(self, failures: f64) -> Result<(), u64> {
        if failures + 1.0 > self.burst {
            let over = failures + 1.0 - self.burst;
            Err((over * self.leak.as_secs_f64()).ceil().max(1.0) as u64)
        } else {
            Ok(())
        }
    }
}

impl Level {
    fn now(self, budget: Budget, now: Instant) -> f64 {
        budget.leaked(self.failures, now.saturating_duration_since(self.at))
    }
}

/// One map of buckets, never larger than `cap` keys: when full, buckets that
/// leaked empty go first, then arbitrary ones (an attacker who fills the map
/// evicts mostly their own keys).
struct Buckets<K> {
    budget: Budget,
    cap: usize,
    levels: Mutex<HashMap<K, Level>>,
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    fn new(budget: Budget, cap: usize) -> Self {
        Buckets {
            budget,
            cap,
            levels: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when `key` has spent its budget.
    fn check(&self, key: &K, now: Instant) -> Result<(), u64> {
        let levels = self.levels.lock().map_err(|_| 1u64)?;
        let Some(level) = levels.get(key) else {
            return Ok(());
        };
        self.budget.admits(level.now(self.budget, now))
    }

    fn fail(&self, key: K, now: Instant) {
        let Ok(mut levels) = self.levels.lock() else {
            return;
        };
        if levels.len() >= self.cap && !levels.contains_key(&key) {
            levels.retain(|_, l| l.now(self.budget, now) > 0.0);
            if levels.len() >= self.cap {
                let evict: Vec<K> = levels.keys().take(self.cap / 10 + 1).cloned().collect();
                for k in evict {
                    levels.remove(&k);
                }
            }
        }
        let failures = levels.get(&key).map_or(0.0, |l| l.now(self.budget, now));
        levels.insert(
            key,
            Level {
                failures: failures + 1.0,
                at: now,
            },
        );
    }

    fn forget(&self, key: &K) {
        if let Ok(mut levels) = self.levels.lock() {
            levels.remove(key);
        }
    }

    fn len(&self) -> usize {
        self.levels.lock().map(|l| l.len()).unwrap_or(0)
    }
}

/// A fixed-size key for an (account, address) pair, whatever the email's length.
type PairKey = [u8; 16];

/// Addresses are counted by host for IPv4 and by /64 for IPv6 (one customer's
/// network), so a single machine can't mint fresh keys by the billion.
fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => {
            let mut s = v6.segments();
            s[4..].fill(0);
            IpAddr::V6(s.into())
        }
    }
}

/// The network an address belongs to: IPv4 by /24, IPv6 by /48 (a site's
/// allocation), so a guesser with a whole prefix of addresses is still one.
pub(crate) fn prefix_key(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            IpAddr::from([a, b, c, 0])
        }
        IpAddr::V6(v6) => {
            let mut s = v6.segments();
            s[3..].fill(0);
            IpAddr::V6(s.into())
        }
    }
}

/// A fixed-size key for an account, whatever the email's length.
fn account_key(email: &str) -> PairKey {
    let mut key = [0u8; 16];
    key.copy_from_slice(&Sha256::digest(deskmove_rules::normalize_email(email).as_bytes())[..16]);
    key
}

fn pair_key(email: &str, address: IpAddr) -> PairKey {
    let mut h = Sha256::new();
    h.update(deskmove_rules::normalize_email(email).as_bytes());
    h.update([0]);
    h.update(address_key(address).to_string().as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&h.finalize()[..16]);
    key
}

/// The client's address: the peer's, unless the peer is a trusted proxy; then the
/// nearest `X-Forwarded-For` hop that is not one (each proxy appends the address
/// it saw, so hops to the left of that are the client's own claims).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|h| h.trim().parse::<IpAddr>().ok())
        .map(|h| h.to_canonical())
        .collect();
    hops.into_iter()
        .rev()
        .find(|h| !trusted.contains(h))
        .unwrap_or(peer)
}

pub struct SignInLimits {
    by_pair: Buckets<PairKey>,
    by_address: Buckets<IpAddr>,
    by_account: Buckets<PairKey>,
}

/// Keys kept at most per map: ~64 bytes each, a few MB in all.
const MAX_KEYS: usize = 50_000;

/// Per (account, address): 10 failures, then one every 30 s.
pub const PAIR_BUDGET: Budget = Budget {
    burst: 10.0,
    leak: Duration::from_secs(30),
};
/// Per address: 100 failures, then one a second.
pub const ADDRESS_BUDGET: Budget = Budget {
    burst: 100.0,
    leak: Duration::from_secs(1),
};
/// Per account, from anywhere: 20 failures, then one every 10 s; past it each
/// attempt on the account waits (up to [`MAX_ACCOUNT_DELAY`]) instead of being
/// refused, so its owner still gets in while guessers spread over many networks
/// are slowed.
pub const ACCOUNT_BUDGET: Budget = Budget {
    burst: 20.0,
    leak: Duration::from_secs(10),
};
pub const MAX_ACCOUNT_DELAY: Duration = Duration::from_secs(3);

/// How long an attempt on an account waits, from the seconds its bucket asks.
fn account_delay(wait: Result<(), u64>) -> Duration {
    match wait {
        Ok(()) => Duration::ZERO,
        Err(secs) => Duration::from_secs(secs).min(MAX_ACCOUNT_DELAY),
    }
}

impl SignInLimits {
    pub fn new() -> Self {
        Self::with(PAIR_BUDGET, ADDRESS_BUDGET, MAX_KEYS)
    }

    pub fn with(pair: Budget, address: Budget, cap: usize) -> Self {
        SignInLimits {
            by_pair: Buckets::new(pair, cap),
            by_address: Buckets::new(address, cap),
            by_account: Buckets::new(ACCOUNT_BUDGET, cap),
        }
    }

    /// Before checking a password: `Err` with the seconds to wait when this
    /// address, or this account from this address, failed too often; else how
    /// long this attempt waits for its account's sake.
    pub fn check(&self, email: &str, address: IpAddr) -> Result<Duration, u64> {
        let now = Instant::now();
        self.by_address.check(&address_key(address), now)?;
        self.by_pair.check(&pair_key(email, address), now)?;
        Ok(account_delay(
            self.by_account.check(&account_key(email), now),
        ))
    }

    /// A wrong email or password.
    pub fn failed(&self, email: &str, address: IpAddr) {
        let now = Instant::now();
        self.by_address.fail(address_key(address), now);
        self.by_pair.fail(pair_key(email, address), now);
        self.by_account.fail(account_key(email), now);
    }

    /// The right password: this account's failures from this address are forgiven.
    pub fn succeeded(&self, email: &str, address: IpAddr) {
        self.by_pair.forget(&pair_key(email, address));
    }

    /// Keys held, over all maps.
    pub fn keys(&self) -> usize {
        self.by_pair.len() + self.by_address.len() + self.by_account.len()
    }
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self::new()
    }
}

/// The sign-in limits where they are kept: in this process (SQLite: one server),
/// or in the database every server shares (PostgreSQL), so a guesser's budget is
/// the same whichever replica each attempt reaches. The same budgets either way.
pub enum Limits {
    Here(Box<SignInLimits>),
    Shared(crate::store::Store),
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn ms(d: Duration) -> i64 {
    d.as_millis() as i64
}

fn hex(key: PairKey) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

/// The shared buckets an attempt counts in, with their budgets: those that
/// refuse, then the account's, which delays.
fn shared_keys(email: &str, address: IpAddr) -> [(String, Budget); 3] {
    [
        (format!("address {}", address_key(address)), ADDRESS_BUDGET),
        (
            format!("pair {}", hex(pair_key(email, address))),
            PAIR_BUDGET,
        ),
        (
            format!("account {}", hex(account_key(email))),
            ACCOUNT_BUDGET,
        ),
    ]
}

impl Limits {
    /// As [`SignInLimits::check`]. A database that can't answer lets the attempt
    /// through to the password check, which is itself bounded.
    pub async fn check(&self, email: &str, address: IpAddr) -> Result<Duration, u64> {
        match self {
            Limits::Here(l) => l.check(email, address),
            Limits::Shared(store) => {
                let [refusing @ .., (account, budget)] = shared_keys(email, address);
                for (key, budget) in refusing {
                    budget.admits(shared_failures(store, &key, budget).await)?;
                }
                let failures = shared_failures(store, &account, budget).await;
                Ok(account_delay(budget.admits(failures)))
            }
        }
    }

    pub async fn failed(&self, email: &str, address: IpAddr) {
        match self {
            Limits::Here(l) => l.failed(email, address),
            Limits::Shared(store) => {
                for (key, budget) in shared_keys(email, address) {
                    if let Err(e) = store.fail(&key, now_ms(), ms(budget.leak)).await {
                        tracing::warn!(error = %e, "sign-in failure not counted");
                    }
                }
            }
        }
    }

    pub async fn succeeded(&self, email: &str, address: IpAddr) {
        match self {
            Limits::Here(l) => l.succeeded(email, address),
            Limits::Shared(store) => {
                let [_, (by_pair, _), _] = shared_keys(email, address);
                if let Err(e) = store.forget_failures(&by_pair).await {
                    tracing::warn!(error = %e, "sign-in failures not forgiven");
                }
            }
        }
    }

    /// Drops shared buckets that have long leaked empty (the session sweeper
    /// calls it), so the table stays as small as the in-process maps.
    pub async fn sweep(&self) {
        if let Limits::Shared(store) = self {
            let longest = [PAIR_BUDGET, ACCOUNT_BUDGET, ADDRESS_BUDGET]
                .iter()
                .map(|b| b.burst * b.leak.as_secs_f64())
                .fold(0.0, f64::max);
            let before = now_ms() - (longest * 1000.0) as i64;
            if let Err(e) = store.sweep_failures(before).await {
                tracing::warn!(error = %e, "sign-in buckets not swept");
            }
        }
    }
}

/// A shared bucket's failures as they stand now. A database that can't answer
/// lets the attempt through to the password check, which is itself bounded.
async fn shared_failures(store: &crate::store::Store, key: &str, budget: Budget) -> f64 {
    match store.failures(key).await {
        Ok(None) => 0.0,
        Ok(Some((failures, at_ms))) => {
            let elapsed = (now_ms() - at_ms).max(0) as u64;
            budget.leaked(failures, Duration::from_millis(elapsed))
        }
        Err(e) => {
            tracing::warn!(error = %e, "sign-in limits unread");
            0.0
        }
    }
}

/// Wrong secrets (an ingest token, a set-up token) per address (IPv6 by /64), in
/// this process. The secrets are 256 bits, so this is about load and noise in
/// the log, not about guessing them.
pub struct AddressLimits(Buckets<IpAddr>);

/// Wrong ingest tokens: 20, then one every 3 s.
pub const INGEST_BUDGET: Budget = Budget {
    burst: 20.0,
    leak: Duration::from_secs(3),
};
/// Form posts (R32), every one counted: 10, then one every 30 s, per address.
pub const FORM_BUDGET: Budget = Budget {
    burst: 10.0,
    leak: Duration::from_secs(30),
};
/// Wrong set-up tokens: as sign-ins from one address to one account.
pub const SETUP_BUDGET: Budget = PAIR_BUDGET;

impl AddressLimits {
    pub fn new(budget: Budget) -> Self {
        AddressLimits(Buckets::new(budget, MAX_KEYS))
    }

    /// `Err` with the seconds to wait when this address sent too many wrong ones.
    pub fn check(&self, address: IpAddr) -> Result<(), u64> {
        self.0.check(&address_key(address), Instant::now())
    }

    pub fn failed(&self, address: IpAddr) {
        self.0.fail(address_key(address), Instant::now());
    }

    /// After a wrong one: [`AddressLimits::check`], and the failure counted. The
    /// right one is never limited, so a mail server sharing an address with a
    /// guesser goes on.
    pub fn wrong(&self, address: IpAddr) -> Result<(), u64> {
        self.check(address)?;
        self.failed(address);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_guesser_is_slowed_and_the_owner_from_elsewhere_is_not() {
        let limits = SignInLimits::new();
        let attacker = ip("10.0.0.2");
        for _ in 0..10 {
            assert!(limits.check("ada@demo.test", attacker).is_ok());
            limits.failed("ada@demo.test", attacker);
        }
        let wait = limits.check(" ADA@demo.test", attacker).unwrap_err();
        assert!(wait >= 1, "same account, other spelling");
        assert!(limits.check("ada@demo.test", ip("10.0.0.1")).is_ok());
        assert!(limits.check("sam@demo.test", attacker).is_ok());
    }

    #[test]
    fn a_success_spends_nothing_and_forgives_earlier_failures() {
        let limits = SignInLimits::new();
        let a = ip("10.0.0.3");
        for _ in 0..9 {
            limits.failed("ada@demo.test", a);
        }
        for _ in 0..100 {
            assert!(limits.check("ada@demo.test", a).is_ok());
            limits.succeeded("ada@demo.test", a);
        }
    }

    #[test]
    fn an_address_is_limited_across_accounts_and_ipv6_by_its_64() {
        let limits = SignInLimits::new();
        for i in 0..100 {
            limits.failed(&format!("u{i}@x.test"), ip("2001:db8::1"));
        }
        assert!(limits.check("new@x.test", ip("2001:db8::ffff")).is_err());
        assert!(limits.check("new@x.test", ip("2001:db8:0:1::1")).is_ok());
    }

    #[test]
    fn the_state_stays_bounded_whatever_is_sent() {
        let limits = SignInLimits::with(PAIR_BUDGET, ADDRESS_BUDGET, 1000);
        for i in 0..20_000u32 {
            let address = IpAddr::from(i.to_be_bytes());
            limits.failed(&format!("{i}@x.test"), address);
        }
        assert!(limits.keys() <= 3000, "{}", limits.keys());
    }

    #[test]
    fn finding_6_an_account_guessed_from_everywhere_is_delayed_not_refused() {
        // Issue 30, finding 6.
        let limits = SignInLimits::new();
        // One account guessed from twenty networks: the next attempt on it, from
        // anywhere, waits a little, and is not refused.
        for i in 0..20u8 {
            limits.failed("lee@demo.test", IpAddr::from([198, 51, i, 1]));
        }
        let delay = limits.check("LEE@demo.test", ip("192.0.2.1")).unwrap();
        assert!(
            delay > Duration::ZERO && delay <= MAX_ACCOUNT_DELAY,
            "{delay:?}"
        );
        assert_eq!(
            limits.check("ada@demo.test", ip("192.0.2.1")),
            Ok(Duration::ZERO)
        );
    }

    #[test]
    fn finding_6_wrong_ingest_tokens_are_limited_per_address() {
        let limits = AddressLimits::new(INGEST_BUDGET);
        for _ in 0..20 {
            assert!(limits.wrong(ip("10.1.1.1")).is_ok());
        }
        assert!(limits.wrong(ip("10.1.1.1")).unwrap_err() >= 1);
        assert!(limits.wrong(ip("10.1.1.2")).is_ok());
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().unwrap());
        let proxy = ip("10.0.0.9");
        assert_eq!(client_address(proxy, &h, &[]), proxy, "not trusted");
        assert_eq!(client_address(ip("10.0.0.8"), &h, &[proxy]), ip("10.0.0.8"));
        assert_eq!(client_address(proxy, &h, &[proxy]), ip("203.0.113.9"));
        assert_eq!(
            client_address(proxy, &HeaderMap::new(), &[proxy]),
            proxy,
            "no header: the proxy itself"
        );
    }
}
