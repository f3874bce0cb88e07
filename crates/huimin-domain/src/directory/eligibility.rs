//! Who a department (or one of its registration classes) sees: an age range and a sex. The one
//! rule booking and triage read; ages are counted on the visit's date from the birth date.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::i18n::Text;
use crate::identity::Sex;

/// The sex a department sees.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SexLimit {
    #[default]
    Any,
    Female,
    Male,
}

impl SexLimit {
    pub const ALL: [SexLimit; 3] = [SexLimit::Any, SexLimit::Female, SexLimit::Male];

    pub fn code(self) -> &'static str {
        match self {
            SexLimit::Any => "any",
            SexLimit::Female => "female",
            SexLimit::Male => "male",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The one sex allowed, if limited.
    pub fn only(self) -> Option<Sex> {
        match self {
            SexLimit::Any => None,
            SexLimit::Female => Some(Sex::Female),
            SexLimit::Male => Some(Sex::Male),
        }
    }
}

/// Age and sex limits. Both age bounds say which birthday they mean: `age_from: 60` sees
/// patients from their 60th birthday on (60 岁及以上); `age_under: 14` sees them until the day
/// before their 14th (14 岁以下). `None` is no bound.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Eligibility {
    pub age_from: Option<u8>,
    pub age_under: Option<u8>,
    pub sex: SexLimit,
}

/// What the rule needs to know of a patient; either may be missing from their record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PatientFacts {
    pub birth_date: Option<Date>,
    pub sex: Option<Sex>,
}

/// Why a patient is outside a department's limits. Stable codes: clients switch on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ineligible {
    /// Younger than `age_from` on the visit's date.
    TooYoung,
    /// `age_under` or older on the visit's date.
    TooOld,
    /// Not the one sex the department sees.
    WrongSex,
    /// The limits need an age and the record has no birth date.
    BirthDateUnknown,
    /// The limits need a sex and the record has none (or neither male nor female).
    SexUnknown,
}

impl Ineligible {
    pub fn rule_code(self) -> &'static str {
        match self {
            Ineligible::TooYoung => "eligibility-age-from",
            Ineligible::TooOld => "eligibility-age-under",
            Ineligible::WrongSex => "eligibility-sex",
            Ineligible::BirthDateUnknown => "eligibility-birth-date-unknown",
            Ineligible::SexUnknown => "eligibility-sex-unknown",
        }
    }

    /// Only a fact missing from the record: staff who see the person may decide.
    pub fn is_unknown(self) -> bool {
        matches!(self, Ineligible::BirthDateUnknown | Ineligible::SexUnknown)
    }
}

/// Whole years of someone born on `birth` on `on`. Someone born on 29 February turns a year
/// older on 1 March in common years.
pub fn age_on(birth: Date, on: Date) -> i32 {
    let mut years = i32::from(on.year()) - i32::from(birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// The day someone born on `birth` turns `age`: 1 March in common years for a 29 February
/// birthday, as [`age_on`] counts.
pub fn birthday(birth: Date, age: u8) -> Date {
    let year = birth.year().saturating_add(i16::from(age));
    Date::new(year, birth.month(), birth.day())
        .or_else(|_| Date::new(year, 3, 1))
        .unwrap_or(Date::MAX)
}

/// Visit dates `[from, until)`, either end open.
pub type DateWindow = (Option<Date>, Option<Date>);

/// The oldest age bound a hospital may set.
pub const MAX_AGE: u8 = 120;

impl Eligibility {
    pub fn is_open(&self) -> bool {
        *self == Eligibility::default()
    }

    /// Whether the patient may be seen on `visit`. A known mismatch (the wrong sex, the wrong
    /// age) outranks a missing fact, so that staff, who may decide when only a fact is
    /// missing, never pass someone a known fact excludes.
    pub fn check(&self, facts: &PatientFacts, visit: Date) -> Result<(), Ineligible> {
        let sex = match (self.sex.only(), facts.sex) {
            (None, _) => Ok(()),
            (Some(_), None) => Err(Ineligible::SexUnknown),
            (Some(only), Some(sex)) if sex != only => Err(Ineligible::WrongSex),
            (Some(_), Some(_)) => Ok(()),
        };
        let age = self.check_age(facts.birth_date, visit);
        match (sex, age) {
            (Err(Ineligible::WrongSex), _) => Err(Ineligible::WrongSex),
            (_, Err(known)) if !known.is_unknown() => Err(known),
            (Err(unknown), _) | (_, Err(unknown)) => Err(unknown),
            (Ok(()), Ok(())) => Ok(()),
        }
    }

    fn check_age(&self, birth: Option<Date>, visit: Date) -> Result<(), Ineligible> {
        if self.age_from.is_none() && self.age_under.is_none() {
            return Ok(());
        }
        let birth = birth.ok_or(Ineligible::BirthDateUnknown)?;
        let age = age_on(birth, visit);
        if self.age_from.is_some_and(|from| age < i32::from(from)) {
            return Err(Ineligible::TooYoung);
        }
        if self.age_under.is_some_and(|under| age >= i32::from(under)) {
            return Err(Ineligible::TooOld);
        }
        Ok(())
    }

    /// The visit dates on which a patient with `facts` passes [`check`](Self::check);
    /// `None` when on none (the wrong sex, or a fact the limits need is missing).
    pub fn open_dates(&self, facts: &PatientFacts) -> Option<DateWindow> {
        if let Some(only) = self.sex.only()
            && facts.sex != Some(only)
        {
            return None;
        }
        if self.age_from.is_none() && self.age_under.is_none() {
            return Some((None, None));
        }
        let birth = facts.birth_date?;
        Some((
            self.age_from.map(|age| birthday(birth, age)),
            self.age_under.map(|age| birthday(birth, age)),
        ))
    }

    /// Every bound out of range, by field name (`age_from`, `age_under`).
    pub fn problems(&self) -> Vec<(&'static str, Text)> {
        let mut out = Vec::new();
        if let Some(from) = self.age_from.filter(|&a| a > MAX_AGE) {
            out.push(("age_from", too_old_a_bound(from)));
        }
        match self.age_under {
            Some(0) => out.push((
                "age_under",
                Text::new(
                    "“不满多少岁”须大于 0",
                    "The age patients must be under must be more than 0",
                ),
            )),
            Some(under) if under > MAX_AGE => out.push(("age_under", too_old_a_bound(under))),
            _ => {}
        }
        if let (Some(from), Some(under)) = (self.age_from, self.age_under)
            && from >= under
        {
            out.push((
                "age_under",
                Text::new(
                    format!("“不满 {under} 岁”须大于起始年龄 {from} 岁，否则无人可预约"),
                    format!(
                        "Under {under} must be above the lower bound of {from}, or nobody could book"
                    ),
                ),
            ));
        }
        out
    }

    /// The limits as a phrase after a department's name: `仅接诊 14 岁以下患者` /
    /// `only sees patients under 14`; `None` when there are none.
    pub fn describe(&self) -> Option<Text> {
        if self.is_open() {
            return None;
        }
        let mut ages_zh = Vec::new();
        let mut ages_en = Vec::new();
        if let Some(from) = self.age_from {
            ages_zh.push(format!("{from} 岁及以上"));
            ages_en.push(format!("aged {from} and over"));
        }
        if let Some(under) = self.age_under {
            ages_zh.push(format!("{under} 岁以下"));
            ages_en.push(format!("under {under}"));
        }
        let (sex_zh, sex_en) = match self.sex {
            SexLimit::Any => ("", ""),
            SexLimit::Female => ("女性", "female "),
            SexLimit::Male => ("男性", "male "),
        };
        let link = if ages_zh.is_empty() || sex_zh.is_empty() {
            ""
        } else {
            "的"
        };
        let zh = format!("仅接诊{}{link}{sex_zh}患者", spaced(&ages_zh.join("、")));
        let ages_en = if ages_en.is_empty() {
            String::new()
        } else {
            format!(" {}", ages_en.join(" and "))
        };
        Some(Text::new(
            zh,
            format!("only sees {sex_en}patients{ages_en}"),
        ))
    }
}

/// `" 14 岁以下"`: a figure after a Chinese word takes a space, as elsewhere on the pages.
fn spaced(ages: &str) -> String {
    if ages.is_empty() {
        String::new()
    } else {
        format!(" {ages}")
    }
}

fn too_old_a_bound(age: u8) -> Text {
    Text::new(
        format!("年龄须在 0 至 {MAX_AGE} 岁之间，当前为 {age}"),
        format!("An age must be between 0 and {MAX_AGE}; got {age}"),
    )
}

#[cfg(test)]
#[path = "eligibility_tests.rs"]
mod tests;
