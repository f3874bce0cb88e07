//! Public holidays and adjusted working days (调休), DOMAIN §9.
//!
//! They change every year by State Council notice, so the calendar is data
//! the hospital imports, never code that guesses: outside its entries it
//! simply falls back to Monday–Friday and never panics.

use crate::i18n::Text;
use jiff::civil::{Date, Weekday};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// A day off, even if it falls on a weekday.
    Holiday,
    /// A working day, even if it falls on a weekend (调休上班).
    AdjustedWorkday,
}

impl DayKind {
    /// The word used in the import format.
    pub fn code(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::AdjustedWorkday => "workday",
        }
    }
}

/// Dates that differ from the Monday–Friday week, with optional names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    days: BTreeMap<Date, DayKind>,
    names: BTreeMap<Date, String>,
}

impl HolidayCalendar {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a date. Names are kept on one line so the calendar
    /// always exports back to the import format.
    pub fn set(&mut self, date: Date, kind: DayKind, name: Option<&str>) {
        self.days.insert(date, kind);
        match name.map(|n| n.replace(['\r', '\n'], " ").trim().to_owned()) {
            Some(n) if !n.is_empty() => self.names.insert(date, n),
            _ => self.names.remove(&date),
        };
    }

    pub fn remove(&mut self, date: Date) {
        self.days.remove(&date);
        self.names.remove(&date);
    }

    pub fn kind(&self, date: Date) -> Option<DayKind> {
        self.days.get(&date).copied()
    }

    pub fn name(&self, date: Date) -> Option<&str> {
        self.names.get(&date).map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (Date, DayKind)> + '_ {
        self.days.iter().map(|(d, k)| (*d, *k))
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        match self.kind(date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::AdjustedWorkday) => true,
            None => !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }

    /// `other`'s dates added, replacing this calendar's entry for the same date (an imported
    /// official calendar over the built-in one).
    pub fn overlay(&mut self, other: &HolidayCalendar) {
        for (date, kind) in other.iter() {
            self.set(date, kind, other.name(date));
        }
    }

    /// The calendar in the import format, for admins to edit and re-import.
    pub fn to_import_text(&self) -> String {
        let mut out = String::new();
        for (date, kind) in self.iter() {
            out.push_str(&format!("{date},{}", kind.code()));
            if let Some(name) = self.name(date) {
                out.push(',');
                out.push_str(name);
            }
            out.push('\n');
        }
        out
    }
}

/// Why an import file was rejected; every variant names the 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("Line {line}: expected `YYYY-MM-DD,holiday|workday[,name]`")]
    MissingKind { line: usize },
    #[error("Line {line}: {value:?} is not a valid date in the form YYYY-MM-DD")]
    BadDate { line: usize, value: String },
    #[error("Line {line}: the day type must be `holiday` or `workday`, got {value:?}")]
    BadKind { line: usize, value: String },
    #[error("Line {line}: {date} is listed more than once")]
    Duplicate { line: usize, date: Date },
}

impl CalendarError {
    /// The message in both languages; `en` equals `Display`.
    pub fn message(&self) -> Text {
        let zh = match self {
            CalendarError::MissingKind { line } => {
                format!("第 {line} 行：格式应为“YYYY-MM-DD,holiday|workday[,名称]”")
            }
            CalendarError::BadDate { line, value } => {
                format!("第 {line} 行：“{value}”不是有效日期，应为 YYYY-MM-DD")
            }
            CalendarError::BadKind { line, value } => {
                format!(
                    "第 {line} 行：类型须为 holiday（放假）或 workday（调休上班），实际为“{value}”"
                )
            }
            CalendarError::Duplicate { line, date } => format!("第 {line} 行：日期 {date} 重复"),
        };
        Text::new(zh, self.to_string())
    }
}

/// Parses `YYYY-MM-DD,holiday|workday[,name]` lines. Blank lines and lines
/// starting with `#` are skipped; a UTF-8 byte-order mark (spreadsheet CSV
/// exports add one) is ignored. A name may itself contain commas.
pub fn parse_import(text: &str) -> Result<HolidayCalendar, CalendarError> {
    let mut calendar = HolidayCalendar::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut fields = trimmed.splitn(3, ',');
        let date_field = fields.next().unwrap_or_default().trim();
        let kind_field = fields
            .next()
            .ok_or(CalendarError::MissingKind { line })?
            .trim();
        let date = parse_date(date_field).ok_or_else(|| CalendarError::BadDate {
            line,
            value: date_field.to_owned(),
        })?;
        let kind = match kind_field.to_ascii_lowercase().as_str() {
            "holiday" => DayKind::Holiday,
            "workday" => DayKind::AdjustedWorkday,
            _ => {
                return Err(CalendarError::BadKind {
                    line,
                    value: kind_field.to_owned(),
                });
            }
        };
        if calendar.kind(date).is_some() {
            return Err(CalendarError::Duplicate { line, date });
        }
        calendar.set(date, kind, fields.next());
    }
    Ok(calendar)
}

/// Strictly `YYYY-MM-DD`: jiff's own parser also accepts datetimes, which
/// would hide a wrong column in a spreadsheet export.
fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    Date::new(
        s[..4].parse().ok()?,
        s[5..7].parse().ok()?,
        s[8..].parse().ok()?,
    )
    .ok()
}

/// 国务院办公厅关于2026年部分节假日安排的通知 (issued November 2025), as the
/// demo default. Transcribed from the notice as reported; admins should
/// check it against the official text and can edit it like any import.
const CHINA_2026: &str = "\
2026-01-01,holiday,元旦
2026-01-02,holiday,元旦
2026-01-03,holiday,元旦
2026-01-04,workday,元旦调休
2026-02-14,workday,春节调休
2026-02-15,holiday,春节
2026-02-16,holiday,春节
2026-02-17,holiday,春节
2026-02-18,holiday,春节
2026-02-19,holiday,春节
2026-02-20,holiday,春节
2026-02-21,holiday,春节
2026-02-22,holiday,春节
2026-02-23,holiday,春节
2026-02-28,workday,春节调休
2026-04-04,holiday,清明节
2026-04-05,holiday,清明节
2026-04-06,holiday,清明节
2026-05-01,holiday,劳动节
2026-05-02,holiday,劳动节
2026-05-03,holiday,劳动节
2026-05-04,holiday,劳动节
2026-05-05,holiday,劳动节
2026-05-09,workday,劳动节调休
2026-06-19,holiday,端午节
2026-06-20,holiday,端午节
2026-06-21,holiday,端午节
2026-09-20,workday,国庆节调休
2026-09-25,holiday,中秋节
2026-09-26,holiday,中秋节
2026-09-27,holiday,中秋节
2026-10-01,holiday,国庆节
2026-10-02,holiday,国庆节
2026-10-03,holiday,国庆节
2026-10-04,holiday,国庆节
2026-10-05,holiday,国庆节
2026-10-06,holiday,国庆节
2026-10-07,holiday,国庆节
2026-10-10,workday,国庆节调休
";

pub fn china_2026() -> HolidayCalendar {
    // The embedded text is checked by a unit test, so this cannot fail.
    parse_import(CHINA_2026).expect("embedded 2026 calendar parses")
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
