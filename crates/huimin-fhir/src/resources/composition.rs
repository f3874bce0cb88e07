//! Composition (R4): a clinical document; Huimin's outpatient note 门诊病历, one section per
//! part of the note (主诉, 现病史, …).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use crate::primitives::de;
use crate::{CodeableConcept, Extension, Identifier, Meta, Narrative, Reference};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/composition-status
    CompositionStatus {
        Preliminary = "preliminary",
        Final = "final",
        Amended = "amended",
        EnteredInError = "entered-in-error",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/composition-attestation-mode
    CompositionAttestationMode {
        Personal = "personal",
        Professional = "professional",
        Legal = "legal",
        Official = "official",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/document-relationship-type
    DocumentRelationshipType {
        Replaces = "replaces",
        Transforms = "transforms",
        Signs = "signs",
        Appends = "appends",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Composition {
    pub resource_type: ResourceType<Composition>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    /// 1..1
    pub status: CompositionStatus,
    /// 1..1, LOINC, e.g. `11488-4` Consult note.
    pub r#type: CodeableConcept,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encounter: Option<Reference>,
    /// 1..1, dateTime: when the note was last edited.
    #[serde(deserialize_with = "de::date_time")]
    pub date: String,
    /// 1..*
    pub author: Vec<Reference>,
    /// 1..1
    pub title: String,
    #[serde(
        default,
        deserialize_with = "de::opt_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub confidentiality: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attester: Vec<CompositionAttester>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custodian: Option<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relates_to: Vec<CompositionRelatesTo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub section: Vec<CompositionSection>,
}

impl Composition {
    /// A composition with its required elements.
    pub fn new(
        status: CompositionStatus,
        r#type: CodeableConcept,
        date: String,
        author: Vec<Reference>,
        title: String,
    ) -> Self {
        Composition {
            resource_type: ResourceType::new(),
            id: None,
            meta: None,
            implicit_rules: None,
            language: None,
            text: None,
            contained: Vec::new(),
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            identifier: None,
            status,
            r#type,
            category: Vec::new(),
            subject: None,
            encounter: None,
            date,
            author,
            title,
            confidentiality: None,
            attester: Vec::new(),
            custodian: None,
            relates_to: Vec::new(),
            section: Vec::new(),
        }
    }
}

fhir_resource!(Composition);

/// Composition.attester: who attested the note (the signing doctor), and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompositionAttester {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub mode: CompositionAttestationMode,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<Reference>,
}

/// Composition.relatesTo: the version an amendment replaces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompositionRelatesTo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub code: DocumentRelationshipType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_reference: Option<Reference>,
}

/// Composition.section: one part of the note.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompositionSection {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// LOINC section code where one exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub author: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Narrative>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub empty_reason: Option<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub section: Vec<CompositionSection>,
}
