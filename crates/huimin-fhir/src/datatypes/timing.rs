//! Timing: when a dose is taken. A prescription's frequency (TID, 每日三次) is `code` in Huimin's
//! frequency system ([`crate::names::DOSE_FREQUENCY_SYSTEM`]) and, computably, `repeat`
//! (3 per 1 d, for 7 d).

use serde::{Deserialize, Serialize};

use super::{CodeableConcept, Extension, Period, Quantity, Range};
use crate::primitives::de;
use crate::rules::{Broken, choice, rule};
use crate::{DayOfWeek, Decimal};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/units-of-time (UCUM)
    UnitsOfTime {
        Second = "s",
        Minute = "min",
        Hour = "h",
        Day = "d",
        Week = "wk",
        Month = "mo",
        Year = "a",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/event-timing: a time of day, or an event of daily life
    /// (AC 饭前, PC 饭后, HS 睡前).
    EventTiming {
        Morning = "MORN",
        EarlyMorning = "MORN.early",
        LateMorning = "MORN.late",
        Noon = "NOON",
        Afternoon = "AFT",
        EarlyAfternoon = "AFT.early",
        LateAfternoon = "AFT.late",
        Evening = "EVE",
        EarlyEvening = "EVE.early",
        LateEvening = "EVE.late",
        Night = "NIGHT",
        AfterSleep = "PHS",
        BeforeSleep = "HS",
        Wake = "WAKE",
        Meal = "C",
        Breakfast = "CM",
        Lunch = "CD",
        Dinner = "CV",
        BeforeMeal = "AC",
        BeforeBreakfast = "ACM",
        BeforeLunch = "ACD",
        BeforeDinner = "ACV",
        AfterMeal = "PC",
        AfterBreakfast = "PCM",
        AfterLunch = "PCD",
        AfterDinner = "PCV",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Timing {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<TimingRepeat>,
    /// BID, TID, QD… (the frequency's code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeableConcept>,
}

/// Timing.repeat, with R4's invariants tim-1 to tim-10 checked (tim-3 is gone from R4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(remote = "Self", rename_all = "camelCase", deny_unknown_fields)]
pub struct TimingRepeat {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// `bounds[x]`: at most one of `boundsDuration` (7 d: the course), `boundsRange`,
    /// `boundsPeriod`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounds_duration: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounds_range: Option<Range>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounds_period: Option<Period>,
    /// positiveInt: how many times in all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<std::num::NonZeroU32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_max: Option<std::num::NonZeroU32>,
    /// How long each administration lasts (an infusion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_max: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_unit: Option<UnitsOfTime>,
    /// positiveInt: times per `period` (3 for TID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency: Option<std::num::NonZeroU32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency_max: Option<std::num::NonZeroU32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_max: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_unit: Option<UnitsOfTime>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub day_of_week: Vec<DayOfWeek>,
    #[serde(
        default,
        deserialize_with = "de::vec_time",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub time_of_day: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<EventTiming>,
    /// unsignedInt: minutes from the `when` event (30 min before a meal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
}

impl TimingRepeat {
    fn rules(&self) -> Result<(), Broken> {
        choice(
            "bounds[x]",
            &[
                ("boundsDuration", self.bounds_duration.is_some()),
                ("boundsRange", self.bounds_range.is_some()),
                ("boundsPeriod", self.bounds_period.is_some()),
            ],
            false,
        )?;
        let given = |d: &Option<Decimal>| d.is_some();
        let not_negative = |d: &Option<Decimal>| !d.as_ref().is_some_and(Decimal::is_negative);
        rule(
            !given(&self.duration) || self.duration_unit.is_some(),
            "durationUnit",
            "is required with a duration (tim-1)",
        )?;
        rule(
            !given(&self.period) || self.period_unit.is_some(),
            "periodUnit",
            "is required with a period (tim-2)",
        )?;
        rule(
            not_negative(&self.duration),
            "duration",
            "is not negative (tim-4)",
        )?;
        rule(
            not_negative(&self.period),
            "period",
            "is not negative (tim-5)",
        )?;
        rule(
            !given(&self.period_max) || given(&self.period),
            "periodMax",
            "needs a period (tim-6)",
        )?;
        rule(
            !given(&self.duration_max) || given(&self.duration),
            "durationMax",
            "needs a duration (tim-7)",
        )?;
        rule(
            self.count_max.is_none() || self.count.is_some(),
            "countMax",
            "needs a count (tim-8)",
        )?;
        let at_meal = |w: &EventTiming| {
            matches!(
                w,
                EventTiming::Meal
                    | EventTiming::Breakfast
                    | EventTiming::Lunch
                    | EventTiming::Dinner
            )
        };
        rule(
            self.offset.is_none() || (!self.when.is_empty() && !self.when.iter().any(at_meal)),
            "offset",
            "needs a `when` other than C, CM, CD or CV (tim-9)",
        )?;
        rule(
            self.time_of_day.is_empty() || self.when.is_empty(),
            "timeOfDay",
            "excludes when (tim-10)",
        )
    }
}

checked_serde!(TimingRepeat);
