//! ServiceRequest (R4): an order 检查检验医嘱 for a lab test, imaging or an exam, from the
//! orderable catalogue. The step of Huimin's closed loop (paid, collected…) travels in the
//! extension `urn:huimin:ext:order-step` ([`crate::names::ORDER_STEP_EXT`]); `status` is the
//! FHIR one (`active`, `completed`, `revoked`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use crate::primitives::de;
use crate::{CodeableConcept, Extension, Identifier, Meta, Narrative, Reference};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/request-status
    RequestStatus {
        Draft = "draft",
        Active = "active",
        OnHold = "on-hold",
        Revoked = "revoked",
        Completed = "completed",
        EnteredInError = "entered-in-error",
        Unknown = "unknown",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/request-intent
    RequestIntent {
        Proposal = "proposal",
        Plan = "plan",
        Directive = "directive",
        Order = "order",
        OriginalOrder = "original-order",
        ReflexOrder = "reflex-order",
        FillerOrder = "filler-order",
        InstanceOrder = "instance-order",
        Option = "option",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/request-priority
    RequestPriority {
        Routine = "routine",
        Urgent = "urgent",
        Asap = "asap",
        Stat = "stat",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceRequest {
    pub resource_type: ResourceType<ServiceRequest>,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub based_on: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<Reference>,
    /// 1..1
    pub status: RequestStatus,
    /// 1..1
    pub intent: RequestIntent,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<RequestPriority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub do_not_perform: Option<bool>,
    /// What is ordered: the catalogue's code (and LOINC where mapped).
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
    pub occurrence_date_time: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub authored_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester: Option<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub performer: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub specimen: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supporting_info: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient_instruction: Option<String>,
}

impl ServiceRequest {
    /// A request with its required elements.
    pub fn new(status: RequestStatus, intent: RequestIntent, subject: Reference) -> Self {
        ServiceRequest {
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
            replaces: Vec::new(),
            status,
            intent,
            category: Vec::new(),
            priority: None,
            do_not_perform: None,
            code: None,
            subject,
            encounter: None,
            occurrence_date_time: None,
            authored_on: None,
            requester: None,
            performer: Vec::new(),
            specimen: Vec::new(),
            supporting_info: Vec::new(),
            patient_instruction: None,
        }
    }
}

fhir_resource!(ServiceRequest);
