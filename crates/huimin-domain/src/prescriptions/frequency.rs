//! 用药频次: the frequency codes a prescription is written in, and how many doses each gives
//! over a number of days.

use super::drug::vocabulary;
use crate::i18n::Text;

vocabulary! {
    /// A frequency code as written on Chinese prescriptions.
    Frequency {
        Qd => ("QD", "每日一次", "once a day"),
        Bid => ("BID", "每日两次", "twice a day"),
        Tid => ("TID", "每日三次", "three times a day"),
        Qid => ("QID", "每日四次", "four times a day"),
        Qn => ("QN", "每晚一次", "every night"),
        Q6h => ("Q6H", "每6小时一次", "every 6 hours"),
        Q8h => ("Q8H", "每8小时一次", "every 8 hours"),
        Q12h => ("Q12H", "每12小时一次", "every 12 hours"),
        Qod => ("QOD", "隔日一次", "every other day"),
        Biw => ("BIW", "每周两次", "twice a week"),
        Qw => ("QW", "每周一次", "once a week"),
        St => ("ST", "立即（一次）", "at once (one dose)"),
        Prn => ("PRN", "必要时", "when needed"),
    }
}

impl Frequency {
    /// Doses in a day, at most (a day on which a weekly dose falls has one). `None` when
    /// needed (PRN): the doctor writes the quantity.
    pub fn doses_per_day(self) -> Option<u32> {
        Some(match self {
            Frequency::Qd | Frequency::Qn | Frequency::Qod | Frequency::Biw | Frequency::Qw => 1,
            Frequency::St => 1,
            Frequency::Bid | Frequency::Q12h => 2,
            Frequency::Tid | Frequency::Q8h => 3,
            Frequency::Qid | Frequency::Q6h => 4,
            Frequency::Prn => return None,
        })
    }

    /// Doses over `days` days, counting the first day as a dosing day; `None` for PRN.
    pub fn doses_over(self, days: u32) -> Option<u32> {
        let days = days.max(1);
        Some(match self {
            Frequency::St => 1,
            Frequency::Qod => days.div_ceil(2),
            Frequency::Qw => days.div_ceil(7),
            // Days 1 and 4 of each week.
            Frequency::Biw => (days / 7) * 2 + [0, 1, 1, 1, 2, 2, 2][(days % 7) as usize],
            Frequency::Prn => return None,
            // Saturating: a `Line` built outside `check_line` may carry any number of days.
            other => other.doses_per_day()?.saturating_mul(days),
        })
    }

    /// FHIR `Timing.repeat`: (frequency, period, periodUnit).
    pub fn timing(self) -> Option<(u32, u32, &'static str)> {
        Some(match self {
            Frequency::Qd | Frequency::Qn => (1, 1, "d"),
            Frequency::Bid => (2, 1, "d"),
            Frequency::Tid => (3, 1, "d"),
            Frequency::Qid => (4, 1, "d"),
            Frequency::Q6h => (1, 6, "h"),
            Frequency::Q8h => (1, 8, "h"),
            Frequency::Q12h => (1, 12, "h"),
            Frequency::Qod => (1, 2, "d"),
            Frequency::Biw => (2, 1, "wk"),
            Frequency::Qw => (1, 1, "wk"),
            Frequency::St | Frequency::Prn => return None,
        })
    }

    /// How often, in the words of the patient's instructions: 每日三次.
    pub fn instruction(self) -> Text {
        self.label()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doses_over_days_count_every_dosing_day() {
        assert_eq!(Frequency::Tid.doses_over(7), Some(21));
        assert_eq!(Frequency::Qd.doses_over(28), Some(28));
        assert_eq!(Frequency::Qod.doses_over(7), Some(4));
        assert_eq!(Frequency::Qw.doses_over(28), Some(4));
        assert_eq!(Frequency::Qw.doses_over(1), Some(1));
        assert_eq!(Frequency::Biw.doses_over(7), Some(2));
        assert_eq!(Frequency::Biw.doses_over(14), Some(4));
        assert_eq!(Frequency::St.doses_over(3), Some(1));
        assert_eq!(Frequency::Prn.doses_over(3), None);
        assert_eq!(Frequency::Qid.doses_over(u32::MAX), Some(u32::MAX));
    }

    #[test]
    fn codes_are_the_ones_prescriptions_use() {
        assert_eq!(Frequency::from_code("TID"), Some(Frequency::Tid));
        assert_eq!(Frequency::from_code("tid"), None);
        assert_eq!(Frequency::Q8h.timing(), Some((1, 8, "h")));
    }
}
