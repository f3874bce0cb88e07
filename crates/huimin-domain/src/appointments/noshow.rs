//! No-show (爽约) bans (DOMAIN §1: 3 in a calendar year → 90 days, 6 → 180).

use super::BookingRefusal;
use crate::i18n::Text;
use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Steps of (no-shows in one calendar year, ban in days).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BanRule {
    pub steps: Vec<(u32, u32)>,
}

impl Default for BanRule {
    fn default() -> Self {
        BanRule {
            steps: vec![(3, 90), (6, 180)],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BanRuleError {
    #[error(
        "No-show ban steps must have increasing counts from 1 and bans that never get shorter (step {step})"
    )]
    BadStep { step: usize },
}

impl BanRuleError {
    /// The message in both languages; `en` equals `Display`.
    pub fn message(&self) -> Text {
        let BanRuleError::BadStep { step } = self;
        Text::new(
            format!("爽约处罚档位须按次数从 1 起递增，且停约天数不得减少（第 {step} 档）"),
            self.to_string(),
        )
    }
}

impl BanRule {
    /// A higher step must be reachable only after a lower one and must not
    /// punish less, otherwise "the highest step applies" would shorten bans.
    pub fn validate(&self) -> Result<(), BanRuleError> {
        let mut previous = (0, 0);
        for (i, &(count, days)) in self.steps.iter().enumerate() {
            if count <= previous.0 || days < previous.1 {
                return Err(BanRuleError::BadStep { step: i + 1 });
            }
            previous = (count, days);
        }
        Ok(())
    }

    /// The ban earned by the no-shows of one calendar year, sorted: the
    /// highest step reached, counted from the no-show that reached it.
    fn ban_for_year(&self, sorted: &[Date]) -> Option<Date> {
        let count = u32::try_from(sorted.len()).unwrap_or(u32::MAX);
        let &(threshold, days) = self
            .steps
            .iter()
            .filter(|(threshold, _)| *threshold > 0 && *threshold <= count)
            .max_by_key(|(threshold, _)| *threshold)?;
        let reached_on = sorted[threshold as usize - 1];
        Some(reached_on.saturating_add(Span::new().days(i64::from(days))))
    }
}

/// The first date the patient may book again, or `None` if not banned.
///
/// No-shows count per calendar year as the rule says, but a ban earned late
/// in one year keeps running into the next: otherwise a no-show on
/// 20 December would be forgiven on 1 January. No-shows after `today`
/// (bad data) are ignored.
pub fn ban_until(rule: &BanRule, noshow_dates: &[Date], today: Date) -> Option<Date> {
    ban_with_count(rule, noshow_dates, today).map(|(until, _)| until)
}

pub fn check_not_banned(
    rule: &BanRule,
    noshow_dates: &[Date],
    today: Date,
) -> Result<(), BookingRefusal> {
    match ban_with_count(rule, noshow_dates, today) {
        Some((until, noshows)) => Err(BookingRefusal::Banned { until, noshows }),
        None => Ok(()),
    }
}

fn ban_with_count(rule: &BanRule, noshow_dates: &[Date], today: Date) -> Option<(Date, u32)> {
    let mut past: Vec<Date> = noshow_dates
        .iter()
        .copied()
        .filter(|d| *d <= today)
        .collect();
    past.sort_unstable();
    past.chunk_by(|a, b| a.year() == b.year())
        .filter_map(|year| {
            let until = rule.ban_for_year(year)?;
            Some((until, u32::try_from(year.len()).unwrap_or(u32::MAX)))
        })
        .filter(|(until, _)| *until > today)
        .max_by_key(|(until, _)| *until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn two_noshows_are_not_banned() {
        let dates = [date(2026, 1, 5), date(2026, 2, 5)];
        assert_eq!(
            ban_until(&BanRule::default(), &dates, date(2026, 3, 1)),
            None
        );
    }

    #[test]
    fn third_noshow_bans_for_90_days_from_that_noshow() {
        let dates = [date(2026, 3, 1), date(2026, 1, 5), date(2026, 2, 5)];
        let rule = BanRule::default();
        assert_eq!(
            ban_until(&rule, &dates, date(2026, 3, 2)),
            Some(date(2026, 5, 30))
        );
        assert_eq!(
            ban_until(&rule, &dates, date(2026, 5, 29)),
            Some(date(2026, 5, 30))
        );
        assert_eq!(ban_until(&rule, &dates, date(2026, 5, 30)), None);
        let err = check_not_banned(&rule, &dates, date(2026, 3, 2)).unwrap_err();
        assert_eq!(
            err,
            BookingRefusal::Banned {
                until: date(2026, 5, 30),
                noshows: 3
            }
        );
        assert_eq!(
            err.message().zh,
            "您在一个自然年内已爽约 3 次，2026-05-30 前暂停预约"
        );
    }

    #[test]
    fn sixth_noshow_bans_for_180_days() {
        let dates: Vec<_> = (1..=6).map(|m| date(2026, m, 10)).collect();
        assert_eq!(
            ban_until(&BanRule::default(), &dates, date(2026, 6, 10)),
            Some(date(2026, 12, 7))
        );
    }

    #[test]
    fn a_ban_earned_in_december_runs_into_january() {
        let dates = [date(2025, 12, 1), date(2025, 12, 10), date(2025, 12, 20)];
        let until = ban_until(&BanRule::default(), &dates, date(2026, 1, 5));
        assert_eq!(until, Some(date(2026, 3, 20)));
    }

    #[test]
    fn noshows_of_different_years_do_not_add_up() {
        let dates = [date(2025, 12, 10), date(2025, 12, 20), date(2026, 1, 2)];
        assert_eq!(
            ban_until(&BanRule::default(), &dates, date(2026, 1, 5)),
            None
        );
    }

    #[test]
    fn future_noshows_are_ignored() {
        let dates = [date(2026, 1, 5), date(2026, 2, 5), date(2026, 9, 5)];
        assert_eq!(
            ban_until(&BanRule::default(), &dates, date(2026, 3, 1)),
            None
        );
    }

    #[test]
    fn validate_refuses_steps_that_would_shorten_a_ban() {
        assert_eq!(BanRule::default().validate(), Ok(()));
        assert_eq!(BanRule { steps: vec![] }.validate(), Ok(()));
        let shorter = BanRule {
            steps: vec![(3, 90), (6, 30)],
        };
        assert_eq!(shorter.validate(), Err(BanRuleError::BadStep { step: 2 }));
        let zero = BanRule {
            steps: vec![(0, 90)],
        };
        assert_eq!(zero.validate(), Err(BanRuleError::BadStep { step: 1 }));
        assert!(
            shorter
                .validate()
                .unwrap_err()
                .message()
                .zh
                .contains("第 2 档")
        );
    }

    proptest! {
        #[test]
        fn bans_need_three_noshows_in_one_year_and_end_after_today(
            offsets in prop::collection::vec(0i64..1500, 0..12),
            today_offset in 0i64..1500,
        ) {
            let base = date(2023, 1, 1);
            let day = |o: i64| base.saturating_add(Span::new().days(o));
            let dates: Vec<_> = offsets.iter().map(|&o| day(o)).collect();
            let today = day(today_offset);
            if let Some(until) = ban_until(&BanRule::default(), &dates, today) {
                prop_assert!(until > today);
                let most_in_a_year = (2023..=2027)
                    .map(|y| dates.iter().filter(|d| d.year() == y && **d <= today).count())
                    .max()
                    .unwrap_or(0);
                prop_assert!(most_in_a_year >= 3);
                prop_assert!(until <= today.saturating_add(Span::new().days(180)));
            }
        }
    }
}
