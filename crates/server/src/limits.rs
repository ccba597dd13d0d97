//! Sign-in attempts are limited per account and per client address, against guessing.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

pub struct SignInLimits {
    by_account: DefaultKeyedRateLimiter<String>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
}

fn quota(burst: u32, every: Duration) -> Quota {
    Quota::with_period(every)
        .expect("a non-zero period")
        .allow_burst(NonZeroU32::new(burst).expect("a non-zero burst"))
}

impl SignInLimits {
    /// 20 attempts at once per account, then one every 3 s; 100 per address, then 2 a second.
    pub fn new() -> Self {
        SignInLimits {
            by_account: RateLimiter::keyed(quota(20, Duration::from_secs(3))),
            by_address: RateLimiter::keyed(quota(100, Duration::from_millis(500))),
        }
    }

    /// Takes one attempt; `Err` with the seconds to wait when either limit is spent.
    pub fn attempt(&self, email: &str, address: IpAddr) -> Result<(), u64> {
        let clock = governor::clock::DefaultClock::default();
        let wait = |e: governor::NotUntil<_>| {
            use governor::clock::Clock;
            e.wait_time_from(clock.now()).as_secs().max(1)
        };
        self.by_address.check_key(&address).map_err(wait)?;
        self.by_account
            .check_key(&email.trim().to_lowercase())
            .map_err(wait)
    }
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_limited_whatever_the_address_and_others_are_not() {
        let limits = SignInLimits::new();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        for i in 0..20 {
            let from: IpAddr = format!("10.0.1.{i}").parse().unwrap();
            assert!(limits.attempt("ada@demo.test", from).is_ok());
        }
        assert!(
            limits.attempt(" ADA@demo.test", a).is_err(),
            "same account, other spelling"
        );
        assert!(limits.attempt("sam@demo.test", a).is_ok());
    }

    #[test]
    fn an_address_is_limited_across_accounts() {
        let limits = SignInLimits::new();
        let a: IpAddr = "10.0.0.2".parse().unwrap();
        for i in 0..100 {
            assert!(limits.attempt(&format!("u{i}@x.test"), a).is_ok());
        }
        let wait = limits.attempt("new@x.test", a).unwrap_err();
        assert!(wait >= 1);
        assert!(limits
            .attempt("new@x.test", "10.0.0.3".parse().unwrap())
            .is_ok());
    }
}
