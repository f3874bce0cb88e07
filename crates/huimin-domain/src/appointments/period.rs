//! The three clinic periods (午别) a day is divided into.

use crate::i18n::Text;
use jiff::civil::{Time, time};
use serde::{Deserialize, Serialize};

/// A clinic period. Quotas count "one booking per department per period",
/// so the period is part of a session's identity, not just its hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Morning,
    Afternoon,
    Evening,
}

impl Period {
    pub const ALL: [Period; 3] = [Period::Morning, Period::Afternoon, Period::Evening];

    pub fn code(self) -> &'static str {
        self.names().0
    }

    pub fn zh(self) -> &'static str {
        self.names().1
    }

    pub fn en(self) -> &'static str {
        self.names().2
    }

    pub fn label(self) -> Text {
        Text::new(self.zh(), self.en())
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == s)
    }

    /// Typical outpatient hours. Rosters may use other hours; these only
    /// prefill a new roster template.
    pub fn default_hours(self) -> (Time, Time) {
        match self {
            Period::Morning => (time(8, 0, 0, 0), time(12, 0, 0, 0)),
            Period::Afternoon => (time(13, 30, 0, 0), time(17, 30, 0, 0)),
            Period::Evening => (time(18, 0, 0, 0), time(21, 0, 0, 0)),
        }
    }

    /// When a session of this period may start: morning before noon, afternoon 12:00–17:59,
    /// evening 17:00–23:59 (an evening clinic may open before six).
    pub fn start_window(self) -> (Time, Time) {
        match self {
            Period::Morning => (time(0, 0, 0, 0), time(11, 59, 0, 0)),
            Period::Afternoon => (time(12, 0, 0, 0), time(17, 59, 0, 0)),
            Period::Evening => (time(17, 0, 0, 0), time(23, 59, 0, 0)),
        }
    }

    /// Refuses a start outside [`start_window`](Self::start_window), naming the period's hours.
    pub fn check_start(self, start: Time) -> Result<(), Text> {
        let (from, to) = self.start_window();
        if (from..=to).contains(&start) {
            return Ok(());
        }
        let hm = |t: Time| format!("{:02}:{:02}", t.hour(), t.minute());
        Err(Text::new(
            format!(
                "{}出诊须在 {}–{} 之间开始，{} 不属于{}",
                self.zh(),
                hm(from),
                hm(to),
                hm(start),
                self.zh()
            ),
            format!(
                "A {} session must start between {} and {}; {} is not {}",
                self.en().to_lowercase(),
                hm(from),
                hm(to),
                hm(start),
                self.en().to_lowercase()
            ),
        ))
    }

    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Period::Morning => ("morning", "上午", "Morning"),
            Period::Afternoon => ("afternoon", "下午", "Afternoon"),
            Period::Evening => ("evening", "晚间", "Evening"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_starts_within_its_period() {
        assert!(Period::Evening.check_start(time(6, 0, 0, 0)).is_err());
        assert!(Period::Afternoon.check_start(time(8, 0, 0, 0)).is_err());
        let refused = Period::Afternoon.check_start(time(8, 0, 0, 0)).unwrap_err();
        assert!(refused.zh.contains("12:00–17:59"), "{}", refused.zh);
        assert!(Period::Morning.check_start(time(12, 0, 0, 0)).is_err());
        for p in Period::ALL {
            let (start, _) = p.default_hours();
            assert!(p.check_start(start).is_ok(), "{p:?}'s default hours fit");
        }
        assert!(Period::Evening.check_start(time(17, 30, 0, 0)).is_ok());
    }

    #[test]
    fn periods_round_trip_and_match_serde() {
        for p in Period::ALL {
            assert_eq!(Period::from_code(p.code()), Some(p));
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.code()));
        }
        assert_eq!(Period::Evening.label(), Text::new("晚间", "Evening"));
        assert_eq!(Period::from_code("noon"), None);
    }

    #[test]
    fn default_hours_are_ordered_and_do_not_overlap() {
        let hours: Vec<_> = Period::ALL.iter().map(|p| p.default_hours()).collect();
        assert_eq!(hours[1], (time(13, 30, 0, 0), time(17, 30, 0, 0)));
        for (start, end) in &hours {
            assert!(start < end);
        }
        for pair in hours.windows(2) {
            assert!(pair[0].1 <= pair[1].0);
        }
    }
}
