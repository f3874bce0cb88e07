//! Throttling of failed logins per client address (in memory, per process). Per-account
//! lockout is kept in the database instead, so it holds across server processes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    limit: u32,
    window: Duration,
    failures: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl LoginThrottle {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(seconds)` to wait when the address has failed too often in the current window.
    pub fn blocked_for(&self, ip: IpAddr) -> Option<u64> {
        let failures = self.failures.lock().expect("throttle lock");
        let (start, count) = failures.get(&ip)?;
        let elapsed = start.elapsed();
        (elapsed < self.window && *count >= self.limit)
            .then(|| (self.window - elapsed).as_secs().max(1))
    }

    pub fn record_failure(&self, ip: IpAddr) {
        let mut failures = self.failures.lock().expect("throttle lock");
        if failures.len() > 100_000 {
            // Bound memory under a spray of addresses: forget windows that have ended.
            let window = self.window;
            failures.retain(|_, (start, _)| start.elapsed() < window);
        }
        let entry = failures.entry(ip).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= self.window {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }

    pub fn record_success(&self, ip: IpAddr) {
        self.failures.lock().expect("throttle lock").remove(&ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_blocked_after_the_limit_and_others_are_not() {
        let throttle = LoginThrottle::new(3, Duration::from_secs(60));
        let a: IpAddr = "127.0.0.2".parse().unwrap();
        let b: IpAddr = "127.0.0.3".parse().unwrap();
        for _ in 0..3 {
            assert!(throttle.blocked_for(a).is_none());
            throttle.record_failure(a);
        }
        assert!(throttle.blocked_for(a).is_some());
        assert!(throttle.blocked_for(b).is_none());
        throttle.record_success(a);
        assert!(throttle.blocked_for(a).is_none());
    }
}
