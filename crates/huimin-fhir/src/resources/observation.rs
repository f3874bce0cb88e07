//! Observation (R4): one laboratory result (a value with its unit, reference interval and
//! flag) or an imaging/examination finding, coded with LOINC where the analyte table maps one.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use crate::primitives::de;
use crate::{CodeableConcept, Extension, Identifier, Meta, Narrative, Period, Quantity, Reference};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/observation-status
    ObservationStatus {
        Registered = "registered",
        Preliminary = "preliminary",
        Final = "final",
        Amended = "amended",
        Corrected = "corrected",
        Cancelled = "cancelled",
        EnteredInError = "entered-in-error",
        Unknown = "unknown",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Observation {
    pub resource_type: ResourceType<Observation>,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contained: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub based_on: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub part_of: Vec<Reference>,
    pub status: ObservationStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<CodeableConcept>,
    /// 1..1
    pub code: CodeableConcept,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encounter: Option<Reference>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub effective_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_period: Option<Period>,
    #[serde(
        default,
        deserialize_with = "de::opt_instant",
        skip_serializing_if = "Option::is_none"
    )]
    pub issued: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub performer: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_quantity: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_codeable_concept: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_string: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_boolean: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_absent_reason: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interpretation: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_site: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specimen: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reference_range: Vec<ObservationReferenceRange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub has_member: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived_from: Vec<Reference>,
}

impl Observation {
    pub fn new(status: ObservationStatus, code: CodeableConcept) -> Self {
        Observation {
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
            based_on: Vec::new(),
            part_of: Vec::new(),
            status,
            category: Vec::new(),
            code,
            subject: None,
            encounter: None,
            effective_date_time: None,
            effective_period: None,
            issued: None,
            performer: Vec::new(),
            value_quantity: None,
            value_codeable_concept: None,
            value_string: None,
            value_boolean: None,
            data_absent_reason: None,
            interpretation: Vec::new(),
            body_site: None,
            method: None,
            specimen: None,
            device: None,
            reference_range: Vec::new(),
            has_member: Vec::new(),
            derived_from: Vec::new(),
        }
    }
}

fhir_resource!(Observation);

/// Observation.referenceRange.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObservationReferenceRange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applies_to: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}
