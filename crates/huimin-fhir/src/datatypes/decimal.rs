//! The FHIR `decimal` primitive, exact: the JSON number's text is kept digit for digit
//! (`5.0` stays `5.0`, `0.10` stays `0.10`), because in FHIR the digits written are the
//! precision measured. See docs/design/fhir-types.md (Decimals).

use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// A decimal as written in the JSON: a number matching
/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, at most 40 characters. A JSON string
/// (`"5.0"`) is not a decimal and is refused.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decimal(String);

/// Longer than any measurement or amount of money.
const MAX_LEN: usize = 40;

impl Decimal {
    /// The decimal written as `text`, or `None` if `text` is not a FHIR decimal.
    pub fn parse(text: &str) -> Option<Decimal> {
        is_valid_decimal(text).then(|| Decimal(text.to_owned()))
    }

    /// An integral decimal (`50`), e.g. yuan.
    pub fn from_i64(value: i64) -> Decimal {
        Decimal(value.to_string())
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the value is below zero (`-0.0` is not), read from the digits.
    pub fn is_negative(&self) -> bool {
        let mantissa = self.0.split(['e', 'E']).next().unwrap_or_default();
        mantissa.starts_with('-') && mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b))
    }

    /// An approximation for arithmetic that tolerates it (never for comparisons against
    /// limits: use the text).
    pub fn to_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `s` is the JSON text of a FHIR decimal.
pub fn is_valid_decimal(s: &str) -> bool {
    if s.is_empty() || s.len() > MAX_LEN {
        return false;
    }
    let b = s.as_bytes();
    let mut i = usize::from(b[0] == b'-');
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let start = i;
    let n = digits(&mut i);
    if n == 0 || (n > 1 && b[start] == b'0') {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Written raw by serde_json's serializer: the digits as they came.
        let raw = RawValue::from_string(self.0.clone()).map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // serde_json hands a raw value over as the number's own text (`raw_value`), so no
        // detour through f64 rounds it.
        let raw = Box::<RawValue>::deserialize(d)?;
        let text = raw.get().trim();
        Decimal::parse(text).ok_or_else(|| {
            D::Error::custom(format_args!(
                "invalid decimal value {text}: a decimal is a JSON number such as 5.0"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Quantity;

    #[test]
    fn the_digits_round_trip_byte_for_byte() {
        for text in ["5.0", "0.10", "3.000", "1e2", "1.50E-3", "-0.0", "120", "0"] {
            let json = format!(r#"{{"value":{text},"unit":"mmol/L"}}"#);
            let q: Quantity = serde_json::from_str(&json).unwrap();
            assert_eq!(q.value.as_ref().unwrap().as_str(), text);
            assert_eq!(serde_json::to_string(&q).unwrap(), json);
        }
    }

    #[test]
    fn a_string_or_a_malformed_number_is_refused_with_its_path() {
        let err = crate::parse_resource::<crate::Observation>(
            br#"{"resourceType":"Observation","status":"final","code":{"text":"K"},"valueQuantity":{"value":"5.0"}}"#,
        )
        .unwrap_err();
        assert_eq!(err.path, "Observation.valueQuantity.value");
        assert!(err.message.contains("invalid decimal"), "{}", err.message);
        for bad in [
            "", "05", ".5", "5.", "1e", "+1", "1,5", "--1", "NaN", "0x10",
        ] {
            assert!(!is_valid_decimal(bad), "{bad:?}");
        }
        assert!(!is_valid_decimal(&"1".repeat(41)));
    }

    #[test]
    fn the_sign_is_read_from_the_digits() {
        for (text, negative) in [
            ("-1", true),
            ("-0.001", true),
            ("-1e-400", true),
            ("-0.0", false),
            ("-0e5", false),
            ("0", false),
            ("2.5", false),
        ] {
            assert_eq!(
                Decimal::parse(text).unwrap().is_negative(),
                negative,
                "{text}"
            );
        }
    }

    #[test]
    fn a_detour_through_value_still_parses() {
        let v = serde_json::json!({"value": 5.5});
        let q: Quantity = serde_json::from_value(v).unwrap();
        assert_eq!(q.value.unwrap().as_str(), "5.5");
    }
}
