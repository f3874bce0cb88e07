//! Which earlier result stands in for a new test: the item is recognised, the result was
//! issued no later than today and no earlier than the item's window, and (from another
//! institution) it carries a recognition mark at least as wide as the item's scope.

use std::ops::RangeInclusive;

use jiff::civil::Date;

use crate::i18n::Text;

/// The validity windows an item may have, in days (there is no national window: DOMAIN §7).
pub const WINDOW_DAYS: RangeInclusive<u32> = 1..=3650;

/// How far a recognition mark reaches, narrowest first: a medical alliance 医联体, a city or
/// district, a province (region), the whole country.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Alliance,
    City,
    Province,
    National,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::National,
        Scope::Province,
        Scope::City,
        Scope::Alliance,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Scope::Alliance => "alliance",
            Scope::City => "city",
            Scope::Province => "province",
            Scope::National => "national",
        }
    }

    pub fn from_code(code: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            Scope::Alliance => Text::new("医联体内互认", "Within the medical alliance"),
            Scope::City => Text::new("市（区）内互认", "City or district"),
            Scope::Province => Text::new("省内互认", "Province"),
            Scope::National => Text::new("全国互认", "National"),
        }
    }

    /// Whether a result bearing a mark of this scope meets an item that asks for `required`:
    /// a wider mark serves every narrower scope.
    pub fn covers(self, required: Scope) -> bool {
        self >= required
    }
}

/// Why a setting cannot be used: the field and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingRefusal {
    pub field: &'static str,
    pub text: Text,
}

/// One item's recognition setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecognitionSetting {
    recognised: bool,
    scope: Scope,
    window_days: u32,
}

impl RecognitionSetting {
    /// A setting from its parts as typed: scope one of the four codes, window 1–3650 days.
    pub fn parse(
        recognised: bool,
        scope: &str,
        window_days: i64,
    ) -> Result<RecognitionSetting, SettingRefusal> {
        let scope = Scope::from_code(scope.trim()).ok_or_else(|| SettingRefusal {
            field: "scope",
            text: Text::new(
                format!("互认范围“{scope}”无效：可为 national、province、city 或 alliance"),
                format!(
                    "Unknown recognition scope {scope:?}: national, province, city or alliance"
                ),
            ),
        })?;
        let window_days = u32::try_from(window_days)
            .ok()
            .filter(|d| WINDOW_DAYS.contains(d))
            .ok_or_else(|| SettingRefusal {
                field: "window_days",
                text: Text::new(
                    format!(
                        "有效期须为 {} 至 {} 天",
                        WINDOW_DAYS.start(),
                        WINDOW_DAYS.end()
                    ),
                    format!(
                        "The validity window must be {} to {} days",
                        WINDOW_DAYS.start(),
                        WINDOW_DAYS.end()
                    ),
                ),
            })?;
        Ok(RecognitionSetting {
            recognised,
            scope,
            window_days,
        })
    }

    pub fn recognised(self) -> bool {
        self.recognised
    }

    pub fn scope(self) -> Scope {
        self.scope
    }

    pub fn window_days(self) -> u32 {
        self.window_days
    }

    /// The stored form of an override: `on|city|30` or `off|city|30`.
    pub fn encode(self) -> String {
        let on = if self.recognised { "on" } else { "off" };
        format!("{on}|{}|{}", self.scope.code(), self.window_days)
    }

    /// The stored form read back; `None` for anything [`encode`](Self::encode) never writes.
    pub fn decode(text: &str) -> Option<RecognitionSetting> {
        let mut parts = text.split('|');
        let recognised = match parts.next()? {
            "on" => true,
            "off" => false,
            _ => return None,
        };
        let scope = parts.next()?;
        let window: i64 = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        RecognitionSetting::parse(recognised, scope, window).ok()
    }
}

/// Where an earlier result was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// This hospital's own final report.
    Own,
    /// Another institution, with the recognition mark it is entitled to.
    External { mark: Scope },
}

/// What the rule needs to know of an earlier result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// The day the report was issued, in the hospital's time zone.
    pub issued_on: Date,
    pub source: Source,
}

/// Why an earlier result is not offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotOffered {
    /// The item is not recognised at this hospital.
    NotRecognised,
    /// Issued after today: a date that cannot be right.
    Future,
    /// Issued longer ago than the item's window.
    Expired,
    /// The performer's mark is narrower than the item's scope.
    OutOfScope,
}

/// Whether an earlier result of the item may stand in for a new test today. The window
/// counts whole days: a result issued `window_days` days ago is still inside.
pub fn offer(
    setting: RecognitionSetting,
    evidence: Evidence,
    today: Date,
) -> Result<(), NotOffered> {
    if !setting.recognised {
        return Err(NotOffered::NotRecognised);
    }
    if evidence.issued_on > today {
        return Err(NotOffered::Future);
    }
    let age = evidence
        .issued_on
        .until(today)
        .map(|span| i64::from(span.get_days()))
        .unwrap_or(i64::MAX);
    if age > i64::from(setting.window_days) {
        return Err(NotOffered::Expired);
    }
    match evidence.source {
        Source::Own => Ok(()),
        Source::External { mark } if mark.covers(setting.scope) => Ok(()),
        Source::External { .. } => Err(NotOffered::OutOfScope),
    }
}
