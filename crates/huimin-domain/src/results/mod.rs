//! Results (检验检查结果), pure: the analyte table (`data/analytes.toml`: LOINC codes, units,
//! physical limits, reference intervals by sex and age band, critical values 危急值), the
//! panels of the laboratory orderables, and the rules a value passes before it is a result:
//! a known analyte, a unit that fits, inside physical limits; then its flag (偏高/偏低) and
//! whether it is critical. See docs/design/results.md.

mod amount;
mod table;

pub use amount::Amount;
pub use table::{Analyte, AnalyteTable, RefRange, ReportForm, TableError};

use crate::i18n::Text;
use crate::identity::Sex;

/// Why a value is refused, with the field it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultProblem {
    pub field: String,
    pub text: Text,
}

impl ResultProblem {
    pub fn new(field: impl Into<String>, text: Text) -> Self {
        Self {
            field: field.into(),
            text,
        }
    }
}

/// What an orderable reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportShape<'a> {
    /// A laboratory panel: one value per analyte.
    Panel(&'a [String]),
    /// Imaging or an examination (ECG): a conclusion text.
    Conclusion,
}

/// The abnormal flag of a value against its reference interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    Low,
    Normal,
    High,
}

impl Flag {
    /// HL7 v3 ObservationInterpretation code (`L`, `N`, `H`; critical: `LL`, `HH`).
    pub fn code(self, critical: bool) -> &'static str {
        match (self, critical) {
            (Flag::Low, true) => "LL",
            (Flag::High, true) => "HH",
            (Flag::Low, false) => "L",
            (Flag::High, false) => "H",
            (Flag::Normal, _) => "N",
        }
    }

    /// The plain words a patient reads.
    pub fn text(self) -> Text {
        match self {
            Flag::Low => Text::new("偏低", "Low"),
            Flag::Normal => Text::new("正常", "Normal"),
            Flag::High => Text::new("偏高", "High"),
        }
    }

    /// The arrow printed beside the value (↑ / ↓), empty when normal.
    pub fn arrow(self) -> &'static str {
        match self {
            Flag::Low => "↓",
            Flag::Normal => "",
            Flag::High => "↑",
        }
    }

    pub fn from_code(code: &str) -> Option<(Flag, bool)> {
        Some(match code {
            "L" => (Flag::Low, false),
            "LL" => (Flag::Low, true),
            "H" => (Flag::High, false),
            "HH" => (Flag::High, true),
            "N" => (Flag::Normal, false),
            _ => return None,
        })
    }
}

/// Which side of the critical limits a value is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Critical {
    Low,
    High,
}

impl Critical {
    pub fn text(self) -> Text {
        match self {
            Critical::Low => Text::new("危急值（过低）", "Critical value (low)"),
            Critical::High => Text::new("危急值（过高）", "Critical value (high)"),
        }
    }
}

/// A value read against the patient's reference interval and the critical limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpretation {
    /// The interval that applies to this patient; `None` when the table has none for their
    /// sex and age (then there is no flag either).
    pub range: Option<RefRange>,
    pub flag: Option<Flag>,
    pub critical: Option<Critical>,
}

impl Interpretation {
    /// The interpretation code, critical first (`HH`), `None` when unflagged.
    pub fn code(&self) -> Option<&'static str> {
        match (self.critical, self.flag) {
            (Some(Critical::Low), _) => Some("LL"),
            (Some(Critical::High), _) => Some("HH"),
            (None, Some(flag)) => Some(flag.code(false)),
            (None, None) => None,
        }
    }
}

/// A UCUM unit as people write it on a report or in a message: `10*9/L` → `×10⁹/L`,
/// `10*12/L` → `×10¹²/L`; other units as they are. Entry and the API keep the UCUM spelling.
pub fn unit_for_people(unit: &str) -> String {
    const RAISED: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let Some((before, rest)) = unit.split_once("10*") else {
        return unit.to_owned();
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return unit.to_owned();
    }
    let raised: String = rest[..digits]
        .chars()
        .filter_map(|d| d.to_digit(10))
        .filter_map(|d| usize::try_from(d).ok())
        .filter_map(|d| RAISED.get(d))
        .collect();
    format!("{before}×10{raised}{}", &rest[digits..])
}

/// Checks one entered value of `analyte`: a decimal, in a unit that fits, inside the physical
/// limits. `field` names it in a refusal (`values[2].value`).
pub fn check_value(
    analyte: &Analyte,
    value: &str,
    unit: &str,
    field: &str,
) -> Result<Amount, ResultProblem> {
    let amount = Amount::parse(value.trim()).ok_or_else(|| {
        ResultProblem::new(
            format!("{field}.value"),
            Text::new(
                format!("{}的结果“{value}”不是数值", analyte.name.zh),
                format!(
                    "The result of {} ({value}) is not a number",
                    analyte.name.en
                ),
            ),
        )
    })?;
    if !analyte.accepts_unit(unit.trim()) {
        let mut units = vec![analyte.unit.clone()];
        units.extend(analyte.accepted.iter().cloned());
        let list = units.join(", ");
        return Err(ResultProblem::new(
            format!("{field}.unit"),
            Text::new(
                format!("{}的单位“{unit}”不适用，应为：{list}", analyte.name.zh),
                format!(
                    "The unit {unit:?} does not fit {}; use one of: {list}",
                    analyte.name.en
                ),
            ),
        ));
    }
    if amount < analyte.min || amount > analyte.max {
        return Err(ResultProblem::new(
            format!("{field}.value"),
            Text::new(
                format!(
                    "{}的结果 {value} 超出可测范围（{}–{} {}），请核对",
                    analyte.name.zh,
                    analyte.min,
                    analyte.max,
                    unit_for_people(&analyte.unit)
                ),
                format!(
                    "The result of {} ({value}) is outside what can be measured ({}–{} {}); please check it",
                    analyte.name.en,
                    analyte.min,
                    analyte.max,
                    unit_for_people(&analyte.unit)
                ),
            ),
        ));
    }
    Ok(amount)
}

/// Reads `value` of `analyte` for a patient of `sex` (unknown: `None`) aged `age` whole years
/// (unknown: `None`) on the day of the specimen.
pub fn interpret(
    analyte: &Analyte,
    value: &Amount,
    sex: Option<Sex>,
    age: Option<u32>,
) -> Interpretation {
    let range = analyte.range_for(sex, age).cloned();
    let flag = range.as_ref().map(|r| r.flag(value));
    let critical = match (&analyte.critical_low, &analyte.critical_high) {
        (Some(low), _) if value < low => Some(Critical::Low),
        (_, Some(high)) if value > high => Some(Critical::High),
        _ => None,
    };
    Interpretation {
        range,
        flag,
        critical,
    }
}

/// Whole years between `birth` and `on` (the day of the specimen); `None` if `on` is before
/// `birth`.
pub fn age_in_years(birth: jiff::civil::Date, on: jiff::civil::Date) -> Option<u32> {
    if on < birth {
        return None;
    }
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// Checks an imaging or examination conclusion: 1 to 4000 characters.
pub fn check_conclusion(text: &str) -> Result<String, ResultProblem> {
    let text = text.trim();
    let n = text.chars().count();
    if !(1..=4000).contains(&n) {
        return Err(ResultProblem::new(
            "conclusion",
            Text::new(
                "请填写检查结论（1–4000 字）",
                "Write the conclusion (1–4000 characters)",
            ),
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests;
