//! Date search values on instants (`_lastUpdated`, `Slot.start`, `Appointment.date`,
//! `Schedule.date`): `[prefix]YYYY[-MM[-DD[Thh:mm[:ss[.fff]][Z|±hh:mm]]]]`. A value is the
//! range of instants its precision covers (`2026-12-08` is that whole day in the hospital's
//! time zone, `…T10:00:00+08:00` one second); the prefix compares that range with the target
//! as R4 says.

use huimin_clock::Clock;
use jiff::civil::{Date, DateTime, Time};

use super::params::bad;
use crate::error::ApiError;

/// R4's date prefixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefix {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Sa,
    Eb,
}

/// A search value: the prefix and the range `[from, until)` of instants (µs) it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateValue {
    pub prefix: Prefix,
    pub from: i64,
    pub until: i64,
}

/// The condition a value puts on a target that is an instant or a period (`start`, `end`,
/// µs; an instant is a period with both the same): bounds to hold at once, each
/// (`on_end`, at-or-after, micros), where `on_end` picks the target's end, and whether the
/// whole condition is negated (`ne`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// (the target's end rather than its start, the target lies at or after the value
    /// rather than before it, the value in µs). At-or-after is `>=`, before is `<`.
    pub parts: Vec<(bool, bool, i64)>,
    pub negated: bool,
}

impl DateValue {
    /// What the value asks of a target period `[start, end]`.
    pub fn bounds(&self) -> Bounds {
        let (from, until) = (self.from, self.until);
        // (end?, at-or-after?, µs)
        let parts = match self.prefix {
            // Within the value's range.
            Prefix::Eq | Prefix::Ne => vec![(false, true, from), (true, false, until)],
            // Some of the target lies after the value.
            Prefix::Gt => vec![(true, true, until)],
            // Some of the target lies at or after the value's start.
            Prefix::Ge => vec![(true, true, from)],
            // Some of the target lies before the value.
            Prefix::Lt => vec![(false, false, from)],
            // Some of the target lies before the value's end.
            Prefix::Le => vec![(false, false, until)],
            // The target starts after the value.
            Prefix::Sa => vec![(false, true, until)],
            // The target ends before the value.
            Prefix::Eb => vec![(true, false, from)],
        };
        Bounds {
            parts,
            negated: self.prefix == Prefix::Ne,
        }
    }
}

/// Reads `[prefix]date` for parameter `name`; dates and times without a zone are the
/// hospital's.
pub fn parse(name: &str, raw: &str, clock: &Clock) -> Result<DateValue, ApiError> {
    let malformed = || {
        bad(
            name,
            format!(
                "参数 {name} 的日期格式应为 YYYY、YYYY-MM、YYYY-MM-DD 或 YYYY-MM-DDThh:mm:ss[Z|±hh:mm]，可加前缀 eq、ne、gt、lt、ge、le、sa、eb：{raw}"
            ),
            format!(
                "{name} must be a date as YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[Z|±hh:mm], optionally prefixed by eq, ne, gt, lt, ge, le, sa or eb: {raw}"
            ),
        )
    };
    let (prefix, text) = split_prefix(raw).ok_or_else(malformed)?;
    let (from, until) = range(text, clock).ok_or_else(malformed)?;
    Ok(DateValue {
        prefix,
        from,
        until,
    })
}

fn split_prefix(raw: &str) -> Option<(Prefix, &str)> {
    if raw.len() > 2 && raw.as_bytes()[..2].iter().all(u8::is_ascii_lowercase) {
        let prefix = match &raw[..2] {
            "eq" => Prefix::Eq,
            "ne" => Prefix::Ne,
            "gt" => Prefix::Gt,
            "lt" => Prefix::Lt,
            "ge" => Prefix::Ge,
            "le" => Prefix::Le,
            "sa" => Prefix::Sa,
            "eb" => Prefix::Eb,
            _ => return None,
        };
        Some((prefix, &raw[2..]))
    } else {
        Some((Prefix::Eq, raw))
    }
}

/// The instants `[from, until)` a value covers.
fn range(text: &str, clock: &Clock) -> Option<(i64, i64)> {
    let local = |d: DateTime| clock.instant(d).map(|t| t.as_microsecond());
    let midnight = |d: Date| d.to_datetime(Time::midnight());
    match text.len() {
        4 => {
            let year: i16 = text.parse().ok()?;
            let first = Date::new(year, 1, 1).ok()?;
            let next = Date::new(year.checked_add(1)?, 1, 1).ok()?;
            Some((local(midnight(first))?, local(midnight(next))?))
        }
        7 => {
            let first: Date = format!("{text}-01").parse().ok()?;
            let next = first.checked_add(jiff::Span::new().months(1)).ok()?;
            Some((local(midnight(first))?, local(midnight(next))?))
        }
        10 => {
            let day: Date = text.parse().ok()?;
            Some((
                local(midnight(day))?,
                local(midnight(day.tomorrow().ok()?))?,
            ))
        }
        _ => instant_range(text, clock),
    }
}

/// `YYYY-MM-DDThh:mm[:ss[.fff]]` with an optional zone: the minute, second or fraction it
/// names.
fn instant_range(text: &str, clock: &Clock) -> Option<(i64, i64)> {
    let (body, zone) = split_zone(text)?;
    let (date, time) = body.split_once('T')?;
    let date: Date = date.parse().ok()?;
    let (clock_part, fraction) = match time.split_once('.') {
        Some((t, f)) if !f.is_empty() && f.len() <= 6 && f.bytes().all(|b| b.is_ascii_digit()) => {
            (t, Some(f))
        }
        Some(_) => return None,
        None => (time, None),
    };
    let numbers: Vec<&str> = clock_part.split(':').collect();
    let field = |s: &str| (s.len() == 2).then(|| s.parse::<i8>().ok()).flatten();
    let (hour, minute, second) = match numbers.as_slice() {
        [h, m] if fraction.is_none() => (field(h)?, field(m)?, None),
        [h, m, s] => (field(h)?, field(m)?, Some(field(s)?)),
        _ => return None,
    };
    let micros = fraction.map(|f| {
        let digits = f.len() as u32;
        (
            f.parse::<i64>().unwrap_or(0) * 10_i64.pow(6 - digits),
            10_i64.pow(6 - digits),
        )
    });
    let wall = date.to_datetime(Time::new(hour, minute, second.unwrap_or(0), 0).ok()?);
    let start = match zone {
        Some(offset_seconds) => {
            let utc = wall.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
            utc.as_microsecond() - i64::from(offset_seconds) * 1_000_000
        }
        None => clock.instant(wall)?.as_microsecond(),
    };
    let (start, width) = match (second, micros) {
        (None, _) => (start, 60_000_000),
        (Some(_), None) => (start, 1_000_000),
        (Some(_), Some((us, width))) => (start + us, width),
    };
    Some((start, start + width))
}

/// The text before the zone and the zone's offset in seconds (`None`: no zone given).
fn split_zone(text: &str) -> Option<(&str, Option<i32>)> {
    if let Some(body) = text.strip_suffix('Z') {
        return Some((body, Some(0)));
    }
    let time_at = text.find('T')?;
    match text[time_at..].rfind(['+', '-']) {
        Some(at) => {
            let (body, zone) = text.split_at(time_at + at);
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let (h, m) = zone[1..].split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
            (h <= 14 && m < 60).then_some((body, Some(sign * (h * 3600 + m * 60))))
        }
        None => Some((text, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn micros(text: &str) -> i64 {
        text.parse::<jiff::Timestamp>().unwrap().as_microsecond()
    }

    #[test]
    fn a_day_is_the_hospitals_day() {
        let v = parse("date", "2026-12-08", &Clock::china()).unwrap();
        assert_eq!(v.prefix, Prefix::Eq);
        assert_eq!(v.from, micros("2026-12-07T16:00:00Z"));
        assert_eq!(v.until, micros("2026-12-08T16:00:00Z"));
    }

    #[test]
    fn years_months_and_instants_cover_their_precision() {
        let clock = Clock::china();
        let year = parse("date", "ge2026", &clock).unwrap();
        assert_eq!(year.prefix, Prefix::Ge);
        assert_eq!(year.until, micros("2026-12-31T16:00:00Z"));
        let month = parse("date", "2026-02", &clock).unwrap();
        assert_eq!(month.until, micros("2026-02-28T16:00:00Z"));
        let second = parse("date", "lt2026-12-08T10:00:00+08:00", &clock).unwrap();
        assert_eq!(
            (second.from, second.until - second.from),
            (micros("2026-12-08T02:00:00Z"), 1_000_000)
        );
        let utc = parse("date", "2026-12-08T02:00:00.5Z", &clock).unwrap();
        assert_eq!(
            (utc.from, utc.until - utc.from),
            (micros("2026-12-08T02:00:00.5Z"), 100_000)
        );
        let local = parse("date", "2026-12-08T10:00", &clock).unwrap();
        assert_eq!(local.from, micros("2026-12-08T02:00:00Z"));
    }

    #[test]
    fn malformed_values_are_refused() {
        let clock = Clock::china();
        for raw in [
            "",
            "xx2026",
            "2026-13",
            "2026-12-32",
            "2026-12-08T25:00",
            "2026-12-08T10",
            "2026-12-08T10:00:00+8",
            "tomorrow",
        ] {
            assert!(parse("date", raw, &clock).is_err(), "{raw}");
        }
    }

    #[test]
    fn prefixes_bound_the_target_as_r4_reads_them() {
        let v = |prefix| DateValue {
            prefix,
            from: 10,
            until: 20,
        };
        assert_eq!(
            v(Prefix::Eq).bounds().parts,
            [(false, true, 10), (true, false, 20)]
        );
        assert!(v(Prefix::Ne).bounds().negated);
        assert_eq!(v(Prefix::Ge).bounds().parts, [(true, true, 10)]);
        assert_eq!(v(Prefix::Lt).bounds().parts, [(false, false, 10)]);
        assert_eq!(v(Prefix::Sa).bounds().parts, [(false, true, 20)]);
    }
}
