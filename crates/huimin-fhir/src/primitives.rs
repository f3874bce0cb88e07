//! Format checks for the FHIR primitive types whose lexical form the R4 JSON
//! schema constrains with a regex. Written by hand (no regex crate) to keep
//! the build light; they follow the schema's patterns, plus "dates SHALL be
//! valid dates" from the spec (no 2023-02-30).

/// `id`: `[A-Za-z0-9\-\.]{1,64}`.
pub fn is_valid_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// `code`: non-empty, no leading/trailing whitespace, no whitespace runs.
pub fn is_valid_code(s: &str) -> bool {
    let mut prev_ws = true; // treats the start as whitespace: rejects a leading one
    for c in s.chars() {
        let ws = c.is_whitespace();
        if ws && prev_ws {
            return false;
        }
        prev_ws = ws;
    }
    !s.is_empty() && !prev_ws
}

/// `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, no time zone.
pub fn is_valid_date(s: &str) -> bool {
    matches!(date_prefix(s.as_bytes()), Some((n, _)) if n == s.len())
}

/// `dateTime`: a `date`, or a full date with `Thh:mm:ss[.f]` and a zone.
pub fn is_valid_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    match date_prefix(b) {
        Some((n, _)) if n == b.len() => true,
        Some((10, 3)) => time_and_zone(&b[10..]),
        _ => false,
    }
}

/// `instant`: full date, time and zone.
pub fn is_valid_instant(s: &str) -> bool {
    let b = s.as_bytes();
    matches!(date_prefix(b), Some((10, 3))) && time_and_zone(&b[10..])
}

/// `time`: `hh:mm:ss[.f]`.
pub fn is_valid_time(s: &str) -> bool {
    matches!(time_prefix(s.as_bytes()), Some(n) if n == s.len())
}

fn num(b: &[u8], from: usize, len: usize) -> Option<u32> {
    let d = b.get(from..from + len)?;
    d.iter().all(u8::is_ascii_digit).then(|| {
        d.iter()
            .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
    })
}

/// Bytes consumed by `YYYY[-MM[-DD]]` and the number of components.
fn date_prefix(b: &[u8]) -> Option<(usize, u8)> {
    let year = num(b, 0, 4).filter(|&y| y > 0)?;
    if b.get(4) != Some(&b'-') {
        return Some((4, 1));
    }
    let month = num(b, 5, 2).filter(|m| (1..=12).contains(m))?;
    if b.get(7) != Some(&b'-') {
        return Some((7, 2));
    }
    let day = num(b, 8, 2)?;
    (1..=days_in_month(year, month))
        .contains(&day)
        .then_some((10, 3))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Bytes consumed by `hh:mm:ss[.f+]`.
fn time_prefix(b: &[u8]) -> Option<usize> {
    num(b, 0, 2).filter(|&h| h <= 23)?;
    (b.get(2) == Some(&b':')).then_some(())?;
    num(b, 3, 2).filter(|&m| m <= 59)?;
    (b.get(5) == Some(&b':')).then_some(())?;
    num(b, 6, 2).filter(|&s| s <= 60)?;
    if b.get(8) != Some(&b'.') {
        return Some(8);
    }
    let frac = b[9..].iter().take_while(|c| c.is_ascii_digit()).count();
    (frac > 0).then_some(9 + frac)
}

/// `Thh:mm:ss[.f](Z|(+|-)hh:mm)` filling the whole of `b`.
fn time_and_zone(b: &[u8]) -> bool {
    if b.first() != Some(&b'T') {
        return false;
    }
    let Some(n) = time_prefix(&b[1..]) else {
        return false;
    };
    let zone = &b[1 + n..];
    match zone {
        b"Z" => true,
        [b'+' | b'-', _, _, b':', _, _] => match (num(zone, 1, 2), num(zone, 4, 2)) {
            (Some(h), Some(m)) => (h <= 13 && m <= 59) || (h == 14 && m == 0),
            _ => false,
        },
        _ => false,
    }
}

/// serde helpers used through `deserialize_with`/`serialize_with`, so the
/// check runs inside the deserializer and errors keep the element path.
pub(crate) mod de {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::marker::PhantomData;

    pub(crate) trait Format {
        const NAME: &'static str;
        fn check(s: &str) -> bool;
    }

    macro_rules! format {
        ($ty:ident, $name:literal, $check:path) => {
            pub(crate) struct $ty;
            impl Format for $ty {
                const NAME: &'static str = $name;
                fn check(s: &str) -> bool {
                    $check(s)
                }
            }
        };
    }
    format!(Id, "id", super::is_valid_id);
    format!(Code, "code", super::is_valid_code);
    format!(Date, "date", super::is_valid_date);
    format!(DateTime, "dateTime", super::is_valid_date_time);
    format!(Instant, "instant", super::is_valid_instant);
    format!(Time, "time", super::is_valid_time);

    /// A string checked against `F` while it is deserialized.
    struct Checked<F>(String, PhantomData<F>);

    impl<'de, F: Format> Deserialize<'de> for Checked<F> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = String::deserialize(d)?;
            if F::check(&s) {
                Ok(Checked(s, PhantomData))
            } else {
                Err(D::Error::custom(format_args!(
                    "invalid {} value {s:?}",
                    F::NAME
                )))
            }
        }
    }

    fn one<'de, F: Format, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Checked::<F>::deserialize(d).map(|c| c.0)
    }

    fn opt<'de, F: Format, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(Option::<Checked<F>>::deserialize(d)?.map(|c| c.0))
    }

    fn many<'de, F: Format, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        // Element-wise, so an error names the offending index.
        Ok(Vec::<Checked<F>>::deserialize(d)?
            .into_iter()
            .map(|c| c.0)
            .collect())
    }

    pub(crate) fn code<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        one::<Code, D>(d)
    }
    pub(crate) fn date_time<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        one::<DateTime, D>(d)
    }
    pub(crate) fn instant<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        one::<Instant, D>(d)
    }
    pub(crate) fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        opt::<Id, D>(d)
    }
    pub(crate) fn opt_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        opt::<Code, D>(d)
    }
    pub(crate) fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        opt::<Date, D>(d)
    }
    pub(crate) fn opt_date_time<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<String>, D::Error> {
        opt::<DateTime, D>(d)
    }
    pub(crate) fn opt_instant<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        opt::<Instant, D>(d)
    }
    pub(crate) fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        opt::<Time, D>(d)
    }
    pub(crate) fn vec_code<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        many::<Code, D>(d)
    }
    pub(crate) fn vec_time<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        many::<Time, D>(d)
    }

    /// Location coordinates, the one place decimals stay f64 (`crate::Decimal` elsewhere):
    /// WGS84 degrees from a map are computed with, not transcribed, and their trailing zeros
    /// carry no measured precision. Integral values are written without a fraction.
    pub(crate) fn decimal<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            s.serialize_i64(*v as i64)
        } else {
            s.serialize_f64(*v)
        }
    }

    pub(crate) fn opt_decimal<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => decimal(v, s),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_valid_id("a-B.9"));
        assert!(is_valid_id(&"x".repeat(64)));
        assert!(!is_valid_id(&"x".repeat(65)));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("a_b"));
        assert!(!is_valid_id("张三"));
    }

    #[test]
    fn codes() {
        assert!(is_valid_code("male"));
        assert!(is_valid_code("application/fhir+json; charset=utf-8"));
        assert!(!is_valid_code(""));
        assert!(!is_valid_code(" male"));
        assert!(!is_valid_code("male "));
        assert!(!is_valid_code("a  b"));
    }

    #[test]
    fn dates() {
        for ok in ["1990", "1990-03", "1990-03-07", "2024-02-29", "0001"] {
            assert!(is_valid_date(ok), "{ok}");
        }
        for bad in [
            "",
            "0000",
            "199",
            "1990-3",
            "1990-13",
            "1990-03-7",
            "2023-02-29",
            "1990-04-31",
            "1990-03-07T10:00:00Z",
            "1990-",
        ] {
            assert!(!is_valid_date(bad), "{bad}");
        }
    }

    #[test]
    fn date_times_and_instants() {
        for ok in [
            "2024",
            "2024-05",
            "2024-05-01",
            "2024-05-01T08:30:00Z",
            "2024-05-01T08:30:00.123+08:00",
            "2024-05-01T23:59:60-14:00",
        ] {
            assert!(is_valid_date_time(ok), "{ok}");
        }
        for bad in [
            "2024-05-01T08:30:00",
            "2024-05-01T08:30Z",
            "2024-05-01 08:30:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T08:30:00+14:30",
            "2024-05-01T08:30:00.+08:00",
            "2024-05T08:30:00Z",
        ] {
            assert!(!is_valid_date_time(bad), "{bad}");
        }
        assert!(is_valid_instant("2024-05-01T08:30:00+08:00"));
        assert!(!is_valid_instant("2024-05-01"));
    }

    #[test]
    fn times() {
        assert!(is_valid_time("08:00:00"));
        assert!(is_valid_time("17:30:00.5"));
        assert!(!is_valid_time("8:00:00"));
        assert!(!is_valid_time("08:00"));
        assert!(!is_valid_time("08:00:00Z"));
    }
}
