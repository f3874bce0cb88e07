//! Notifiable infectious diseases (法定传染病, `data/notifiable-diseases.csv`): which diagnosis
//! codes are notifiable, the deadline of each report card (传染病报告卡), the card's fields and
//! the checks before a card is submitted. Pure: callers pass the times.

use std::sync::OnceLock;

use jiff::{SignedDuration, Timestamp};

use super::Icd10Code;
use crate::i18n::Text;

#[path = "notifiable_card.rs"]
mod card;

pub use card::{CardFields, CaseClass, FieldIssue, OCCUPATIONS, check_for_submit, check_lengths};

const DATA: &str = include_str!("../../../../data/notifiable-diseases.csv");

/// Class under the law: 甲 (A), 乙 (B), 丙 (C).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiseaseClass {
    A,
    B,
    C,
}

impl DiseaseClass {
    pub fn code(self) -> &'static str {
        match self {
            DiseaseClass::A => "A",
            DiseaseClass::B => "B",
            DiseaseClass::C => "C",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "A" => Some(DiseaseClass::A),
            "B" => Some(DiseaseClass::B),
            "C" => Some(DiseaseClass::C),
            _ => None,
        }
    }

    pub fn label(self) -> Text {
        match self {
            DiseaseClass::A => Text::new("甲类", "Class A"),
            DiseaseClass::B => Text::new("乙类", "Class B"),
            DiseaseClass::C => Text::new("丙类", "Class C"),
        }
    }
}

/// One notifiable disease.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifiableDisease {
    /// Stable key (`plague`, `covid-19`).
    pub key: String,
    pub name: Text,
    pub class: DiseaseClass,
    /// The class whose measures apply: A for 乙类甲管.
    pub managed_as: DiseaseClass,
    /// Hours from diagnosis within which the card must be reported.
    pub deadline_hours: u8,
    /// ICD-10 codes or prefixes (`A22.1`, `B20`).
    pub prefixes: Vec<String>,
}

impl NotifiableDisease {
    /// When the card of a diagnosis made at `diagnosed_at` is due.
    pub fn deadline(&self, diagnosed_at: Timestamp) -> Timestamp {
        diagnosed_at
            .saturating_add(SignedDuration::from_hours(i64::from(self.deadline_hours)))
            .unwrap_or(diagnosed_at)
    }

    /// The length of the longest prefix of this disease `code` falls under.
    fn matches(&self, code: &Icd10Code) -> Option<usize> {
        self.prefixes
            .iter()
            .filter(|p| code.starts_with(p))
            .map(String::len)
            .max()
    }
}

/// The table of notifiable diseases.
#[derive(Clone, Debug)]
pub struct NotifiableTable {
    diseases: Vec<NotifiableDisease>,
}

/// The repository's table (`data/notifiable-diseases.csv`).
pub fn builtin() -> &'static NotifiableTable {
    static TABLE: OnceLock<NotifiableTable> = OnceLock::new();
    TABLE.get_or_init(|| NotifiableTable::parse(DATA).expect("data/notifiable-diseases.csv"))
}

/// The notifiable disease a diagnosis code is, in the repository's table.
pub fn notifiable_for(code: &Icd10Code) -> Option<&'static NotifiableDisease> {
    builtin().notifiable_for(code)
}

impl NotifiableTable {
    /// Parses the table (columns `key,name_zh,name_en,class,managed_as,deadline_hours,
    /// icd10_prefixes`, prefixes separated by spaces); the first problem with its line.
    pub fn parse(text: &str) -> Result<NotifiableTable, String> {
        let mut diseases = Vec::new();
        let mut header = false;
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if !header {
                header = true;
                continue;
            }
            let fields: Vec<&str> = trimmed.split(',').map(str::trim).collect();
            let bad = |what: &str| format!("line {line}: {what}");
            let [key, zh, en, class, managed, hours, prefixes] = fields[..] else {
                return Err(bad("expected 7 columns"));
            };
            let class = DiseaseClass::from_code(class).ok_or_else(|| bad("class"))?;
            let managed_as = DiseaseClass::from_code(managed).ok_or_else(|| bad("managed_as"))?;
            let deadline_hours = hours.parse().map_err(|_| bad("deadline_hours"))?;
            let prefixes: Vec<String> = prefixes.split_whitespace().map(str::to_owned).collect();
            if key.is_empty() || zh.is_empty() || prefixes.is_empty() {
                return Err(bad("key, name and codes are required"));
            }
            diseases.push(NotifiableDisease {
                key: key.to_owned(),
                name: Text::new(zh, en),
                class,
                managed_as,
                deadline_hours,
                prefixes,
            });
        }
        Ok(NotifiableTable { diseases })
    }

    pub fn diseases(&self) -> &[NotifiableDisease] {
        &self.diseases
    }

    pub fn get(&self, key: &str) -> Option<&NotifiableDisease> {
        self.diseases.iter().find(|d| d.key == key)
    }

    /// The disease whose prefix `code` falls under, the longest prefix winning (A22.1 肺炭疽
    /// before A22 炭疽), the first listed among equals.
    pub fn notifiable_for(&self, code: &Icd10Code) -> Option<&NotifiableDisease> {
        let mut best: Option<(&NotifiableDisease, usize)> = None;
        for disease in &self.diseases {
            if let Some(len) = disease.matches(code)
                && best.is_none_or(|(_, b)| len > b)
            {
                best = Some((disease, len));
            }
        }
        best.map(|(d, _)| d)
    }

    /// The diseases a code may be reported as (more than one where diseases share codes).
    pub fn candidates_for(&self, code: &Icd10Code) -> Vec<&NotifiableDisease> {
        let Some(best) = self.notifiable_for(code) else {
            return Vec::new();
        };
        let len = best.matches(code);
        self.diseases
            .iter()
            .filter(|d| d.matches(code) == len)
            .collect()
    }
}

/// Where a card stands against its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timer {
    pub due_at: Timestamp,
    /// Seconds left (negative once overdue); for a submitted card, left when it was submitted.
    pub remaining_seconds: i64,
    pub overdue: bool,
}

/// The timer of a card due at `due_at`, submitted at `submitted_at` if it was, at `now`.
pub fn timer(due_at: Timestamp, submitted_at: Option<Timestamp>, now: Timestamp) -> Timer {
    let at = submitted_at.unwrap_or(now);
    let remaining_seconds = due_at.duration_since(at).as_secs();
    Timer {
        due_at,
        remaining_seconds,
        overdue: remaining_seconds < 0,
    }
}

#[cfg(test)]
#[path = "notifiable_tests.rs"]
mod tests;
