//! Cancellation (退号) cutoff: DOMAIN §1, at least 12 h before the visit so
//! the freed place can still be booked by someone else.

use super::{BookingRefusal, shift};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CancellationRule {
    pub hours_before: u32,
}

impl Default for CancellationRule {
    fn default() -> Self {
        CancellationRule { hours_before: 12 }
    }
}

impl CancellationRule {
    /// The last instant a booking for `slot_start` may be cancelled.
    pub fn cutoff(&self, slot_start: Timestamp) -> Timestamp {
        shift(
            slot_start,
            -SignedDuration::from_hours(i64::from(self.hours_before)),
        )
    }
}

/// The deadline a patient is told for cancelling a booking of `slot_start` online: the
/// cut-off, or none for a booking the hospital moved by a stop-clinic that the patient has not
/// declined (they may cancel it at any time, with a full refund).
pub fn patient_deadline(
    rule: &CancellationRule,
    slot_start: Timestamp,
    moved_by_stop_clinic: bool,
) -> Option<Timestamp> {
    (!moved_by_stop_clinic).then(|| rule.cutoff(slot_start))
}

/// Cancelling exactly at the cutoff is still allowed.
pub fn check_cancellable(
    rule: &CancellationRule,
    now: Timestamp,
    slot_start: Timestamp,
) -> Result<(), BookingRefusal> {
    let cutoff = rule.cutoff(slot_start);
    if now > cutoff {
        return Err(BookingRefusal::PastCancellationCutoff {
            cutoff,
            hours_before: rule.hours_before,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn cancelling_up_to_12_hours_before_is_allowed() {
        let rule = CancellationRule::default();
        let start = ts("2026-03-16T00:30:00Z");
        assert_eq!(
            check_cancellable(&rule, ts("2026-03-15T12:30:00Z"), start),
            Ok(())
        );
        let err = check_cancellable(&rule, ts("2026-03-15T12:30:01Z"), start).unwrap_err();
        assert_eq!(
            err,
            BookingRefusal::PastCancellationCutoff {
                cutoff: ts("2026-03-15T12:30:00Z"),
                hours_before: 12
            }
        );
        assert_eq!(err.rule_code(), "cancel-cutoff");
        assert!(err.message().zh.contains("就诊前 12 小时"));
    }

    #[test]
    fn the_deadline_told_is_the_cutoff_unless_a_stop_clinic_moved_the_booking() {
        let rule = CancellationRule { hours_before: 12 };
        let start = ts("2026-03-16T00:30:00Z");
        assert_eq!(
            patient_deadline(&rule, start, false),
            Some(ts("2026-03-15T12:30:00Z"))
        );
        assert_eq!(patient_deadline(&rule, start, true), None);
    }

    #[test]
    fn a_zero_hour_rule_allows_cancelling_until_the_start() {
        let rule = CancellationRule { hours_before: 0 };
        let start = ts("2026-03-16T00:30:00Z");
        assert_eq!(check_cancellable(&rule, start, start), Ok(()));
    }

    #[test]
    fn absurd_settings_do_not_panic() {
        let rule = CancellationRule {
            hours_before: u32::MAX,
        };
        assert_eq!(rule.cutoff(ts("2026-03-16T00:30:00Z")), Timestamp::MIN);
    }
}
