//! OperationOutcome (R4): errors and warnings returned by the API.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use crate::primitives::de;
use crate::{CodeableConcept, Extension, Meta, Narrative};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/issue-severity
    IssueSeverity {
        Fatal = "fatal",
        Error = "error",
        Warning = "warning",
        Information = "information",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/issue-type
    IssueType {
        Invalid = "invalid",
        Structure = "structure",
        Required = "required",
        Value = "value",
        Invariant = "invariant",
        Security = "security",
        Login = "login",
        Unknown = "unknown",
        Expired = "expired",
        Forbidden = "forbidden",
        Suppressed = "suppressed",
        Processing = "processing",
        NotSupported = "not-supported",
        Duplicate = "duplicate",
        MultipleMatches = "multiple-matches",
        NotFound = "not-found",
        Deleted = "deleted",
        TooLong = "too-long",
        CodeInvalid = "code-invalid",
        Extension = "extension",
        TooCostly = "too-costly",
        BusinessRule = "business-rule",
        Conflict = "conflict",
        Transient = "transient",
        LockError = "lock-error",
        NoStore = "no-store",
        Exception = "exception",
        Timeout = "timeout",
        Incomplete = "incomplete",
        Throttled = "throttled",
        Informational = "informational",
    }
);

/// No `Default`: R4 requires at least one issue (use [`OperationOutcome::single`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OperationOutcome {
    pub resource_type: ResourceType<OperationOutcome>,
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
    /// 1..*: always written (the schema requires it), never defaulted.
    pub issue: Vec<OperationOutcomeIssue>,
}

impl OperationOutcome {
    /// An outcome with the given issues.
    pub fn new(issue: Vec<OperationOutcomeIssue>) -> Self {
        OperationOutcome {
            resource_type: ResourceType::new(),
            id: None,
            meta: None,
            implicit_rules: None,
            language: None,
            text: None,
            contained: Vec::new(),
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            issue,
        }
    }

    /// One issue, with `text` both in `details.text` (for people) and in
    /// `diagnostics` (for logs/tools that read only that), and `expression`
    /// the FHIRPath of the offending element, if any.
    pub fn single(
        severity: IssueSeverity,
        code: IssueType,
        text: String,
        expression: Option<String>,
    ) -> Self {
        Self::new(vec![OperationOutcomeIssue {
            details: Some(CodeableConcept::text(text.clone())),
            diagnostics: Some(text),
            expression: expression.into_iter().collect(),
            ..OperationOutcomeIssue::new(severity, code)
        }])
    }
}

fhir_resource!(OperationOutcome);

/// OperationOutcome.issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OperationOutcomeIssue {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    pub severity: IssueSeverity,
    pub code: IssueType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<String>,
    /// Deprecated in R4 (XPath); prefer `expression`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub location: Vec<String>,
    /// FHIRPath of the element(s) concerned, e.g. `Patient.birthDate`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expression: Vec<String>,
}

impl OperationOutcomeIssue {
    pub fn new(severity: IssueSeverity, code: IssueType) -> Self {
        OperationOutcomeIssue {
            id: None,
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            severity,
            code,
            details: None,
            diagnostics: None,
            location: Vec::new(),
            expression: Vec::new(),
        }
    }
}
