//! Per-person booking quotas (DOMAIN §1, Beijing unified platform example).
//!
//! Quotas stop scalpers (号贩子) from hoarding places; they count the active
//! bookings (pending, booked, checked in) of one patient across hospitals.

use super::{BookingRefusal, Period};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuotaRule {
    /// Per day, hospital, department and period.
    pub per_session_department: u32,
    /// Per ISO week (Monday to Sunday).
    pub per_week: u32,
    /// Per calendar month.
    pub per_month: u32,
    /// Per calendar quarter.
    pub per_quarter: u32,
}

impl Default for QuotaRule {
    fn default() -> Self {
        QuotaRule {
            per_session_department: 1,
            per_week: 14,
            per_month: 20,
            per_quarter: 30,
        }
    }
}

/// One active booking of the patient, or the one they are trying to make.
/// Hospital and department are opaque ids: only equality matters here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingBooking {
    pub date: Date,
    pub hospital: String,
    pub department: String,
    pub period: Period,
}

/// Checks the candidate against the patient's `existing` active bookings
/// (cancelled ones must already be left out by the caller). The narrowest
/// rule is checked first so the message names the most specific reason.
pub fn check_quota(
    rule: &QuotaRule,
    existing: &[ExistingBooking],
    candidate: &ExistingBooking,
) -> Result<(), BookingRefusal> {
    let count = |same: fn(Date, Date) -> bool| -> u32 {
        let n = existing
            .iter()
            .filter(|b| same(b.date, candidate.date))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };

    let same_session = existing
        .iter()
        .filter(|b| {
            b.date == candidate.date
                && b.period == candidate.period
                && b.hospital == candidate.hospital
                && b.department == candidate.department
        })
        .count();
    let limit = rule.per_session_department;
    if u32::try_from(same_session).unwrap_or(u32::MAX) >= limit {
        return Err(BookingRefusal::SameSessionDepartment { limit });
    }

    let used = count(same_iso_week);
    if used >= rule.per_week {
        return Err(BookingRefusal::WeeklyQuota {
            limit: rule.per_week,
            used,
        });
    }
    let used = count(same_month);
    if used >= rule.per_month {
        return Err(BookingRefusal::MonthlyQuota {
            limit: rule.per_month,
            used,
        });
    }
    let used = count(same_quarter);
    if used >= rule.per_quarter {
        return Err(BookingRefusal::QuarterlyQuota {
            limit: rule.per_quarter,
            used,
        });
    }
    Ok(())
}

/// ISO weeks, so a week spanning New Year is still one week.
fn same_iso_week(a: Date, b: Date) -> bool {
    let (a, b) = (a.iso_week_date(), b.iso_week_date());
    (a.year(), a.week()) == (b.year(), b.week())
}

fn same_month(a: Date, b: Date) -> bool {
    (a.year(), a.month()) == (b.year(), b.month())
}

fn same_quarter(a: Date, b: Date) -> bool {
    (a.year(), (a.month() - 1) / 3) == (b.year(), (b.month() - 1) / 3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use jiff::{Span, ToSpan};
    use proptest::prelude::*;

    fn booking(d: Date, department: &str) -> ExistingBooking {
        ExistingBooking {
            date: d,
            hospital: "h1".into(),
            department: department.into(),
            period: Period::Morning,
        }
    }

    #[test]
    fn one_booking_per_department_per_session() {
        let rule = QuotaRule::default();
        let existing = [booking(date(2026, 3, 2), "cardiology")];
        let again = booking(date(2026, 3, 2), "cardiology");
        assert_eq!(
            check_quota(&rule, &existing, &again),
            Err(BookingRefusal::SameSessionDepartment { limit: 1 })
        );
        let afternoon = ExistingBooking {
            period: Period::Afternoon,
            ..again.clone()
        };
        assert_eq!(check_quota(&rule, &existing, &afternoon), Ok(()));
        let other_hospital = ExistingBooking {
            hospital: "h2".into(),
            ..again.clone()
        };
        assert_eq!(check_quota(&rule, &existing, &other_hospital), Ok(()));
        assert_eq!(
            check_quota(&rule, &existing, &booking(date(2026, 3, 2), "ent")),
            Ok(())
        );
    }

    #[test]
    fn fifteenth_booking_in_a_week_is_refused() {
        let rule = QuotaRule::default();
        // Monday 2026-03-02 to Sunday 2026-03-08, two departments a day.
        let existing: Vec<_> = (0..14)
            .map(|i| {
                booking(
                    date(2026, 3, 2).saturating_add((i / 2).days()),
                    &format!("d{i}"),
                )
            })
            .collect();
        let err = check_quota(&rule, &existing, &booking(date(2026, 3, 8), "new")).unwrap_err();
        assert_eq!(
            err,
            BookingRefusal::WeeklyQuota {
                limit: 14,
                used: 14
            }
        );
        assert_eq!(err.rule_code(), "quota-week");
        assert_eq!(
            check_quota(&rule, &existing, &booking(date(2026, 3, 9), "new")),
            Ok(())
        );
    }

    #[test]
    fn week_spanning_new_year_counts_as_one() {
        let rule = QuotaRule {
            per_week: 1,
            ..Default::default()
        };
        // 2026-01-01 is a Thursday in ISO week 2026-W01, which began on Monday 2025-12-29.
        let existing = [booking(date(2025, 12, 29), "a")];
        assert!(check_quota(&rule, &existing, &booking(date(2026, 1, 4), "b")).is_err());
        assert!(check_quota(&rule, &existing, &booking(date(2026, 1, 5), "b")).is_ok());
    }

    #[test]
    fn monthly_and_quarterly_limits() {
        let rule = QuotaRule::default();
        let march: Vec<_> = (0..20)
            .map(|i| booking(date(2026, 3, 1).saturating_add(i.days()), "a"))
            .collect();
        let err = check_quota(&rule, &march, &booking(date(2026, 3, 31), "b")).unwrap_err();
        assert_eq!(
            err,
            BookingRefusal::MonthlyQuota {
                limit: 20,
                used: 20
            }
        );
        let mut quarter = march[..15].to_vec();
        quarter.extend((0..15).map(|i| booking(date(2026, 1, 1).saturating_add(i.days()), "a")));
        let err = check_quota(&rule, &quarter, &booking(date(2026, 2, 20), "b")).unwrap_err();
        assert_eq!(
            err,
            BookingRefusal::QuarterlyQuota {
                limit: 30,
                used: 30
            }
        );
        assert_eq!(
            check_quota(&rule, &quarter, &booking(date(2026, 4, 1), "b")),
            Ok(())
        );
    }

    #[derive(Clone, Copy, Debug)]
    enum Window {
        Week,
        Month,
        Quarter,
    }

    fn only(window: Window, limit: u32) -> QuotaRule {
        let big = u32::MAX;
        let mut rule = QuotaRule {
            per_session_department: big,
            per_week: big,
            per_month: big,
            per_quarter: big,
        };
        match window {
            Window::Week => rule.per_week = limit,
            Window::Month => rule.per_month = limit,
            Window::Quarter => rule.per_quarter = limit,
        }
        rule
    }

    fn same(window: Window, a: Date, b: Date) -> bool {
        match window {
            Window::Week => same_iso_week(a, b),
            Window::Month => same_month(a, b),
            Window::Quarter => same_quarter(a, b),
        }
    }

    fn window() -> impl Strategy<Value = Window> {
        prop_oneof![
            Just(Window::Week),
            Just(Window::Month),
            Just(Window::Quarter)
        ]
    }

    fn day_near(base: Date) -> impl Strategy<Value = Date> {
        (-400i64..400).prop_map(move |d| base.saturating_add(Span::new().days(d)))
    }

    proptest! {
        #[test]
        fn one_more_than_the_limit_is_refused(
            window in window(),
            limit in 1u32..40,
            candidate in day_near(date(2026, 6, 15)),
        ) {
            // `limit` bookings on the candidate's own date, in distinct departments.
            let existing: Vec<_> = (0..limit).map(|i| booking(candidate, &format!("d{i}"))).collect();
            let rule = only(window, limit);
            let refusal = check_quota(&rule, &existing, &booking(candidate, "new")).unwrap_err();
            prop_assert!(refusal.rule_code().starts_with("quota-"));
            prop_assert_eq!(check_quota(&rule, &existing[1..], &booking(candidate, "new")), Ok(()));
        }

        #[test]
        fn bookings_outside_the_window_never_count(
            window in window(),
            candidate in day_near(date(2026, 6, 15)),
            others in prop::collection::vec(day_near(date(2026, 6, 15)), 0..60),
        ) {
            let existing: Vec<_> = others
                .into_iter()
                .filter(|d| !same(window, *d, candidate))
                .map(|d| booking(d, "a"))
                .collect();
            let rule = only(window, 1);
            prop_assert_eq!(check_quota(&rule, &existing, &booking(candidate, "a")), Ok(()));
        }
    }
}
