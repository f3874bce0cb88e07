//! Holds: a place reserved while the patient pays (FHIR `$hold`, status
//! `pending`). Holds expire so unpaid places return to the pool.

use super::{BookingRefusal, shift};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HoldRule {
    pub minutes: u32,
}

impl Default for HoldRule {
    fn default() -> Self {
        HoldRule { minutes: 15 }
    }
}

impl HoldRule {
    pub fn expires_at(&self, now: Timestamp) -> Timestamp {
        shift(now, SignedDuration::from_mins(i64::from(self.minutes)))
    }

    /// A hold is gone at its expiry instant, so a payment arriving exactly
    /// then is refused rather than racing the expiry worker.
    pub fn is_expired(hold_expires_at: Timestamp, now: Timestamp) -> bool {
        now >= hold_expires_at
    }
}

/// At most one open hold per patient per session: several holds would let
/// one person block places they will not pay for.
pub fn check_single_hold(open_holds_for_session: u32) -> Result<(), BookingRefusal> {
    if open_holds_for_session > 0 {
        return Err(BookingRefusal::HoldAlreadyOpen);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_last_15_minutes() {
        let now: Timestamp = "2026-03-02T01:00:00Z".parse().unwrap();
        let expiry = HoldRule::default().expires_at(now);
        assert_eq!(expiry, "2026-03-02T01:15:00Z".parse().unwrap());
        assert!(!HoldRule::is_expired(expiry, now));
        assert!(HoldRule::is_expired(expiry, expiry));
    }

    #[test]
    fn a_second_hold_in_the_same_session_is_refused() {
        assert_eq!(check_single_hold(0), Ok(()));
        assert_eq!(check_single_hold(1), Err(BookingRefusal::HoldAlreadyOpen));
    }
}
