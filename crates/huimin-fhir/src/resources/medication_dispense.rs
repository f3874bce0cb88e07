//! MedicationDispense (R4): the pharmacy's handing over 发药 of one prescription item. R4 has
//! no lot element here: the lot and its expiry travel in the extensions
//! [`crate::names::LOT_NUMBER_EXT`] (`valueString`) and [`crate::names::LOT_EXPIRY_EXT`]
//! (`valueDate`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use super::medication::medication_choice;
use crate::primitives::de;
use crate::rules::Broken;
use crate::{
    Annotation, CodeableConcept, Dosage, Extension, Identifier, MedicationChoice, Meta, Narrative,
    Quantity, Reference,
};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/medicationdispense-status
    MedicationDispenseStatus {
        Preparation = "preparation",
        InProgress = "in-progress",
        Cancelled = "cancelled",
        OnHold = "on-hold",
        Completed = "completed",
        EnteredInError = "entered-in-error",
        Stopped = "stopped",
        Declined = "declined",
        Unknown = "unknown",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "camelCase", deny_unknown_fields)]
pub struct MedicationDispense {
    pub resource_type: ResourceType<MedicationDispense>,
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
    /// The lot handed over ([`crate::names::LOT_NUMBER_EXT`], [`crate::names::LOT_EXPIRY_EXT`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// [`crate::names::DISPENSE_NUMBER_SYSTEM`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    /// 1..1
    pub status: MedicationDispenseStatus,
    /// Outpatient, inpatient… (`medicationdispense-category`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<CodeableConcept>,
    /// `medication[x]` (1..1): exactly one of `medicationCodeableConcept` /
    /// `medicationReference`, as [`MedicationDispense::new`] sets them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medication_codeable_concept: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medication_reference: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<Reference>,
    /// The visit (Encounter).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub performer: Vec<MedicationDispensePerformer>,
    /// The pharmacy window (门诊西药房).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Reference>,
    /// The MedicationRequests filled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorizing_prescription: Vec<Reference>,
    /// First fill, refill… (v3 ActCode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<CodeableConcept>,
    /// A SimpleQuantity (2 盒).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Quantity>,
    /// A SimpleQuantity (7 d).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_supply: Option<Quantity>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub when_prepared: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub when_handed_over: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receiver: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dosage_instruction: Vec<Dosage>,
}

impl MedicationDispense {
    /// A dispense with its required elements.
    pub fn new(status: MedicationDispenseStatus, medication: MedicationChoice) -> Self {
        let (medication_codeable_concept, medication_reference) = medication.into_fields();
        MedicationDispense {
            resource_type: ResourceType::new(),
            id: None,
            meta: None,
            implicit_rules: None,
            language: None,
            text: None,
            contained: Vec::new(),
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            identifier: Vec::new(),
            status,
            category: None,
            medication_codeable_concept,
            medication_reference,
            subject: None,
            context: None,
            performer: Vec::new(),
            location: None,
            authorizing_prescription: Vec::new(),
            r#type: None,
            quantity: None,
            days_supply: None,
            when_prepared: None,
            when_handed_over: None,
            receiver: Vec::new(),
            note: Vec::new(),
            dosage_instruction: Vec::new(),
        }
    }

    fn rules(&self) -> Result<(), Broken> {
        medication_choice(
            &self.medication_codeable_concept,
            &self.medication_reference,
        )
    }
}

checked_serde!(MedicationDispense);
fhir_resource!(MedicationDispense);

/// MedicationDispense.performer: who prepared or checked and handed over (调配, 核对发药).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MedicationDispensePerformer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// Packager, checker, final checker (`medicationdispense-performer-function`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<CodeableConcept>,
    /// 1..1
    pub actor: Reference,
}

impl MedicationDispensePerformer {
    pub fn new(actor: Reference) -> Self {
        MedicationDispensePerformer {
            id: None,
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            function: None,
            actor,
        }
    }
}
