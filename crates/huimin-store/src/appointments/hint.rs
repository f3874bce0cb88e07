//! A per-process memory of slots found full, so that the thousands of attempts that follow a
//! sell-out are answered without touching the database.
//!
//! It is only a hint and errs on the side of "go and ask the database": an entry lives until
//! the earliest pending hold in the slot could expire, and never longer than [`TTL_MICROS`],
//! and this process forgets it the moment it gives a place back. A place freed by *another*
//! process (PostgreSQL deployments) is therefore bookable through this one within one TTL.
//! A stale "has room" costs nothing but a round trip: the conditional update decides.

use std::collections::HashMap;
use std::sync::Mutex;

/// How long a "full" verdict is trusted without asking the database again (µs).
pub const TTL_MICROS: i64 = 1_000_000;

/// Past this many entries, expired ones are swept on the next mark.
const SWEEP_AT: usize = 50_000;

#[derive(Debug, Default)]
pub struct FullSlots {
    until: Mutex<HashMap<String, i64>>,
}

impl FullSlots {
    /// `true` when the slot was seen full and the verdict still holds at `now` (µs).
    pub fn is_full(&self, slot_id: &str, now: i64) -> bool {
        self.lock().get(slot_id).is_some_and(|&until| now < until)
    }

    /// Remembers that the slot had no place at `now`; `earliest_hold_expiry` is when the first
    /// pending hold in it could lapse and free a place.
    pub fn mark_full(&self, slot_id: &str, now: i64, earliest_hold_expiry: Option<i64>) {
        let until =
            earliest_hold_expiry.map_or(now + TTL_MICROS, |expiry| expiry.min(now + TTL_MICROS));
        if until <= now {
            return;
        }
        let mut map = self.lock();
        if map.len() >= SWEEP_AT {
            map.retain(|_, &mut u| u > now);
        }
        map.insert(slot_id.to_owned(), until);
    }

    /// A place in the slot was given back (cancel, expiry) or added (extra place).
    pub fn forget(&self, slot_id: &str) {
        self.lock().remove(slot_id);
    }

    /// Places may have been given back in slots not named (a whole session suspended, a sweep
    /// of expired holds).
    pub fn forget_all(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, i64>> {
        // A panic while holding this lock cannot leave the map inconsistent (single
        // insert/remove calls), so a poisoned lock is still usable.
        self.until.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_slot_is_remembered_for_at_most_the_ttl() {
        let hint = FullSlots::default();
        hint.mark_full("s1", 1_000, None);
        assert!(hint.is_full("s1", 1_000));
        assert!(hint.is_full("s1", 1_000 + TTL_MICROS - 1));
        assert!(!hint.is_full("s1", 1_000 + TTL_MICROS));
        assert!(!hint.is_full("s2", 1_000));
    }

    #[test]
    fn the_verdict_ends_when_the_first_hold_could_expire() {
        let hint = FullSlots::default();
        hint.mark_full("s1", 1_000, Some(1_500));
        assert!(hint.is_full("s1", 1_499));
        assert!(!hint.is_full("s1", 1_500));
        // A hold already lapsed: nothing is remembered.
        hint.mark_full("s2", 1_000, Some(900));
        assert!(!hint.is_full("s2", 1_000));
    }

    #[test]
    fn giving_a_place_back_forgets_the_verdict() {
        let hint = FullSlots::default();
        hint.mark_full("s1", 0, None);
        hint.mark_full("s2", 0, None);
        hint.forget("s1");
        assert!(!hint.is_full("s1", 1));
        assert!(hint.is_full("s2", 1));
        hint.forget_all();
        assert!(!hint.is_full("s2", 1));
    }

    #[test]
    fn expired_verdicts_are_swept_when_the_map_grows() {
        let hint = FullSlots::default();
        for n in 0..SWEEP_AT {
            hint.mark_full(&format!("old{n}"), 0, None);
        }
        hint.mark_full("new", TTL_MICROS * 2, None);
        assert_eq!(hint.lock().len(), 1);
    }
}
