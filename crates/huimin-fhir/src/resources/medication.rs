//! Medication (R4): a drug of the hospital's dictionary 药品字典 — its code
//! ([`crate::names::DRUG_CODE_SYSTEM`], with ATC where one exists), dosage form, active
//! ingredients and strength — and, in stock views, the lot on the shelf.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use crate::primitives::de;
use crate::rules::{Broken, choice};
use crate::{CodeableConcept, Extension, Identifier, Meta, Narrative, Ratio, Reference};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/medication-status
    MedicationStatus {
        Active = "active",
        Inactive = "inactive",
        EnteredInError = "entered-in-error",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Medication {
    pub resource_type: ResourceType<Medication>,
    #[serde(
        default,
        deserialize_with = "de::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implicit_rules: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Narrative>,
    /// Contained resources, kept as JSON (any resource type may appear).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contained: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// The dictionary's code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    /// The dictionary's code and ATC; `text` is the display name (阿莫西林胶囊).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<MedicationStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<Reference>,
    /// [`crate::names::DOSAGE_FORM_SYSTEM`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<CodeableConcept>,
    /// How much is in a package (24 粒 per 盒).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Ratio>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingredient: Vec<MedicationIngredient>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<MedicationBatch>,
}

impl Medication {
    pub fn new() -> Self {
        Self::default()
    }
}

fhir_resource!(Medication);

/// Medication.ingredient: a substance and its strength per piece (0.25 g per 1 粒).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(remote = "Self", rename_all = "camelCase", deny_unknown_fields)]
pub struct MedicationIngredient {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// `item[x]` (1..1): exactly one of `itemCodeableConcept` / `itemReference`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_codeable_concept: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_reference: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strength: Option<Ratio>,
}

impl MedicationIngredient {
    /// The substance `item`, `strength` per piece.
    pub fn new(item: CodeableConcept, strength: Option<Ratio>) -> Self {
        MedicationIngredient {
            item_codeable_concept: Some(item),
            strength,
            ..Default::default()
        }
    }

    fn rules(&self) -> Result<(), Broken> {
        choice(
            "item[x]",
            &[
                ("itemCodeableConcept", self.item_codeable_concept.is_some()),
                ("itemReference", self.item_reference.is_some()),
            ],
            true,
        )
    }
}

checked_serde!(MedicationIngredient);

/// Medication.batch: a lot 批号 and its expiry 有效期.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MedicationBatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lot_number: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration_date: Option<String>,
}

/// `medication[x]` of a MedicationRequest or MedicationDispense: the drug coded in place, or a
/// reference to its Medication.
#[derive(Clone, Debug, PartialEq)]
// Short-lived: built to be taken apart at once by `new`, never stored.
#[allow(clippy::large_enum_variant)]
pub enum MedicationChoice {
    CodeableConcept(CodeableConcept),
    Reference(Reference),
}

impl MedicationChoice {
    /// The two fields of `medication[x]` (`medicationCodeableConcept`, `medicationReference`).
    pub(crate) fn into_fields(self) -> (Option<CodeableConcept>, Option<Reference>) {
        match self {
            MedicationChoice::CodeableConcept(c) => (Some(c), None),
            MedicationChoice::Reference(r) => (None, Some(r)),
        }
    }
}

/// The rule of `medication[x]` (1..1) in MedicationRequest and MedicationDispense.
pub(crate) fn medication_choice(
    codeable_concept: &Option<CodeableConcept>,
    reference: &Option<Reference>,
) -> Result<(), Broken> {
    choice(
        "medication[x]",
        &[
            ("medicationCodeableConcept", codeable_concept.is_some()),
            ("medicationReference", reference.is_some()),
        ],
        true,
    )
}
