//! Condition (R4): a diagnosis of a visit, coded with ICD-10; primary or secondary,
//! confirmed or provisional (待查).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use crate::primitives::de;
use crate::{CodeableConcept, Extension, Identifier, Meta, Narrative, Reference};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Condition {
    pub resource_type: ResourceType<Condition>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clinical_status: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_status: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeableConcept>,
    /// 1..1
    pub subject: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encounter: Option<Reference>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub onset_date_time: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub recorded_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorder: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asserter: Option<Reference>,
}

impl Condition {
    pub fn new(subject: Reference) -> Self {
        Condition {
            subject,
            ..Default::default()
        }
    }
}

fhir_resource!(Condition);
