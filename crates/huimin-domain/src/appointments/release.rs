//! Slot release (放号): when a session becomes bookable.

use super::BookingRefusal;
use crate::i18n::Text;
use jiff::Timestamp;
use jiff::civil::{Date, Time, time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// Releases start no earlier than this…
const EARLIEST_RELEASE: Time = time(6, 0, 0, 0);
/// …and no later than just before this: DOMAIN §1 asks hospitals not to make
/// patients stay up at night or rise before dawn to grab a slot.
const LATEST_RELEASE_EXCLUSIVE: Time = time(22, 0, 0, 0);
const MAX_WINDOW_DAYS: u16 = 90;

/// Sessions on day D open for booking at `release_time` on D − `window_days`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReleaseRule {
    pub release_time: Time,
    pub window_days: u16,
}

impl Default for ReleaseRule {
    fn default() -> Self {
        ReleaseRule {
            release_time: time(8, 0, 0, 0),
            window_days: 14,
        }
    }
}

/// Why a release rule is not acceptable as a setting.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseRuleError {
    #[error(
        "Slots must not be released between 22:00 and 06:00 (late night or before dawn); got {}",
        .time.strftime("%H:%M")
    )]
    LateNight { time: Time },
    #[error("The booking window must be between 1 and 90 days; got {days}")]
    WindowOutOfRange { days: u16 },
}

impl ReleaseRuleError {
    /// The message in both languages; `en` equals `Display`.
    pub fn message(&self) -> Text {
        let zh = match self {
            ReleaseRuleError::LateNight { time } => format!(
                "放号时间不能在 22:00 至次日 06:00 之间（避免深夜或凌晨放号），当前为 {}",
                time.strftime("%H:%M")
            ),
            ReleaseRuleError::WindowOutOfRange { days } => {
                format!("预约周期须为 1 至 90 天，当前为 {days} 天")
            }
        };
        Text::new(zh, self.to_string())
    }
}

impl ReleaseRule {
    pub fn validate(&self) -> Result<(), ReleaseRuleError> {
        let t = self.release_time;
        if !(EARLIEST_RELEASE..LATEST_RELEASE_EXCLUSIVE).contains(&t) {
            return Err(ReleaseRuleError::LateNight { time: t });
        }
        if !(1..=MAX_WINDOW_DAYS).contains(&self.window_days) {
            return Err(ReleaseRuleError::WindowOutOfRange {
                days: self.window_days,
            });
        }
        Ok(())
    }

    /// The instant a session on `session_date` opens. A release time that
    /// falls in a DST gap is read with the "compatible" rule (shifted
    /// forward), the usual reading of a wall-clock setting.
    pub fn release_instant(&self, session_date: Date, tz: &TimeZone) -> Timestamp {
        let day = session_date.saturating_sub(jiff::Span::new().days(self.window_days));
        tz.to_ambiguous_timestamp(day.to_datetime(self.release_time))
            .compatible()
            .unwrap_or(Timestamp::MIN)
    }

    /// Whether a session can be booked at `now`: after release and before
    /// the session starts.
    pub fn check_bookable(
        &self,
        now: Timestamp,
        session_date: Date,
        session_start: Timestamp,
        tz: &TimeZone,
    ) -> Result<(), BookingRefusal> {
        let opens_at = self.release_instant(session_date, tz);
        if now < opens_at {
            return Err(BookingRefusal::NotYetOpen {
                opens_at,
                opens_at_local: tz.to_datetime(opens_at),
            });
        }
        if now >= session_start {
            return Err(BookingRefusal::SessionStarted);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appointments::local_minutes;
    use jiff::civil::{date, datetime};
    use jiff::tz::Offset;

    fn beijing() -> TimeZone {
        TimeZone::fixed(Offset::constant(8))
    }

    fn instant(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn default_is_eight_oclock_fourteen_days_ahead_and_valid() {
        let rule = ReleaseRule::default();
        assert_eq!(rule.validate(), Ok(()));
        let opens = rule.release_instant(date(2026, 3, 16), &beijing());
        assert_eq!(opens, instant("2026-03-02T00:00:00Z"));
    }

    #[test]
    fn booking_before_release_names_the_local_opening_time() {
        let rule = ReleaseRule::default();
        let start = instant("2026-03-16T00:00:00Z");
        let now = instant("2026-03-01T23:59:59Z");
        let err = rule
            .check_bookable(now, date(2026, 3, 16), start, &beijing())
            .unwrap_err();
        let BookingRefusal::NotYetOpen { opens_at_local, .. } = err else {
            panic!("{err:?}");
        };
        assert_eq!(local_minutes(opens_at_local), "2026-03-02 08:00");
        assert_eq!(opens_at_local, datetime(2026, 3, 2, 8, 0, 0, 0));
    }

    #[test]
    fn booking_is_open_from_release_until_the_session_starts() {
        let rule = ReleaseRule::default();
        let day = date(2026, 3, 16);
        let start = instant("2026-03-16T00:00:00Z");
        let opens = instant("2026-03-02T00:00:00Z");
        assert_eq!(rule.check_bookable(opens, day, start, &beijing()), Ok(()));
        let just_before = instant("2026-03-15T23:59:59Z");
        assert_eq!(
            rule.check_bookable(just_before, day, start, &beijing()),
            Ok(())
        );
        assert_eq!(
            rule.check_bookable(start, day, start, &beijing()),
            Err(BookingRefusal::SessionStarted)
        );
    }

    #[test]
    fn late_night_and_dawn_release_times_are_refused() {
        for (h, m) in [(22, 0), (23, 30), (0, 0), (5, 59)] {
            let rule = ReleaseRule {
                release_time: time(h, m, 0, 0),
                ..Default::default()
            };
            let err = rule.validate().unwrap_err();
            assert!(matches!(err, ReleaseRuleError::LateNight { .. }), "{h}:{m}");
            assert!(err.message().zh.contains("22:00 至次日 06:00"));
        }
        for (h, m) in [(6, 0), (7, 0), (21, 59)] {
            let rule = ReleaseRule {
                release_time: time(h, m, 0, 0),
                ..Default::default()
            };
            assert_eq!(rule.validate(), Ok(()), "{h}:{m}");
        }
    }

    #[test]
    fn window_must_be_1_to_90_days() {
        for days in [0, 91] {
            let rule = ReleaseRule {
                window_days: days,
                ..Default::default()
            };
            assert_eq!(
                rule.validate(),
                Err(ReleaseRuleError::WindowOutOfRange { days })
            );
        }
        for days in [1, 7, 28, 90] {
            let rule = ReleaseRule {
                window_days: days,
                ..Default::default()
            };
            assert_eq!(rule.validate(), Ok(()));
        }
    }
}
