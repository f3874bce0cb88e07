//! The hospital's clock: the one place above the domain that reads the time.
//!
//! A hospital keeps one wall clock, its time zone's: "today" for registration and booking,
//! release times, the day a queue belongs to and the times pages show are all read from it.
//! The server builds one [`Clock`] from its configuration and hands the same one to every
//! layer that needs the time (handlers, the booking worker, the pages, the benchmarks).
//! `huimin-domain` never reads a clock: it takes `today` and `now` as arguments, so its rules
//! are plain functions of their inputs.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};

/// The instant now. Instants do not depend on the time zone; everything that reads the
/// system clock goes through here (or [`Clock::now`]), so there is one place to change it.
pub fn now() -> Timestamp {
    Timestamp::now()
}

/// The hospital's clock: the instant now and the hospital's wall clock. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Clock {
    zone: TimeZone,
}

impl Clock {
    /// A clock on the wall of a hospital in `zone`.
    pub fn new(zone: TimeZone) -> Self {
        Self { zone }
    }

    /// China's wall clock: UTC+8 all year (no daylight saving since 1991), as a fixed offset
    /// so it needs no time zone database on the machine.
    pub fn china() -> Self {
        Self::new(TimeZone::fixed(Offset::constant(8)))
    }

    /// The hospital's time zone.
    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The instant now.
    pub fn now(&self) -> Timestamp {
        now()
    }

    /// Today on the hospital's wall clock.
    pub fn today(&self) -> Date {
        self.wall(self.now()).date()
    }

    /// The hospital's wall-clock time now.
    pub fn wall_now(&self) -> DateTime {
        self.wall(self.now())
    }

    /// `instant` on the hospital's wall clock.
    pub fn wall(&self, instant: Timestamp) -> DateTime {
        self.zone.to_datetime(instant)
    }

    /// The instant a wall-clock time of the hospital's names (the earlier one when the clock
    /// shows it twice, the later when it skips it).
    pub fn instant(&self, wall: DateTime) -> Option<Timestamp> {
        self.zone.to_timestamp(wall).ok()
    }
}

/// China's clock ([`Clock::china`]), the zone a hospital is in unless it is configured.
impl Default for Clock {
    fn default() -> Self {
        Self::china()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_wall_clock_is_eight_hours_ahead_of_utc_in_china() {
        let clock = Clock::default();
        let late_utc: Timestamp = "2026-03-01T17:30:00Z".parse().unwrap();
        assert_eq!(clock.wall(late_utc), date(2026, 3, 2).at(1, 30, 0, 0));
        assert_eq!(
            clock.instant(date(2026, 3, 2).at(1, 30, 0, 0)),
            Some(late_utc)
        );
    }

    #[test]
    fn today_follows_the_configured_zone() {
        let utc = Clock::new(TimeZone::UTC);
        let china = Clock::china();
        let now = Timestamp::now();
        assert_eq!(utc.today(), now.to_zoned(TimeZone::UTC).date());
        let ahead = china.today().since(utc.today()).unwrap().get_days();
        assert!((0..=1).contains(&ahead), "China is 0 or 1 day ahead of UTC");
    }
}
