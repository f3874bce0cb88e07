//! How many connections are open, per client address and in all, and whether one more may be.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::client_addr::IpNet;

/// Connection caps (`HUIMIN_MAX_CONNECTIONS_PER_ADDRESS`, `HUIMIN_MAX_CONNECTIONS`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caps {
    /// Connections one TCP peer may hold open at once. Trusted proxies are exempt: every
    /// client behind them shares their address, and the proxy's own limits apply.
    pub per_address: usize,
    /// Connections open at once in all; `None`: [`default_total`].
    pub total: Option<usize>,
}

impl Default for Caps {
    fn default() -> Self {
        Self {
            per_address: 256,
            total: None,
        }
    }
}

/// Descriptors kept for everything else the process opens: database connections and files,
/// the listener, logs.
const RESERVED_DESCRIPTORS: usize = 256;

/// Connections held at once by default: the open-file limit (`ulimit -n`) less
/// [`RESERVED_DESCRIPTORS`], so a crowd of sockets never takes the descriptors the database
/// needs, and at most 65,536 (each open connection costs memory too).
pub fn default_total() -> usize {
    open_file_limit()
        .saturating_sub(RESERVED_DESCRIPTORS)
        .clamp(64, 65_536)
}

#[cfg(unix)]
fn open_file_limit() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one plain struct that lives on this stack frame.
    let read = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    if read == 0 {
        usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX)
    } else {
        1024
    }
}

#[cfg(not(unix))]
fn open_file_limit() -> usize {
    8192
}

/// The open connections, by address. One lock taken twice per connection (open and close):
/// nothing on the path of a request.
pub(crate) struct Counter {
    per_address: usize,
    total: usize,
    exempt: Vec<IpNet>,
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// One admitted connection; dropping it gives its place back.
pub(crate) struct Place {
    counter: Arc<Counter>,
    address: IpAddr,
}

impl Counter {
    pub(crate) fn new(caps: &Caps, exempt: Vec<IpNet>) -> Arc<Self> {
        Arc::new(Self {
            per_address: caps.per_address.max(1),
            total: caps.total.unwrap_or_else(default_total).max(1),
            exempt,
            open: Mutex::new(Open::default()),
        })
    }

    /// A place for a new connection from `address`, or `None` when its address or the server
    /// is at its cap.
    pub(crate) fn admit(self: &Arc<Self>, address: IpAddr) -> Option<Place> {
        let address = address.to_canonical();
        let capped = !self.exempt.iter().any(|net| net.contains(&address));
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.total >= self.total {
            return None;
        }
        let held = open.by_address.entry(address).or_default();
        if capped && *held >= self.per_address {
            return None;
        }
        *held += 1;
        open.total += 1;
        Some(Place {
            counter: self.clone(),
            address,
        })
    }

    pub(crate) fn total(&self) -> usize {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).total
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut open = self.counter.open.lock().unwrap_or_else(|e| e.into_inner());
        open.total = open.total.saturating_sub(1);
        if let Some(held) = open.by_address.get_mut(&self.address) {
            *held -= 1;
            if *held == 0 {
                open.by_address.remove(&self.address);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_address_at_its_cap_is_refused_and_others_are_not() {
        let caps = Caps {
            per_address: 2,
            total: Some(10),
        };
        let counter = Counter::new(&caps, Vec::new());
        let first = counter.admit(ip("192.0.2.1")).unwrap();
        let _second = counter.admit(ip("::ffff:192.0.2.1")).unwrap();
        assert!(counter.admit(ip("192.0.2.1")).is_none());
        assert!(counter.admit(ip("192.0.2.2")).is_some());
        drop(first);
        assert!(
            counter.admit(ip("192.0.2.1")).is_some(),
            "a place was freed"
        );
    }

    #[test]
    fn the_total_cap_holds_for_everyone_and_trusted_proxies_only_meet_it() {
        let caps = Caps {
            per_address: 1,
            total: Some(3),
        };
        let proxy = crate::client_addr::parse_trusted("10.0.0.1").unwrap();
        let counter = Counter::new(&caps, vec![proxy]);
        let held: Vec<_> = (0..3)
            .map(|_| counter.admit(ip("10.0.0.1")).expect("the proxy is exempt"))
            .collect();
        assert_eq!(counter.total(), 3);
        assert!(
            counter.admit(ip("192.0.2.9")).is_none(),
            "the server is full"
        );
        drop(held);
        assert_eq!(counter.total(), 0);
        assert!(counter.admit(ip("192.0.2.9")).is_some());
    }

    #[test]
    fn the_default_total_stays_below_the_open_file_limit() {
        let total = default_total();
        assert!(total >= 64);
        assert!(total < open_file_limit().max(64 + RESERVED_DESCRIPTORS));
    }
}
