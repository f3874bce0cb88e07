//! Bundle (R4): search results, history and batch/transaction containers.
//! Entry resources are kept as JSON so a bundle can mix resource types.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use crate::primitives::de;
use crate::{Extension, Identifier, Meta, Signature};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/bundle-type
    BundleType {
        Document = "document",
        Message = "message",
        Transaction = "transaction",
        TransactionResponse = "transaction-response",
        Batch = "batch",
        BatchResponse = "batch-response",
        History = "history",
        Searchset = "searchset",
        Collection = "collection",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/search-entry-mode
    SearchEntryMode {
        Match = "match",
        Include = "include",
        Outcome = "outcome",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/http-verb
    HttpVerb {
        Get = "GET",
        Head = "HEAD",
        Post = "POST",
        Put = "PUT",
        Delete = "DELETE",
        Patch = "PATCH",
    }
);

/// Bundle is a Resource, not a DomainResource: no text, contained or
/// extensions at its root.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Bundle {
    pub resource_type: ResourceType<Bundle>,
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
    pub identifier: Option<Identifier>,
    /// 1..1
    pub r#type: BundleType,
    #[serde(
        default,
        deserialize_with = "de::opt_instant",
        skip_serializing_if = "Option::is_none"
    )]
    pub timestamp: Option<String>,
    /// unsignedInt; only for searchset/history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub link: Vec<BundleLink>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry: Vec<BundleEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

impl Bundle {
    /// An empty bundle of the given type.
    pub fn new(r#type: BundleType) -> Self {
        Bundle {
            resource_type: ResourceType::new(),
            id: None,
            meta: None,
            implicit_rules: None,
            language: None,
            identifier: None,
            r#type,
            timestamp: None,
            total: None,
            link: Vec::new(),
            entry: Vec::new(),
            signature: None,
        }
    }

    /// A search result page. `total` is the number of matches across all
    /// pages (saturated to `u32`, the range of FHIR's unsignedInt).
    pub fn searchset(total: u64, entries: Vec<BundleEntry>, links: Vec<BundleLink>) -> Self {
        Bundle {
            total: Some(u32::try_from(total).unwrap_or(u32::MAX)),
            entry: entries,
            link: links,
            ..Self::new(BundleType::Searchset)
        }
    }
}

fhir_resource!(Bundle);

/// Bundle.link, e.g. relation `self` / `next` / `previous`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BundleLink {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub relation: String,
    /// 1..1
    pub url: String,
}

impl BundleLink {
    pub fn new(relation: impl Into<String>, url: impl Into<String>) -> Self {
        BundleLink {
            relation: relation.into(),
            url: url.into(),
            ..Default::default()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BundleEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub link: Vec<BundleLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_url: Option<String>,
    /// Any resource, as JSON (serialise a typed resource with `serde_json::to_value`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<BundleEntrySearch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<BundleEntryRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<BundleEntryResponse>,
}

impl BundleEntry {
    /// A searchset `match` entry.
    pub fn matched(full_url: String, resource: Value) -> Self {
        BundleEntry {
            full_url: Some(full_url),
            resource: Some(resource),
            search: Some(BundleEntrySearch {
                mode: Some(SearchEntryMode::Match),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BundleEntrySearch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<SearchEntryMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<crate::Decimal>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BundleEntryRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    pub method: HttpVerb,
    /// 1..1
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub if_none_match: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_instant",
        skip_serializing_if = "Option::is_none"
    )]
    pub if_modified_since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub if_match: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub if_none_exist: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BundleEntryResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1: HTTP status code and optional phrase, e.g. `201 Created`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_instant",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_modified: Option<String>,
    /// An OperationOutcome, as JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Value>,
}
