//! Provenance (R4): who signed which version of a note, when, with which key; the
//! signature itself is in `signature`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use crate::primitives::de;
use crate::{CodeableConcept, Extension, Meta, Narrative, Reference, Signature};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/provenance-entity-role
    ProvenanceEntityRole {
        Derivation = "derivation",
        Revision = "revision",
        Quotation = "quotation",
        Source = "source",
        Removal = "removal",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Provenance {
    pub resource_type: ResourceType<Provenance>,
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
    /// 1..*: the versioned references signed.
    pub target: Vec<Reference>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub occurred_date_time: Option<String>,
    /// 1..1, instant
    #[serde(deserialize_with = "de::instant")]
    pub recorded: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reason: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity: Option<CodeableConcept>,
    /// 1..*
    pub agent: Vec<ProvenanceAgent>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entity: Vec<ProvenanceEntity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signature: Vec<Signature>,
}

impl Provenance {
    /// A provenance with its required elements.
    pub fn new(target: Vec<Reference>, recorded: String, agent: Vec<ProvenanceAgent>) -> Self {
        Provenance {
            resource_type: ResourceType::new(),
            id: None,
            meta: None,
            implicit_rules: None,
            language: None,
            text: None,
            contained: Vec::new(),
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            target,
            occurred_date_time: None,
            recorded,
            policy: Vec::new(),
            reason: Vec::new(),
            activity: None,
            agent,
            entity: Vec::new(),
            signature: Vec::new(),
        }
    }
}

fhir_resource!(Provenance);

/// Provenance.agent: who signed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProvenanceAgent {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role: Vec<CodeableConcept>,
    /// 1..1
    pub who: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<Reference>,
}

/// Provenance.entity: the version an amendment revised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProvenanceEntity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub role: ProvenanceEntityRole,
    /// 1..1
    pub what: Reference,
}
