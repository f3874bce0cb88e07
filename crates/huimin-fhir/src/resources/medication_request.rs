//! MedicationRequest (R4): one item of an outpatient prescription 处方. The items written
//! together share the prescription's number 处方号 in `groupIdentifier`
//! ([`crate::names::PRESCRIPTION_NUMBER_SYSTEM`]); each says which drug, how it is taken
//! (`dosageInstruction`) and how much the pharmacy hands over (`dispenseRequest`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use super::medication::medication_choice;
use crate::primitives::de;
use crate::rules::{Broken, choice};
use crate::{
    Annotation, CodeableConcept, Dosage, Extension, Identifier, MedicationChoice, Meta, Narrative,
    Period, Quantity, Reference, RequestPriority,
};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/medicationrequest-status
    MedicationRequestStatus {
        Active = "active",
        OnHold = "on-hold",
        Cancelled = "cancelled",
        Completed = "completed",
        EnteredInError = "entered-in-error",
        Stopped = "stopped",
        Draft = "draft",
        Unknown = "unknown",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/medicationrequest-intent
    MedicationRequestIntent {
        Proposal = "proposal",
        Plan = "plan",
        Order = "order",
        OriginalOrder = "original-order",
        ReflexOrder = "reflex-order",
        FillerOrder = "filler-order",
        InstanceOrder = "instance-order",
        Option = "option",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "camelCase", deny_unknown_fields)]
pub struct MedicationRequest {
    pub resource_type: ResourceType<MedicationRequest>,
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
    /// [`crate::names::PRESCRIPTION_ITEM_SYSTEM`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    /// 1..1
    pub status: MedicationRequestStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<CodeableConcept>,
    /// 1..1
    pub intent: MedicationRequestIntent,
    /// Outpatient, discharge… (`medicationrequest-category`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<RequestPriority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub do_not_perform: Option<bool>,
    /// `medication[x]` (1..1): exactly one of `medicationCodeableConcept` /
    /// `medicationReference`, as [`MedicationRequest::new`] sets them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medication_codeable_concept: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medication_reference: Option<Reference>,
    /// 1..1
    pub subject: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encounter: Option<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supporting_information: Vec<Reference>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub authored_on: Option<String>,
    /// The prescribing doctor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performer: Option<Reference>,
    /// Who entered it, when not the prescriber.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorder: Option<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reason_code: Vec<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reason_reference: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub based_on: Vec<Reference>,
    /// The prescription's number 处方号.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_identifier: Option<Identifier>,
    /// Acute, continuous, seasonal (`medicationrequest-course-of-therapy`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course_of_therapy_type: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dosage_instruction: Vec<Dosage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispense_request: Option<MedicationRequestDispenseRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub substitution: Option<MedicationRequestSubstitution>,
    /// The request this one renews or replaces (续方).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prior_prescription: Option<Reference>,
}

impl MedicationRequest {
    /// A request with its required elements.
    pub fn new(
        status: MedicationRequestStatus,
        intent: MedicationRequestIntent,
        medication: MedicationChoice,
        subject: Reference,
    ) -> Self {
        let (medication_codeable_concept, medication_reference) = medication.into_fields();
        MedicationRequest {
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
            status_reason: None,
            intent,
            category: Vec::new(),
            priority: None,
            do_not_perform: None,
            medication_codeable_concept,
            medication_reference,
            subject,
            encounter: None,
            supporting_information: Vec::new(),
            authored_on: None,
            requester: None,
            performer: None,
            recorder: None,
            reason_code: Vec::new(),
            reason_reference: Vec::new(),
            based_on: Vec::new(),
            group_identifier: None,
            course_of_therapy_type: None,
            note: Vec::new(),
            dosage_instruction: Vec::new(),
            dispense_request: None,
            substitution: None,
            prior_prescription: None,
        }
    }

    fn rules(&self) -> Result<(), Broken> {
        medication_choice(
            &self.medication_codeable_concept,
            &self.medication_reference,
        )
    }
}

checked_serde!(MedicationRequest);
fhir_resource!(MedicationRequest);

/// MedicationRequest.dispenseRequest: what the pharmacy hands over, and until when the
/// prescription may be filled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MedicationRequestDispenseRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// A Duration between fills.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispense_interval: Option<Quantity>,
    /// The days the prescription may be filled: the day it is written, three at most when the
    /// doctor says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validity_period: Option<Period>,
    /// unsignedInt: refills after the first fill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_repeats_allowed: Option<u32>,
    /// A SimpleQuantity (2 盒).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Quantity>,
    /// A Duration (7 d).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_supply_duration: Option<Quantity>,
    /// The pharmacy expected to dispense.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performer: Option<Reference>,
}

/// MedicationRequest.substitution: whether the pharmacy may give an equivalent drug.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(remote = "Self", rename_all = "camelCase", deny_unknown_fields)]
pub struct MedicationRequestSubstitution {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// `allowed[x]` (1..1): exactly one of `allowedBoolean` / `allowedCodeableConcept`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_boolean: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_codeable_concept: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<CodeableConcept>,
}

impl MedicationRequestSubstitution {
    fn rules(&self) -> Result<(), Broken> {
        choice(
            "allowed[x]",
            &[
                ("allowedBoolean", self.allowed_boolean.is_some()),
                (
                    "allowedCodeableConcept",
                    self.allowed_codeable_concept.is_some(),
                ),
            ],
            true,
        )
    }
}

checked_serde!(MedicationRequestSubstitution);
