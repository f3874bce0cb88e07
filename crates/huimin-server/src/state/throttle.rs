//! Login and registration throttling, kept in the database (`login_throttle`) so that it holds
//! across every server process on it. Three independent kinds of key:
//!
//! - the account named in a login (a keyed hash of the account key, the same for names that
//!   exist and names that do not, so the throttle's answers never tell which exist);
//! - the client address of a login (`client_addr`), counted whether the name exists or not and
//!   never cleared by a success (an attacker's own good logins do not reset it);
//! - the client address of a registration, counting every attempt that reaches the lookup.
//!
//! Each key has an exponential back-off ([`Backoff`]): a few free failures, then a refusal
//! that doubles with each further failure up to a cap, and forgets the key after a quiet
//! spell. Nothing an anonymous caller does locks an account for longer than the cap.

use std::net::IpAddr;
use std::time::Duration;

use huimin_domain::signin::Backoff;
use huimin_store::{Store, StoreError};

/// Sweep forgotten keys on about one failure in this many.
const SWEEP_ONE_IN: u8 = 64;

#[derive(Clone, Debug)]
pub struct LoginThrottle {
    pub account: Backoff,
    pub address: Backoff,
    pub register: Backoff,
    /// Unknown verification codes asked about from one address (`/verify`).
    pub verify: Backoff,
    /// A key quiet for this long starts again from zero.
    pub forget_after: Duration,
}

/// Which keys a login attempt counts against.
#[derive(Clone, Debug)]
pub struct LoginKeys {
    pub account: String,
    pub address: String,
}

impl LoginThrottle {
    /// The keys of a login for an account key (see `auth::account_key`) from an address.
    pub fn login_keys(store: &Store, account_key: &str, ip: IpAddr) -> LoginKeys {
        LoginKeys {
            account: format!("account:{}", store.blind(&format!("login|{account_key}"))),
            address: address_key(store, "address", ip),
        }
    }

    /// The key of unknown verification codes asked about from an address.
    pub fn verify_key(store: &Store, ip: IpAddr) -> String {
        address_key(store, "verify", ip)
    }

    /// The key of registrations from an address.
    pub fn register_key(store: &Store, ip: IpAddr) -> String {
        address_key(store, "register", ip)
    }

    /// `Some(seconds)` to wait when any of the keys is refused at `now`.
    pub async fn blocked_for(
        store: &Store,
        keys: &[&str],
        now_micros: i64,
    ) -> Result<Option<u64>, StoreError> {
        let until = store.throttle_blocked_until(keys).await?;
        Ok((until > now_micros).then(|| huimin_domain::signin::seconds_until(until, now_micros)))
    }

    /// Counts a failure of `key` under `backoff` at `now`, refusing the key for as long as
    /// the back-off says.
    pub async fn failed(
        &self,
        store: &Store,
        key: &str,
        backoff: Backoff,
        now_micros: i64,
    ) -> Result<(), StoreError> {
        let quiet_since = now_micros - self.forget_after.as_micros() as i64;
        let failures = store.throttle_count(key, now_micros, quiet_since).await?;
        let wait = backoff.after(failures);
        if !wait.is_zero() {
            store
                .throttle_block(key, now_micros + wait.as_micros() as i64)
                .await?;
        }
        if uuid::Uuid::new_v4().as_bytes()[0].is_multiple_of(SWEEP_ONE_IN) {
            store.throttle_sweep(now_micros, quiet_since).await?;
        }
        Ok(())
    }

    /// A successful login clears its account's key (and nothing else).
    pub async fn succeeded(store: &Store, keys: &LoginKeys) -> Result<(), StoreError> {
        store.throttle_clear(&keys.account).await
    }
}

/// A keyed hash of an address (the database never holds the address itself). IPv6 clients
/// are counted by their /64, which one subscriber usually holds whole.
fn address_key(store: &Store, kind: &str, ip: IpAddr) -> String {
    let ip = match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::V6(segments.into())
        }
        v4 => v4,
    };
    format!("{kind}:{}", store.blind(&format!("{kind}|{ip}")))
}
