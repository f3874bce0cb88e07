//! Amounts of renminbi in integer fen (分), so sums are exact.

use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// A non-negative amount in fen. Deserialising goes through
/// [`Money::from_fen`], so a negative amount cannot enter from JSON either.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct Money(i64);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount must not be negative (got {fen} fen)")]
    Negative { fen: i64 },
    #[error("amount is empty")]
    Empty,
    #[error("amount {input:?} is not a number of yuan such as 12.50")]
    Malformed { input: String },
    #[error("amount {input:?} has more than 2 decimal places")]
    TooManyDecimals { input: String },
    #[error("amount is too large")]
    Overflow,
}

impl MoneyError {
    pub fn message(&self) -> Text {
        let zh = match self {
            Self::Negative { fen } => format!("金额不能为负数（{fen} 分）"),
            Self::Empty => "金额不能为空".to_owned(),
            Self::Malformed { input } => format!("金额“{input}”格式不正确，应如 12.50"),
            Self::TooManyDecimals { input } => format!("金额“{input}”最多保留 2 位小数"),
            Self::Overflow => "金额过大".to_owned(),
        };
        Text::new(zh, self.to_string())
    }
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_fen(fen: i64) -> Result<Money, MoneyError> {
        if fen < 0 {
            Err(MoneyError::Negative { fen })
        } else {
            Ok(Money(fen))
        }
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    /// `"¥12.50"`: as patients and cashiers read an amount.
    pub fn cny(self) -> String {
        format!("¥{}", self.yuan_string())
    }

    /// `"12.50"`: always two decimals, no currency sign, no separators.
    pub fn yuan_string(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }

    /// Parses `"12"`, `"12.5"`, `"12.50"`, optionally with a leading `¥`/`￥`.
    /// Rejects signs, exponents and more than two decimals rather than
    /// rounding, because a silently rounded fee is a billing error.
    pub fn from_yuan_str(s: &str) -> Result<Money, MoneyError> {
        let trimmed = s.trim();
        let body = trimmed
            .strip_prefix(['¥', '￥'])
            .unwrap_or(trimmed)
            .trim_start();
        if body.is_empty() {
            return Err(MoneyError::Empty);
        }
        let malformed = || MoneyError::Malformed {
            input: s.to_owned(),
        };
        let (yuan, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if yuan.is_empty() || !digits(yuan) || !digits(frac) || body.ends_with('.') {
            return Err(malformed());
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooManyDecimals {
                input: s.to_owned(),
            });
        }
        let yuan: i64 = yuan.parse().map_err(|_| MoneyError::Overflow)?;
        let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| malformed())?;
        yuan.checked_mul(100)
            .and_then(|f| f.checked_add(frac))
            .map(Money)
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// `None` when the result would be negative.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0
            .checked_sub(other.0)
            .and_then(|f| Money::from_fen(f).ok())
    }

    pub fn checked_mul(self, n: i64) -> Option<Money> {
        self.0.checked_mul(n).and_then(|f| Money::from_fen(f).ok())
    }
}

impl TryFrom<i64> for Money {
    type Error = MoneyError;
    fn try_from(fen: i64) -> Result<Self, Self::Error> {
        Money::from_fen(fen)
    }
}

impl From<Money> for i64 {
    fn from(m: Money) -> i64 {
        m.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn yuan(s: &str) -> i64 {
        Money::from_yuan_str(s)
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .fen()
    }

    #[test]
    fn fen_must_not_be_negative() {
        assert_eq!(Money::from_fen(0).unwrap(), Money::ZERO);
        assert_eq!(Money::from_fen(1250).unwrap().fen(), 1250);
        assert_eq!(Money::from_fen(-1), Err(MoneyError::Negative { fen: -1 }));
    }

    #[test]
    fn yuan_string_always_has_two_decimals() {
        let s = |fen| Money::from_fen(fen).unwrap().yuan_string();
        assert_eq!(s(1250), "12.50");
        assert_eq!(s(5), "0.05");
        assert_eq!(s(0), "0.00");
        assert_eq!(s(100_000), "1000.00");
    }

    #[test]
    fn yuan_strings_parse_exactly() {
        assert_eq!(yuan("12.5"), 1250);
        assert_eq!(yuan("12.50"), 1250);
        assert_eq!(yuan("12"), 1200);
        assert_eq!(yuan("0.05"), 5);
        assert_eq!(yuan(" ¥ 8.00 "), 800);
        assert_eq!(yuan("￥300"), 30000);
        assert_eq!(yuan("007.1"), 710);
    }

    #[test]
    fn malformed_yuan_strings_are_rejected() {
        assert_eq!(Money::from_yuan_str(""), Err(MoneyError::Empty));
        assert_eq!(Money::from_yuan_str("¥"), Err(MoneyError::Empty));
        for bad in [
            "-1", "+1", "1e3", "abc", ".5", "12.", "1,000", "1.2.3", "1 2",
        ] {
            assert!(
                matches!(Money::from_yuan_str(bad), Err(MoneyError::Malformed { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            Money::from_yuan_str("1.234"),
            Err(MoneyError::TooManyDecimals { .. })
        ));
        assert_eq!(
            Money::from_yuan_str("99999999999999999999"),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::from_yuan_str("92233720368547758.08"),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn arithmetic_stays_non_negative() {
        let a = Money::from_fen(500).unwrap();
        let b = Money::from_fen(300).unwrap();
        assert_eq!(a.checked_add(b).unwrap().fen(), 800);
        assert_eq!(a.checked_sub(b).unwrap().fen(), 200);
        assert_eq!(b.checked_sub(a), None);
        assert_eq!(a.checked_mul(3).unwrap().fen(), 1500);
        assert_eq!(a.checked_mul(-1), None);
        assert_eq!(Money::from_fen(i64::MAX).unwrap().checked_add(a), None);
    }

    #[test]
    fn serde_uses_fen_and_rejects_negatives() {
        let m = Money::from_fen(1250).unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "1250");
        assert_eq!(serde_json::from_str::<Money>("1250").unwrap(), m);
        assert!(serde_json::from_str::<Money>("-1").is_err());
    }

    #[test]
    fn errors_are_bilingual() {
        let e = MoneyError::TooManyDecimals {
            input: "1.234".into(),
        };
        assert_eq!(e.message().zh, "金额“1.234”最多保留 2 位小数");
        assert_eq!(e.message().en, e.to_string());
    }

    proptest! {
        #[test]
        fn yuan_string_round_trips(fen in 0i64..=i64::MAX) {
            let m = Money::from_fen(fen).unwrap();
            prop_assert_eq!(Money::from_yuan_str(&m.yuan_string()).unwrap(), m);
        }
    }
}
