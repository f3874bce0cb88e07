//! Quiet hours: non-urgent texts wait until morning.
//!
//! Pure: the caller passes the current time in the hospital's zone (Asia/Shanghai unless the
//! hospital says otherwise) and gets back when the text may go. Urgent texts (a cancelled
//! clinic tomorrow morning, a critical result) go at once.

use jiff::Zoned;
use jiff::civil::Time;

use super::MessageError;

/// A daily window `[start, end)` in local wall time, e.g. 22:00–08:00 (crossing midnight) or
/// 12:00–14:00 (not crossing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietWindow {
    start: Time,
    end: Time,
}

impl Default for QuietWindow {
    /// 22:00–08:00.
    fn default() -> Self {
        QuietWindow {
            start: Time::constant(22, 0, 0, 0),
            end: Time::constant(8, 0, 0, 0),
        }
    }
}

impl QuietWindow {
    pub fn new(start: Time, end: Time) -> Result<Self, MessageError> {
        if start == end {
            return Err(MessageError::InvalidQuietHours(
                "开始与结束不能相同 / start and end must differ",
            ));
        }
        Ok(QuietWindow { start, end })
    }

    pub fn contains(&self, t: Time) -> bool {
        if self.start < self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

/// When a text may be sent: `now` itself if urgent or outside the window, else the window's
/// end (today's or tomorrow's, in `now`'s zone; a wall time a DST jump skips resolves to the
/// later instant, jiff's "compatible" rule).
pub fn next_send_time(
    now: &Zoned,
    urgent: bool,
    window: &QuietWindow,
) -> Result<Zoned, MessageError> {
    let t = now.time();
    if urgent || !window.contains(t) {
        return Ok(now.clone());
    }
    let mut date = now.date();
    if t >= window.end {
        // In the evening part of a window crossing midnight: the end is tomorrow morning.
        date = date.tomorrow()?;
    }
    Ok(date
        .to_datetime(window.end)
        .to_zoned(now.time_zone().clone())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Zoned {
        format!("{s}[Asia/Shanghai]")
            .parse()
            .expect("valid zoned time")
    }

    #[test]
    fn the_default_window_holds_texts_until_eight() {
        let w = QuietWindow::default();
        let cases = [
            ("2026-12-07T21:59:59", "2026-12-07T21:59:59"),
            ("2026-12-07T22:00:00", "2026-12-08T08:00:00"),
            ("2026-12-07T23:30:00", "2026-12-08T08:00:00"),
            ("2026-12-31T23:00:00", "2027-01-01T08:00:00"),
            ("2026-12-08T00:00:00", "2026-12-08T08:00:00"),
            ("2026-12-08T07:59:59", "2026-12-08T08:00:00"),
            ("2026-12-08T08:00:00", "2026-12-08T08:00:00"),
            ("2026-12-08T12:00:00", "2026-12-08T12:00:00"),
        ];
        for (now, expected) in cases {
            let got = next_send_time(&at(now), false, &w).expect("computes");
            assert_eq!(got, at(expected), "{now}");
        }
    }

    #[test]
    fn urgent_texts_go_at_once() {
        let now = at("2026-12-07T23:30:00");
        let got = next_send_time(&now, true, &QuietWindow::default()).expect("computes");
        assert_eq!(got, now);
    }

    #[test]
    fn a_window_within_one_day_works_too() {
        let w = QuietWindow::new(Time::constant(12, 0, 0, 0), Time::constant(14, 0, 0, 0))
            .expect("valid window");
        let got = next_send_time(&at("2026-12-07T13:00:00"), false, &w).expect("computes");
        assert_eq!(got, at("2026-12-07T14:00:00"));
        let got = next_send_time(&at("2026-12-07T14:00:00"), false, &w).expect("computes");
        assert_eq!(got, at("2026-12-07T14:00:00"));
        let got = next_send_time(&at("2026-12-07T11:59:00"), false, &w).expect("computes");
        assert_eq!(got, at("2026-12-07T11:59:00"));
    }

    #[test]
    fn an_empty_window_is_refused() {
        let t = Time::constant(8, 0, 0, 0);
        assert!(QuietWindow::new(t, t).is_err());
    }

    #[test]
    fn the_result_is_in_the_zone_it_was_asked_in() {
        // 2026-12-07T15:00Z is 23:00 in Shanghai: held until 08:00 Shanghai = 00:00Z.
        let now: Zoned = "2026-12-07T15:00:00Z[UTC]".parse().expect("valid");
        let local = now.in_tz("Asia/Shanghai").expect("zone exists");
        let got = next_send_time(&local, false, &QuietWindow::default()).expect("computes");
        assert_eq!(got.timestamp().to_string(), "2026-12-08T00:00:00Z");
    }
}
