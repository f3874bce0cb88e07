//! AllergyIntolerance (R4): a patient's allergy 过敏史 (substance, reaction, severity),
//! recorded once and shown on every later visit.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use crate::primitives::de;
use crate::{CodeableConcept, Extension, Identifier, Meta, Narrative, Reference};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/allergy-intolerance-type
    AllergyIntoleranceType {
        Allergy = "allergy",
        Intolerance = "intolerance",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/allergy-intolerance-category
    AllergyIntoleranceCategory {
        Food = "food",
        Medication = "medication",
        Environment = "environment",
        Biologic = "biologic",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/allergy-intolerance-criticality
    AllergyIntoleranceCriticality {
        Low = "low",
        High = "high",
        UnableToAssess = "unable-to-assess",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/reaction-event-severity
    AllergyIntoleranceSeverity {
        Mild = "mild",
        Moderate = "moderate",
        Severe = "severe",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AllergyIntolerance {
    pub resource_type: ResourceType<AllergyIntolerance>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<AllergyIntoleranceType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<AllergyIntoleranceCategory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criticality: Option<AllergyIntoleranceCriticality>,
    /// The substance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeableConcept>,
    /// 1..1
    pub patient: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encounter: Option<Reference>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub recorded_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorder: Option<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reaction: Vec<AllergyIntoleranceReaction>,
}

impl AllergyIntolerance {
    pub fn new(patient: Reference) -> Self {
        AllergyIntolerance {
            patient,
            ..Default::default()
        }
    }
}

fhir_resource!(AllergyIntolerance);

/// AllergyIntolerance.reaction: what happened, how badly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AllergyIntoleranceReaction {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub substance: Option<CodeableConcept>,
    /// 1..*
    pub manifestation: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<AllergyIntoleranceSeverity>,
}
