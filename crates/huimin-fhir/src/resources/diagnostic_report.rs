//! DiagnosticReport (R4): a laboratory panel's results (`result`: Observations) or an imaging
//! or examination report (`conclusion`), based on the order (`basedOn`: ServiceRequest).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use crate::primitives::de;
use crate::{
    Attachment, CodeableConcept, Extension, Identifier, Meta, Narrative, Period, Reference,
};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/diagnostic-report-status
    DiagnosticReportStatus {
        Registered = "registered",
        Partial = "partial",
        Preliminary = "preliminary",
        Final = "final",
        Amended = "amended",
        Corrected = "corrected",
        Appended = "appended",
        Cancelled = "cancelled",
        EnteredInError = "entered-in-error",
        Unknown = "unknown",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiagnosticReport {
    pub resource_type: ResourceType<DiagnosticReport>,
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
    pub status: DiagnosticReportStatus,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results_interpreter: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub specimen: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conclusion: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conclusion_code: Vec<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub presented_form: Vec<Attachment>,
}

impl DiagnosticReport {
    pub fn new(status: DiagnosticReportStatus, code: CodeableConcept) -> Self {
        DiagnosticReport {
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
            status,
            category: Vec::new(),
            code,
            subject: None,
            encounter: None,
            effective_date_time: None,
            effective_period: None,
            issued: None,
            performer: Vec::new(),
            results_interpreter: Vec::new(),
            specimen: Vec::new(),
            result: Vec::new(),
            conclusion: None,
            conclusion_code: Vec::new(),
            presented_form: Vec::new(),
        }
    }
}

fhir_resource!(DiagnosticReport);
