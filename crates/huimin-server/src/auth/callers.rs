//! A short-lived memory of who a token's subject is, so that a rush of requests from one
//! account does not read the account row on every request.
//!
//! The account is still re-read at least every [`TTL`]: disabling an account, or changing its
//! role, takes effect within that time in every server process, and at once in the process
//! that made the change (it calls [`CallerCache::forget`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::context::Caller;

/// How long an account read is trusted.
pub const TTL: Duration = Duration::from_secs(2);

/// Past this many entries, expired ones are swept on the next insert.
const SWEEP_AT: usize = 20_000;

#[derive(Debug, Default)]
pub struct CallerCache {
    entries: Mutex<HashMap<String, (Instant, Caller)>>,
}

impl CallerCache {
    /// The caller for a user id, if read less than [`TTL`] ago.
    pub fn get(&self, user_id: &str) -> Option<Caller> {
        let entries = self.lock();
        let (read_at, caller) = entries.get(user_id)?;
        (read_at.elapsed() < TTL).then(|| caller.clone())
    }

    pub fn put(&self, caller: &Caller) {
        let mut entries = self.lock();
        if entries.len() >= SWEEP_AT {
            entries.retain(|_, (read_at, _)| read_at.elapsed() < TTL);
        }
        entries.insert(caller.user_id.clone(), (Instant::now(), caller.clone()));
    }

    /// The account changed (family member added, disabled, role changed): read it again.
    pub fn forget(&self, user_id: &str) {
        self.lock().remove(user_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Caller)>> {
        // Single insert/remove calls cannot leave the map half-changed.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use huimin_domain::roles::Role;

    fn caller(id: &str) -> Caller {
        Caller {
            user_id: id.into(),
            username: format!("user-{id}"),
            practitioner_id: None,
            role: Role::Patient,
            patient_ids: vec![format!("p-{id}")],
        }
    }

    #[test]
    fn a_caller_is_remembered_until_forgotten() {
        let cache = CallerCache::default();
        assert!(cache.get("u1").is_none());
        cache.put(&caller("u1"));
        assert_eq!(
            cache.get("u1").map(|c| c.patient_ids),
            Some(vec!["p-u1".into()])
        );
        cache.forget("u1");
        assert!(cache.get("u1").is_none());
    }

    #[test]
    fn an_old_read_is_not_trusted() {
        let cache = CallerCache::default();
        let stale = Instant::now().checked_sub(TTL + Duration::from_millis(1));
        if let Some(stale) = stale {
            cache.lock().insert("u1".into(), (stale, caller("u1")));
            assert!(cache.get("u1").is_none());
        }
    }
}
