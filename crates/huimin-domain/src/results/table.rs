//! The analyte table as data (`data/analytes.toml`), parsed and checked once: every number a
//! decimal, limits in order, intervals inside the limits, every panel naming known analytes,
//! LOINC codes distinct.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Amount, Flag, ReportShape};
use crate::i18n::Text;
use crate::identity::Sex;

const BUILTIN: &str = include_str!("../../data/analytes.toml");

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TableError {
    #[error("the analyte table cannot be read: {0}")]
    Syntax(String),
    #[error("analyte {code}: {problem}")]
    Analyte { code: String, problem: String },
    #[error("the report of {item} names the unknown analyte {code}")]
    UnknownInReport { item: String, code: String },
    #[error("the LOINC code {0} is given to two analytes")]
    DuplicateLoinc(String),
}

/// A reference interval: for a sex (or both) and an age band, one- or two-sided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefRange {
    pub sex: Option<Sex>,
    pub age_from: Option<u32>,
    pub age_to: Option<u32>,
    pub low: Option<Amount>,
    pub high: Option<Amount>,
}

impl RefRange {
    fn fits(&self, sex: Option<Sex>, age: Option<u32>) -> bool {
        let sex_fits = self.sex.is_none() || self.sex == sex;
        let age_fits = match age {
            Some(age) => {
                self.age_from.is_none_or(|from| age >= from)
                    && self.age_to.is_none_or(|to| age < to)
            }
            // Unknown age: only an interval without an age band applies.
            None => self.age_from.is_none() && self.age_to.is_none(),
        };
        sex_fits && age_fits
    }

    pub fn flag(&self, value: &Amount) -> Flag {
        match (&self.low, &self.high) {
            (Some(low), _) if value < low => Flag::Low,
            (_, Some(high)) if value > high => Flag::High,
            _ => Flag::Normal,
        }
    }

    /// `3.5–9.5`, `< 5.2`, `≥ 1.0`.
    pub fn text(&self) -> String {
        match (&self.low, &self.high) {
            (Some(low), Some(high)) => format!("{low}–{high}"),
            (None, Some(high)) => format!("≤ {high}"),
            (Some(low), None) => format!("≥ {low}"),
            (None, None) => String::new(),
        }
    }
}

/// One analyte the laboratory reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Analyte {
    pub code: String,
    pub loinc: String,
    pub also_loinc: Vec<String>,
    pub name: Text,
    /// The UCUM unit results are written in.
    pub unit: String,
    /// Other spellings of the same unit that are accepted on entry and import.
    pub accepted: Vec<String>,
    pub min: Amount,
    pub max: Amount,
    pub critical_low: Option<Amount>,
    pub critical_high: Option<Amount>,
    pub ranges: Vec<RefRange>,
}

impl Analyte {
    pub fn accepts_unit(&self, unit: &str) -> bool {
        unit == self.unit || self.accepted.iter().any(|u| u == unit)
    }

    /// The interval for a patient: the first that fits (a sex-specific one before a general
    /// one, as the table lists them).
    pub fn range_for(&self, sex: Option<Sex>, age: Option<u32>) -> Option<&RefRange> {
        self.ranges
            .iter()
            .filter(|r| r.sex.is_some())
            .chain(self.ranges.iter().filter(|r| r.sex.is_none()))
            .find(|r| r.fits(sex, age))
    }

    pub fn has_loinc(&self, code: &str) -> bool {
        self.loinc == code || self.also_loinc.iter().any(|c| c == code)
    }
}

/// The report an orderable item gets: its title and, for a panel, its analytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportForm {
    pub item: String,
    pub title: Text,
    pub analytes: Vec<String>,
}

/// The analytes and the report of each orderable item.
#[derive(Clone, Debug)]
pub struct AnalyteTable {
    analytes: Vec<Analyte>,
    reports: Vec<ReportForm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileReport {
    zh: String,
    en: String,
    #[serde(default)]
    analytes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRange {
    sex: Option<String>,
    age_from: Option<u32>,
    age_to: Option<u32>,
    low: Option<String>,
    high: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileAnalyte {
    code: String,
    loinc: String,
    #[serde(default)]
    also_loinc: Vec<String>,
    zh: String,
    en: String,
    unit: String,
    accepted: Vec<String>,
    min: String,
    max: String,
    critical_low: Option<String>,
    critical_high: Option<String>,
    #[serde(default)]
    range: Vec<FileRange>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    reports: BTreeMap<String, FileReport>,
    analyte: Vec<FileAnalyte>,
}

fn analyte(f: FileAnalyte) -> Result<Analyte, TableError> {
    let problem = |p: String| TableError::Analyte {
        code: f.code.clone(),
        problem: p,
    };
    let amount = |name: &str, s: &str| {
        Amount::parse(s).ok_or_else(|| problem(format!("{name} {s:?} is not a decimal")))
    };
    let opt = |name: &str, s: &Option<String>| s.as_deref().map(|s| amount(name, s)).transpose();
    let min = amount("min", &f.min)?;
    let max = amount("max", &f.max)?;
    if min >= max {
        return Err(problem("min is not below max".into()));
    }
    let critical_low = opt("critical_low", &f.critical_low)?;
    let critical_high = opt("critical_high", &f.critical_high)?;
    let mut ranges = Vec::new();
    for r in &f.range {
        let sex = match r.sex.as_deref() {
            None => None,
            Some("male") => Some(Sex::Male),
            Some("female") => Some(Sex::Female),
            Some(other) => return Err(problem(format!("unknown sex {other:?}"))),
        };
        let range = RefRange {
            sex,
            age_from: r.age_from,
            age_to: r.age_to,
            low: opt("low", &r.low)?,
            high: opt("high", &r.high)?,
        };
        let inside = |a: &Option<Amount>| a.as_ref().is_none_or(|a| *a >= min && *a <= max);
        if range.low.is_none() && range.high.is_none()
            || !inside(&range.low)
            || !inside(&range.high)
            || matches!((&range.low, &range.high), (Some(l), Some(h)) if l >= h)
            || matches!((range.age_from, range.age_to), (Some(a), Some(b)) if a >= b)
        {
            return Err(problem(format!(
                "a range is empty or outside the limits: {}",
                range.text()
            )));
        }
        ranges.push(range);
    }
    if matches!((&critical_low, &critical_high), (Some(l), Some(h)) if l >= h) {
        return Err(problem("critical_low is not below critical_high".into()));
    }
    if f.unit.is_empty() || f.loinc.is_empty() || f.zh.is_empty() || f.en.is_empty() {
        return Err(problem("a name, unit or LOINC code is empty".into()));
    }
    Ok(Analyte {
        code: f.code,
        loinc: f.loinc,
        also_loinc: f.also_loinc,
        name: Text::new(f.zh, f.en),
        unit: f.unit,
        accepted: f.accepted,
        min,
        max,
        critical_low,
        critical_high,
        ranges,
    })
}

impl AnalyteTable {
    /// The table shipped with Huimin.
    pub fn builtin() -> AnalyteTable {
        Self::parse(BUILTIN).expect("data/analytes.toml is checked by its tests")
    }

    pub fn parse(text: &str) -> Result<AnalyteTable, TableError> {
        let file: File = toml::from_str(text).map_err(|e| TableError::Syntax(e.to_string()))?;
        let analytes = file
            .analyte
            .into_iter()
            .map(analyte)
            .collect::<Result<Vec<_>, _>>()?;
        let mut loincs = std::collections::BTreeSet::new();
        for a in &analytes {
            for code in std::iter::once(&a.loinc).chain(&a.also_loinc) {
                if !loincs.insert(code.clone()) {
                    return Err(TableError::DuplicateLoinc(code.clone()));
                }
            }
        }
        let mut reports = Vec::new();
        for (item, r) in file.reports {
            if let Some(code) = r
                .analytes
                .iter()
                .find(|c| !analytes.iter().any(|a| &a.code == *c))
            {
                return Err(TableError::UnknownInReport {
                    item,
                    code: code.clone(),
                });
            }
            reports.push(ReportForm {
                item,
                title: Text::new(r.zh, r.en),
                analytes: r.analytes,
            });
        }
        Ok(AnalyteTable { analytes, reports })
    }

    pub fn analytes(&self) -> &[Analyte] {
        &self.analytes
    }

    pub fn by_code(&self, code: &str) -> Option<&Analyte> {
        self.analytes.iter().find(|a| a.code == code)
    }

    /// The analyte a LOINC code names; `None` is an unknown code.
    pub fn by_loinc(&self, loinc: &str) -> Option<&Analyte> {
        self.analytes.iter().find(|a| a.has_loinc(loinc))
    }

    /// The report form of an orderable item; `None` for an item the table has no report for.
    pub fn report(&self, item: &str) -> Option<&ReportForm> {
        self.reports.iter().find(|r| r.item == item)
    }

    /// What an orderable item reports: a panel's analytes, or a conclusion (imaging, ECG).
    pub fn shape(&self, item: &str) -> Option<ReportShape<'_>> {
        self.report(item).map(|r| {
            if r.analytes.is_empty() {
                ReportShape::Conclusion
            } else {
                ReportShape::Panel(&r.analytes)
            }
        })
    }

    pub fn reports(&self) -> &[ReportForm] {
        &self.reports
    }
}
