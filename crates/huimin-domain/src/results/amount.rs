//! An exact measured amount: the decimal text a laboratory wrote, kept digit for digit
//! (`5.0` stays `5.0`), compared exactly (no floating point between a value and a limit).

use std::cmp::Ordering;
use std::fmt;

/// A decimal number as written: `-12.50`, `0.8`, `1e2`. Compared by value (`5.0 == 5`),
/// shown as written.
#[derive(Clone, Debug)]
pub struct Amount {
    text: String,
    /// The value is `mantissa × 10^-scale`.
    mantissa: i128,
    scale: i32,
}

/// Digits beyond these are not a measurement.
const MAX_DIGITS: usize = 30;

impl Amount {
    /// Parses the JSON/FHIR decimal form: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    /// A lone leading zero is allowed before the point only (`0.5`, not `05`).
    pub fn parse(text: &str) -> Option<Amount> {
        let (number, exponent) = match text.find(['e', 'E']) {
            Some(at) => {
                let e = &text[at + 1..];
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty()
                    || digits.len() > 3
                    || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    return None;
                }
                (&text[..at], e.parse::<i32>().ok()?)
            }
            None => (text, 0),
        };
        let (negative, unsigned) = match number.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, number),
        };
        let (int, frac) = match unsigned.split_once('.') {
            Some((i, f)) if !f.is_empty() => (i, f),
            Some(_) => return None,
            None => (unsigned, ""),
        };
        let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !digits_ok(int) || !digits_ok(frac) {
            return None;
        }
        if int.len() > 1 && int.starts_with('0') {
            return None;
        }
        if int.len() + frac.len() > MAX_DIGITS {
            return None;
        }
        let mut mantissa: i128 = format!("{int}{frac}").parse().ok()?;
        if negative {
            mantissa = -mantissa;
        }
        let scale = i32::try_from(frac.len()).ok()? - exponent;
        Some(Amount {
            text: text.to_owned(),
            mantissa,
            scale,
        })
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    /// For display arithmetic only (never for a check against a limit).
    pub fn to_f64(&self) -> f64 {
        self.text.parse().unwrap_or(f64::NAN)
    }

    /// Both mantissas at the larger scale; `None` if that overflows (then the values are so
    /// far apart that comparing the signs and magnitudes decides).
    fn aligned(&self, other: &Amount) -> Option<(i128, i128)> {
        let scale = self.scale.max(other.scale);
        let up = |a: &Amount| -> Option<i128> {
            let shift = u32::try_from(scale - a.scale).ok()?;
            a.mantissa.checked_mul(10i128.checked_pow(shift)?)
        };
        Some((up(self)?, up(other)?))
    }
}

impl PartialEq for Amount {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Amount {}

impl PartialOrd for Amount {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Amount {
    fn cmp(&self, other: &Self) -> Ordering {
        match self.aligned(other) {
            Some((a, b)) => a.cmp(&b),
            // Overflow: the one with the far larger magnitude decides, by sign.
            None => {
                let sign = |a: &Amount| a.mantissa.signum();
                match sign(self).cmp(&sign(other)) {
                    Ordering::Equal => {
                        let bigger_self = self.scale < other.scale;
                        match (sign(self) >= 0, bigger_self) {
                            (true, true) | (false, false) => Ordering::Greater,
                            _ => Ordering::Less,
                        }
                    }
                    unequal => unequal,
                }
            }
        }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Amount {
        Amount::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn the_text_is_kept_as_written() {
        for s in ["5.0", "0.10", "3.000", "-0.0", "1e2", "1.50E-3", "0", "120"] {
            assert_eq!(a(s).as_str(), s);
        }
    }

    #[test]
    fn values_compare_exactly() {
        assert_eq!(a("5.0"), a("5"));
        assert_eq!(a("1e2"), a("100.00"));
        assert!(a("0.1") < a("0.10000000000000001"));
        assert!(a("6.2") < a("6.21"));
        assert!(a("-1") < a("0"));
        assert!(a("2.8") > a("2.79999"));
        assert_eq!(a("-0.0"), a("0"));
        assert!(a("1.50E-3") < a("0.0016"));
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for s in [
            "", "-", ".5", "5.", "05", "1,5", "+1", "1e", "1e+", "abc", "1.2.3", " 1", "1e1000",
            "١٢", "NaN", "inf",
        ] {
            assert!(Amount::parse(s).is_none(), "{s:?}");
        }
        assert!(Amount::parse(&"9".repeat(31)).is_none());
    }

    #[test]
    fn far_apart_values_still_order() {
        assert!(a("1e-300") > a("0"));
        assert!(a("1e-300") < a("1"));
        assert!(a("9e99") > a("1"));
        assert!(a("-9e99") < a("-1"));
    }
}
