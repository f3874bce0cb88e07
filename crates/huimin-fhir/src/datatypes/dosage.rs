//! Dosage: how a medicine is taken (每次0.5 g，每日3次，口服，共7天), in MedicationRequest and
//! MedicationDispense `dosageInstruction`. The text is what the patient reads; `timing`,
//! `route` and `doseAndRate` say the same computably.

use serde::{Deserialize, Serialize};

use super::{CodeableConcept, Extension, Quantity, Range, Ratio, Timing};
use crate::rules::{Broken, choice};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(remote = "Self", rename_all = "camelCase", deny_unknown_fields)]
pub struct Dosage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// The order of the instructions; several with one sequence apply together.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence: Option<i32>,
    /// The whole instruction as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_instruction: Vec<CodeableConcept>,
    /// 饭后服用, in the patient's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient_instruction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    /// `asNeeded[x]`: at most one of `asNeededBoolean` (PRN) / `asNeededCodeableConcept`
    /// (the condition: 疼痛时).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_needed_boolean: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_needed_codeable_concept: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<CodeableConcept>,
    /// 口服, 静滴… ([`crate::names::ROUTE_SYSTEM`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dose_and_rate: Vec<DosageDoseAndRate>,
    /// At most this much per period (1.5 g per 1 d).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_dose_per_period: Option<Ratio>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_dose_per_administration: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_dose_per_lifetime: Option<Quantity>,
}

impl Dosage {
    fn rules(&self) -> Result<(), Broken> {
        choice(
            "asNeeded[x]",
            &[
                ("asNeededBoolean", self.as_needed_boolean.is_some()),
                (
                    "asNeededCodeableConcept",
                    self.as_needed_codeable_concept.is_some(),
                ),
            ],
            false,
        )
    }
}

checked_serde!(Dosage);

/// Dosage.doseAndRate: the amount per administration (SimpleQuantities: no comparator) and,
/// for infusions, the rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(remote = "Self", rename_all = "camelCase", deny_unknown_fields)]
pub struct DosageDoseAndRate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// Calculated, ordered…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<CodeableConcept>,
    /// `dose[x]`: at most one of `doseRange` / `doseQuantity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dose_range: Option<Range>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dose_quantity: Option<Quantity>,
    /// `rate[x]`: at most one of `rateRatio` / `rateRange` / `rateQuantity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_ratio: Option<Ratio>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_range: Option<Range>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_quantity: Option<Quantity>,
}

impl DosageDoseAndRate {
    /// A dose of `quantity` each time.
    pub fn dose(quantity: Quantity) -> Self {
        DosageDoseAndRate {
            dose_quantity: Some(quantity),
            ..Default::default()
        }
    }

    fn rules(&self) -> Result<(), Broken> {
        choice(
            "dose[x]",
            &[
                ("doseRange", self.dose_range.is_some()),
                ("doseQuantity", self.dose_quantity.is_some()),
            ],
            false,
        )?;
        choice(
            "rate[x]",
            &[
                ("rateRatio", self.rate_ratio.is_some()),
                ("rateRange", self.rate_range.is_some()),
                ("rateQuantity", self.rate_quantity.is_some()),
            ],
            false,
        )
    }
}

checked_serde!(DosageDoseAndRate);
