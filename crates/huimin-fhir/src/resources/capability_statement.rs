//! CapabilityStatement (R4): what `GET /metadata` returns. Covers what a
//! server statement needs; `useContext`, `messaging` and `document` are not
//! modelled (and so rejected when parsing).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use crate::primitives::de;
use crate::{
    CodeableConcept, ContactDetail, Extension, Meta, Narrative, PublicationStatus, Reference,
};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/capability-statement-kind
    CapabilityStatementKind {
        Instance = "instance",
        Capability = "capability",
        Requirements = "requirements",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/restful-capability-mode
    RestfulCapabilityMode {
        Client = "client",
        Server = "server",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/type-restful-interaction
    TypeRestfulInteraction {
        Read = "read",
        Vread = "vread",
        Update = "update",
        Patch = "patch",
        Delete = "delete",
        HistoryInstance = "history-instance",
        HistoryType = "history-type",
        Create = "create",
        SearchType = "search-type",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/system-restful-interaction
    SystemRestfulInteraction {
        Transaction = "transaction",
        Batch = "batch",
        SearchSystem = "search-system",
        HistorySystem = "history-system",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/versioning-policy
    ResourceVersionPolicy {
        NoVersion = "no-version",
        Versioned = "versioned",
        VersionedUpdate = "versioned-update",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/conditional-read-status
    ConditionalReadStatus {
        NotSupported = "not-supported",
        ModifiedSince = "modified-since",
        NotMatch = "not-match",
        FullSupport = "full-support",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/conditional-delete-status
    ConditionalDeleteStatus {
        NotSupported = "not-supported",
        Single = "single",
        Multiple = "multiple",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/reference-handling-policy
    ReferenceHandlingPolicy {
        Literal = "literal",
        Logical = "logical",
        Resolves = "resolves",
        Enforced = "enforced",
        Local = "local",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/search-param-type
    SearchParamType {
        Number = "number",
        Date = "date",
        String = "string",
        Token = "token",
        Reference = "reference",
        Composite = "composite",
        Quantity = "quantity",
        Uri = "uri",
        Special = "special",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapabilityStatement {
    pub resource_type: ResourceType<CapabilityStatement>,
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
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// 1..1
    pub status: PublicationStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experimental: Option<bool>,
    /// 1..1, dateTime
    #[serde(deserialize_with = "de::date_time")]
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contact: Vec<ContactDetail>,
    /// markdown
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jurisdiction: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copyright: Option<String>,
    /// 1..1
    pub kind: CapabilityStatementKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instantiates: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software: Option<CapabilityStatementSoftware>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implementation: Option<CapabilityStatementImplementation>,
    /// 1..1, e.g. [`crate::FHIR_VERSION`].
    #[serde(deserialize_with = "de::code")]
    pub fhir_version: String,
    /// 1..*: mime types or `json` / `xml`.
    #[serde(
        default,
        deserialize_with = "de::vec_code",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub format: Vec<String>,
    #[serde(
        default,
        deserialize_with = "de::vec_code",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub patch_format: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implementation_guide: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rest: Vec<CapabilityStatementRest>,
}

impl CapabilityStatement {
    /// A statement with its required elements; `fhirVersion` is 4.0.1.
    pub fn new(
        status: PublicationStatus,
        date: String,
        kind: CapabilityStatementKind,
        format: Vec<String>,
    ) -> Self {
        CapabilityStatement {
            resource_type: ResourceType::new(),
            id: None,
            meta: None,
            implicit_rules: None,
            language: None,
            text: None,
            contained: Vec::new(),
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            url: None,
            version: None,
            name: None,
            title: None,
            status,
            experimental: None,
            date,
            publisher: None,
            contact: Vec::new(),
            description: None,
            jurisdiction: Vec::new(),
            purpose: None,
            copyright: None,
            kind,
            instantiates: Vec::new(),
            imports: Vec::new(),
            software: None,
            implementation: None,
            fhir_version: crate::FHIR_VERSION.to_owned(),
            format,
            patch_format: Vec::new(),
            implementation_guide: Vec::new(),
            rest: Vec::new(),
        }
    }
}

fhir_resource!(CapabilityStatement);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapabilityStatementSoftware {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub release_date: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapabilityStatementImplementation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custodian: Option<Reference>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapabilityStatementRest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub mode: RestfulCapabilityMode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security: Option<CapabilityStatementSecurity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource: Vec<CapabilityStatementResource>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interaction: Vec<CapabilityStatementSystemInteraction>,
    /// Search parameters for searching all resources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search_param: Vec<CapabilityStatementSearchParam>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operation: Vec<CapabilityStatementOperation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compartment: Vec<String>,
}

/// CapabilityStatement.rest.security; SMART on FHIR URIs go in `extension`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapabilityStatementSecurity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cors: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapabilityStatementResource {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1 resource type, e.g. `Patient`.
    #[serde(deserialize_with = "de::code")]
    pub r#type: String,
    /// canonical(StructureDefinition)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supported_profile: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interaction: Vec<CapabilityStatementInteraction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versioning: Option<ResourceVersionPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_history: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_create: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional_create: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional_read: Option<ConditionalReadStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional_update: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional_delete: Option<ConditionalDeleteStatus>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reference_policy: Vec<ReferenceHandlingPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search_include: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search_rev_include: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search_param: Vec<CapabilityStatementSearchParam>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operation: Vec<CapabilityStatementOperation>,
}

/// CapabilityStatement.rest.resource.interaction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapabilityStatementInteraction {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub code: TypeRestfulInteraction,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation: Option<String>,
}

impl CapabilityStatementInteraction {
    pub fn new(code: TypeRestfulInteraction) -> Self {
        CapabilityStatementInteraction {
            id: None,
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            code,
            documentation: None,
        }
    }
}

/// CapabilityStatement.rest.interaction (whole-system interactions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapabilityStatementSystemInteraction {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub code: SystemRestfulInteraction,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapabilityStatementSearchParam {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub name: String,
    /// canonical(SearchParameter)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// 1..1
    pub r#type: SearchParamType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation: Option<String>,
}

impl CapabilityStatementSearchParam {
    pub fn new(name: impl Into<String>, r#type: SearchParamType) -> Self {
        CapabilityStatementSearchParam {
            id: None,
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            name: name.into(),
            definition: None,
            r#type,
            documentation: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapabilityStatementOperation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub name: String,
    /// 1..1 canonical(OperationDefinition)
    pub definition: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation: Option<String>,
}
