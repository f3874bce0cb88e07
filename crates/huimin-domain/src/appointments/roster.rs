//! Weekly roster templates (排班模板) turned into dated sessions.

use super::{HolidayCalendar, Period};
use jiff::ToSpan;
use jiff::civil::{Date, DateTime, Time, Weekday};

/// One recurring session of a practitioner. Which practitioner, department,
/// room, registration class and fee it belongs to are the caller's ids,
/// kept out so these rules stay about time alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RosterTemplate {
    pub weekday: Weekday,
    pub period: Period,
    pub start: Time,
    pub end: Time,
    pub capacity: u32,
}

impl RosterTemplate {
    /// The session's hospital-local start and end on `date`.
    pub fn bounds(&self, date: Date) -> (DateTime, DateTime) {
        (date.to_datetime(self.start), date.to_datetime(self.end))
    }
}

/// The sessions to publish between `from` and `to` inclusive, as
/// (date, index into `templates`), in date order then template order.
///
/// Only working days get sessions. An adjusted workday on a weekend gets
/// the templates of its own weekday, usually none: which weekday's roster
/// it "replaces" differs between hospitals, so staff add those sessions by
/// hand rather than the system guessing.
pub fn dated_sessions(
    templates: &[RosterTemplate],
    from: Date,
    to: Date,
    calendar: &HolidayCalendar,
) -> Vec<(Date, usize)> {
    let mut sessions = Vec::new();
    if from > to {
        return sessions;
    }
    for date in from.series(1.day()).take_while(|d| *d <= to) {
        if !calendar.is_working_day(date) {
            continue;
        }
        for (index, template) in templates.iter().enumerate() {
            if template.weekday == date.weekday() {
                sessions.push((date, index));
            }
        }
        if date == Date::MAX {
            break;
        }
    }
    sessions
}

#[cfg(test)]
mod tests {
    use super::super::{DayKind, china_2026};
    use super::*;
    use jiff::civil::{date, time};
    use proptest::prelude::*;

    fn days_after(from: Date, days: i64) -> Date {
        from.saturating_add(jiff::Span::new().days(days))
    }

    fn template(weekday: Weekday, period: Period) -> RosterTemplate {
        let (start, end) = period.default_hours();
        RosterTemplate {
            weekday,
            period,
            start,
            end,
            capacity: 20,
        }
    }

    #[test]
    fn a_normal_week_gets_each_template_once() {
        let templates = [
            template(Weekday::Monday, Period::Morning),
            template(Weekday::Monday, Period::Afternoon),
            template(Weekday::Wednesday, Period::Morning),
            template(Weekday::Saturday, Period::Morning),
        ];
        let cal = HolidayCalendar::new();
        let got = dated_sessions(&templates, date(2026, 3, 2), date(2026, 3, 8), &cal);
        assert_eq!(
            got,
            [
                (date(2026, 3, 2), 0),
                (date(2026, 3, 2), 1),
                (date(2026, 3, 4), 2)
            ]
        );
        assert_eq!(
            templates[1].bounds(date(2026, 3, 2)).0,
            date(2026, 3, 2).to_datetime(time(13, 30, 0, 0))
        );
    }

    #[test]
    fn holidays_get_no_sessions_and_weekend_workdays_use_their_own_weekday() {
        let templates = [
            template(Weekday::Monday, Period::Morning),
            template(Weekday::Saturday, Period::Morning),
        ];
        let cal = china_2026();
        // 春节 2026-02-16 is a Monday holiday; 2026-02-14 and 02-28 are working Saturdays.
        let got = dated_sessions(&templates, date(2026, 2, 14), date(2026, 3, 1), &cal);
        assert_eq!(got, [(date(2026, 2, 14), 1), (date(2026, 2, 28), 1)]);
        // Sunday 2026-01-04 works but nobody has a Sunday template.
        assert!(dated_sessions(&templates, date(2026, 1, 4), date(2026, 1, 4), &cal).is_empty());
    }

    #[test]
    fn empty_or_reversed_ranges_give_nothing() {
        let templates = [template(Weekday::Monday, Period::Morning)];
        let cal = HolidayCalendar::new();
        assert!(dated_sessions(&templates, date(2026, 3, 9), date(2026, 3, 2), &cal).is_empty());
        assert!(dated_sessions(&[], date(2026, 3, 2), date(2026, 3, 9), &cal).is_empty());
        let end = dated_sessions(&templates, date(9999, 12, 27), Date::MAX, &cal);
        assert_eq!(end, [(date(9999, 12, 27), 0)]);
    }

    proptest! {
        #[test]
        fn sessions_fall_on_working_days_in_range_and_matching_weekdays(
            start in 0i64..800,
            len in 0i64..60,
            holidays in prop::collection::vec(0i64..800, 0..30),
        ) {
            let base = date(2026, 1, 1);
            let from = days_after(base, start);
            let to = days_after(from, len);
            let mut cal = HolidayCalendar::new();
            for h in holidays {
                cal.set(days_after(base, h), DayKind::Holiday, None);
            }
            let weekdays = [Weekday::Monday, Weekday::Tuesday, Weekday::Friday, Weekday::Saturday];
            let templates: Vec<_> = weekdays.into_iter().map(|w| template(w, Period::Morning)).collect();
            let got = dated_sessions(&templates, from, to, &cal);
            let mut previous = None;
            for &(d, i) in &got {
                prop_assert!(from <= d && d <= to);
                prop_assert!(cal.is_working_day(d));
                prop_assert_eq!(templates[i].weekday, d.weekday());
                prop_assert!(previous < Some((d, i)));
                previous = Some((d, i));
            }
            let expected = (0..=len)
                .map(|o| days_after(from, o))
                .filter(|d| cal.is_working_day(*d) && weekdays.contains(&d.weekday()))
                .count();
            prop_assert_eq!(got.len(), expected);
        }
    }
}
