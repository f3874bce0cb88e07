//! Instants and money as patients read them: the hospital's wall-clock time (the server's
//! [`Clock`]), dates with the weekday, yuan with two decimals.

use std::sync::OnceLock;

use huimin_clock::Clock;
use huimin_domain::i18n::Lang;
use jiff::civil::DateTime;

/// The hospital's clock, the one the API books by: set once when the pages are mounted
/// ([`crate::pages`]). A process serves one hospital, so one clock; the formatting helpers
/// are called from every page and template, and a global spares each of them a parameter.
static CLOCK: OnceLock<Clock> = OnceLock::new();

/// Sets the hospital's clock; the first one set stays (a process serves one hospital).
pub fn set_clock(clock: Clock) {
    let _ = CLOCK.set(clock);
}

/// The hospital's clock, or China's until the pages are mounted.
fn clock() -> &'static Clock {
    CLOCK.get_or_init(Clock::default)
}

/// The instant now.
pub fn now() -> jiff::Timestamp {
    clock().now()
}

/// An RFC 3339 instant from the API on the hospital's wall clock.
pub fn local(instant: &str) -> Option<DateTime> {
    let ts: jiff::Timestamp = instant.parse().ok()?;
    Some(clock().wall(ts))
}

/// Today on the hospital's wall clock.
pub fn today() -> jiff::civil::Date {
    clock().today()
}

/// The date a page was asked for (`YYYY-MM-DD`), or today when it is left out or is not a
/// date (the pages' date fields only send real dates; a hand-typed address may not).
pub fn date_or_today(asked: &str) -> jiff::civil::Date {
    asked.trim().parse().unwrap_or_else(|_| today())
}

const WEEKDAYS_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// `11月26日 周四` / `Thu 26 Nov`.
pub fn day(date: jiff::civil::Date, lang: Lang) -> String {
    let weekday = usize::try_from(date.weekday().to_monday_zero_offset()).unwrap_or(0);
    match lang {
        Lang::Zh => format!(
            "{}月{}日 {}",
            date.month(),
            date.day(),
            WEEKDAYS_ZH[weekday]
        ),
        Lang::En => format!("{} {}", WEEKDAYS_EN[weekday], date.strftime("%-d %b")),
    }
}

/// `11月26日 周四 08:00–08:30`.
pub fn window(start: &str, end: &str, lang: Lang) -> String {
    match (local(start), local(end)) {
        (Some(s), Some(e)) => format!(
            "{} {}–{}",
            day(s.date(), lang),
            s.strftime("%H:%M"),
            e.strftime("%H:%M")
        ),
        _ => String::new(),
    }
}

/// `11月26日 周四 08:00`.
pub fn moment(instant: &str, lang: Lang) -> String {
    local(instant)
        .map(|t| format!("{} {}", day(t.date(), lang), t.strftime("%H:%M")))
        .unwrap_or_default()
}

/// `¥12.50`.
pub fn yuan(value: f64) -> String {
    format!("¥{value:.2}")
}

/// Fen as `¥12.50` (`-¥3.00` below zero), in whole numbers so no rounding can show.
pub fn fen(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}¥{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_read_on_the_hospital_clock() {
        assert_eq!(
            window("2026-11-26T00:00:00Z", "2026-11-26T00:30:00Z", Lang::Zh),
            "11月26日 周四 08:00–08:30"
        );
        assert_eq!(moment("2026-11-26T00:00:00Z", Lang::En), "Thu 26 Nov 08:00");
        assert_eq!(yuan(12.5), "¥12.50");
        assert_eq!(fen(1250), "¥12.50");
        assert_eq!(fen(5), "¥0.05");
        assert_eq!(fen(-300), "-¥3.00");
        assert_eq!(
            fen(10_000_000),
            "¥100000.00",
            "no separators, prices as the list has them"
        );
        assert_eq!(window("nonsense", "", Lang::Zh), "");
    }
}
