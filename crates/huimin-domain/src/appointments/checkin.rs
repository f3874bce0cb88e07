//! Check-in 签到 window. A patient checks in on the day, from a set time before their slot
//! until the slot ends; after that the desk or the triage nurse checks them in (a late
//! arrival rejoins the queue), until the session ends. A hospital may also want the fee paid
//! before the patient joins the line (`payment_first`).

use super::{BookingRefusal, shift};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CheckInRule {
    /// Check-in opens this long before the slot starts.
    pub opens_minutes_before: u32,
    /// A patient checking in on their own phone must prove they are in the hospital, with the
    /// code shown in the department's waiting area (扫码签到).
    pub on_site_proof: bool,
    /// An unpaid visit cannot be checked in (缴费后签到). Off by default: until online payment
    /// exists the fee is paid at the window, and making every patient queue there first
    /// would bring back the queue that booking ahead removes; hospitals that settle at the
    /// consultation (or by medical insurance afterwards) keep it off.
    pub payment_first: bool,
}

impl Default for CheckInRule {
    fn default() -> Self {
        CheckInRule {
            opens_minutes_before: 60,
            on_site_proof: true,
            payment_first: false,
        }
    }
}

/// Who checks the patient in: the patient (phone, kiosk) keeps to the slot's window; staff
/// may also check in late arrivals until the session ends. A patient says whether they
/// showed a valid code from the waiting area; staff are on site by definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckInBy {
    Patient { on_site: bool },
    Staff,
}

/// What a check-in depends on: the times that bound it and what is still due on the visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckInFacts {
    pub slot_start: Timestamp,
    pub slot_end: Timestamp,
    pub session_end: Timestamp,
    /// Fen still to pay on the visit (its fee when no bill was opened yet); 0 when paid or free.
    pub due_fen: i64,
}

impl CheckInRule {
    pub fn opens_at(&self, slot_start: Timestamp) -> Timestamp {
        shift(
            slot_start,
            -SignedDuration::from_mins(i64::from(self.opens_minutes_before)),
        )
    }

    /// `Ok` when `by` may check in at `now`. Too early or too late is said first (nothing
    /// else would help), then an unpaid fee, then the missing proof of being on site.
    pub fn check(
        &self,
        by: CheckInBy,
        times: CheckInFacts,
        now: Timestamp,
    ) -> Result<(), BookingRefusal> {
        let opens_at = self.opens_at(times.slot_start);
        if now < opens_at {
            return Err(BookingRefusal::CheckInNotOpen {
                opens_at,
                minutes_before: self.opens_minutes_before,
            });
        }
        let closes_at = match by {
            CheckInBy::Patient { .. } => times.slot_end,
            CheckInBy::Staff => times.session_end,
        };
        if now >= closes_at {
            return Err(BookingRefusal::CheckInClosed {
                closed_at: closes_at,
            });
        }
        if self.payment_first && times.due_fen > 0 {
            return Err(BookingRefusal::CheckInUnpaid {
                due_fen: times.due_fen,
            });
        }
        if self.on_site_proof && by == (CheckInBy::Patient { on_site: false }) {
            return Err(BookingRefusal::CheckInNotOnSite);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A patient with the waiting area's code.
    const PATIENT: CheckInBy = CheckInBy::Patient { on_site: true };

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn times() -> CheckInFacts {
        CheckInFacts {
            slot_start: ts("2026-03-16T01:00:00Z"),
            slot_end: ts("2026-03-16T01:30:00Z"),
            session_end: ts("2026-03-16T04:00:00Z"),
            due_fen: 0,
        }
    }

    #[test]
    fn opens_an_hour_before_the_slot() {
        let rule = CheckInRule::default();
        assert_eq!(
            rule.check(PATIENT, times(), ts("2026-03-16T00:00:00Z")),
            Ok(())
        );
        assert_eq!(
            rule.check(PATIENT, times(), ts("2026-03-15T23:59:59Z")),
            Err(BookingRefusal::CheckInNotOpen {
                opens_at: ts("2026-03-16T00:00:00Z"),
                minutes_before: 60,
            })
        );
        // Staff cannot check in before the window either: the queue would be wrong.
        assert!(
            rule.check(CheckInBy::Staff, times(), ts("2026-03-15T23:00:00Z"))
                .is_err()
        );
    }

    #[test]
    fn patients_until_the_slot_ends_staff_until_the_session_ends() {
        let rule = CheckInRule::default();
        let late = ts("2026-03-16T01:30:00Z");
        assert_eq!(
            rule.check(PATIENT, times(), late),
            Err(BookingRefusal::CheckInClosed {
                closed_at: ts("2026-03-16T01:30:00Z")
            })
        );
        assert_eq!(rule.check(CheckInBy::Staff, times(), late), Ok(()));
        assert!(
            rule.check(CheckInBy::Staff, times(), ts("2026-03-16T04:00:00Z"))
                .is_err()
        );
    }

    #[test]
    fn the_window_follows_the_setting() {
        let rule = CheckInRule {
            opens_minutes_before: 15,
            ..CheckInRule::default()
        };
        assert!(
            rule.check(PATIENT, times(), ts("2026-03-16T00:44:00Z"))
                .is_err()
        );
        assert!(
            rule.check(PATIENT, times(), ts("2026-03-16T00:45:00Z"))
                .is_ok()
        );
    }

    #[test]
    fn a_patient_on_their_phone_shows_they_are_on_site_unless_the_hospital_does_not_ask() {
        let rule = CheckInRule::default();
        let now = ts("2026-03-16T00:30:00Z");
        let away = CheckInBy::Patient { on_site: false };
        assert_eq!(
            rule.check(away, times(), now),
            Err(BookingRefusal::CheckInNotOnSite)
        );
        assert_eq!(rule.check(PATIENT, times(), now), Ok(()));
        assert_eq!(rule.check(CheckInBy::Staff, times(), now), Ok(()));
        // Too early is said first: the code would not help.
        assert!(matches!(
            rule.check(away, times(), ts("2026-03-15T20:00:00Z")),
            Err(BookingRefusal::CheckInNotOpen { .. })
        ));
        let trusting = CheckInRule {
            on_site_proof: false,
            ..CheckInRule::default()
        };
        assert_eq!(trusting.check(away, times(), now), Ok(()));
    }

    #[test]
    fn an_unpaid_visit_waits_for_payment_only_when_the_hospital_asks() {
        let unpaid = CheckInFacts {
            due_fen: 5000,
            ..times()
        };
        let now = ts("2026-03-16T00:30:00Z");
        let relaxed = CheckInRule::default();
        assert_eq!(
            relaxed.check(PATIENT, unpaid, now),
            Ok(()),
            "off by default"
        );
        let strict = CheckInRule {
            payment_first: true,
            ..CheckInRule::default()
        };
        let refused = Err(BookingRefusal::CheckInUnpaid { due_fen: 5000 });
        assert_eq!(strict.check(PATIENT, unpaid, now), refused);
        assert_eq!(strict.check(CheckInBy::Staff, unpaid, now), refused);
        assert_eq!(strict.check(PATIENT, times(), now), Ok(()), "paid or free");
        // Said before the missing on-site code: paying is the longer errand.
        let away = CheckInBy::Patient { on_site: false };
        assert_eq!(strict.check(away, unpaid, now), refused);
        assert!(matches!(
            strict.check(PATIENT, unpaid, ts("2026-03-15T20:00:00Z")),
            Err(BookingRefusal::CheckInNotOpen { .. })
        ));
    }
}
