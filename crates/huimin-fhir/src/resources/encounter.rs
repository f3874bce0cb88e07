//! Encounter (R4): one visit 就诊 — from check-in (`arrived`) through being called in
//! (`in-progress`) to the doctor finishing it (`finished`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use crate::primitives::de;
use crate::{CodeableConcept, Coding, Extension, Identifier, Meta, Narrative, Period, Reference};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/encounter-status
    EncounterStatus {
        Planned = "planned",
        Arrived = "arrived",
        Triaged = "triaged",
        InProgress = "in-progress",
        Onleave = "onleave",
        Finished = "finished",
        Cancelled = "cancelled",
        EnteredInError = "entered-in-error",
        Unknown = "unknown",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Encounter {
    pub resource_type: ResourceType<Encounter>,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    /// 1..1
    pub status: EncounterStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_history: Vec<EncounterStatusHistory>,
    /// 1..1, v3 ActCode, e.g. `AMB` (ambulatory) for an outpatient visit.
    pub class: Coding,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participant: Vec<EncounterParticipant>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appointment: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reason_code: Vec<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnosis: Vec<EncounterDiagnosis>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub location: Vec<EncounterLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_provider: Option<Reference>,
}

impl Encounter {
    /// An encounter with its required elements.
    pub fn new(status: EncounterStatus, class: Coding) -> Self {
        Encounter {
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
            status_history: Vec::new(),
            class,
            r#type: Vec::new(),
            service_type: None,
            priority: None,
            subject: None,
            participant: Vec::new(),
            appointment: Vec::new(),
            period: None,
            reason_code: Vec::new(),
            diagnosis: Vec::new(),
            location: Vec::new(),
            service_provider: None,
        }
    }
}

fhir_resource!(Encounter);

/// Encounter.statusHistory: a status the encounter had, and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EncounterStatusHistory {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub status: EncounterStatus,
    /// 1..1
    pub period: Period,
}

/// Encounter.participant: who took part (the doctor).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EncounterParticipant {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// Practitioner or PractitionerRole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub individual: Option<Reference>,
}

/// Encounter.diagnosis: a Condition of this visit and its rank.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EncounterDiagnosis {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub condition: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#use: Option<CodeableConcept>,
    /// positiveInt: 1 is the primary diagnosis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
}

/// Encounter.location: where the patient was seen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EncounterLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub location: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<EncounterLocationStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
}

code_enum!(
    /// http://hl7.org/fhir/ValueSet/encounter-location-status
    EncounterLocationStatus {
        Planned = "planned",
        Active = "active",
        Reserved = "reserved",
        Completed = "completed",
    }
);
