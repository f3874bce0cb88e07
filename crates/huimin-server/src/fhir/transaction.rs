//! `POST /fhir` with a `transaction` Bundle: resources created together, all or none (a
//! `batch` Bundle is answered entry by entry, `batch.rs`).
//!
//! What the administration pages need (a doctor and their post in one step, so a refused post
//! leaves no doctor behind) and what integrators expect of a FHIR server. Supported: `POST`
//! entries of the registry's kinds, each checked as a single create is, with `urn:uuid:`
//! `fullUrl`s that other entries reference (rewritten to the new `Type/id`), and
//! `request.ifNoneExist` (a conditional create: an entry whose condition matches one existing
//! resource creates nothing, and references to its `fullUrl` point at that resource). Other
//! methods and patients' own family records (which have their own limit) are refused.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::ResourceWrite;
use serde_json::{Value, json};
use std::collections::HashMap;

use super::access::{Op, authorize};
use super::conditional::Found;
use super::handlers::{audit_if_personal, kind_of, new_resource};
use super::http::{check_accept, fhir_response, require_json};
use super::kinds::KindSpec;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, json_body};
use crate::state::AppState;

/// The most entries one transaction may carry.
pub const MAX_ENTRIES: usize = 100;

fn invalid(expression: String, zh: String, en: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid", Text::new(zh, en)).at(expression)
}

/// Points an entry's issues at the entry: `Practitioner.name[0]` → `Bundle.entry[2].resource.name[0]`.
pub(super) fn within_entry(mut error: ApiError, index: usize, kind: &str) -> ApiError {
    for issue in &mut error.issues {
        let inner = issue
            .expression
            .as_deref()
            .map(|e| e.strip_prefix(kind).unwrap_or(e).trim_start_matches('.'))
            .filter(|e| !e.is_empty())
            .map(|e| format!(".{e}"))
            .unwrap_or_default();
        issue.expression = Some(format!("Bundle.entry[{index}].resource{inner}"));
    }
    error
}

/// Replaces every `reference` equal to a key of `ids` (an entry's `urn:uuid:` fullUrl).
fn resolve_references(value: &mut Value, ids: &HashMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if key == "reference"
                    && let Some(new) = item.as_str().and_then(|r| ids.get(r))
                {
                    *item = Value::String(new.clone());
                } else {
                    resolve_references(item, ids);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| resolve_references(v, ids)),
        _ => {}
    }
}

/// The first `urn:uuid:` reference left in the value (one no entry of the Bundle answers).
pub(super) fn unresolved(value: &Value) -> Option<&str> {
    match value {
        Value::Object(map) => map.iter().find_map(|(key, item)| match item {
            Value::String(r) if key == "reference" && r.starts_with("urn:uuid:") => {
                Some(r.as_str())
            }
            other => unresolved(other),
        }),
        Value::Array(items) => items.iter().find_map(unresolved),
        _ => None,
    }
}

/// The kind an entry of a transaction or batch creates: a `POST` whose `request.url` is the
/// resource's type, one of the registry's kinds.
pub(super) fn create_entry_kind(i: usize, item: &Value) -> Result<&'static KindSpec, ApiError> {
    if item["request"]["method"] != "POST" {
        return Err(invalid(
            format!("Bundle.entry[{i}].request.method"),
            format!("第 {} 个条目：仅支持 POST（新建）", i + 1),
            format!("Entry {}: only POST (create) is supported", i + 1),
        ));
    }
    let name = item["resource"]["resourceType"]
        .as_str()
        .unwrap_or_default();
    let url = item["request"]["url"].as_str().unwrap_or_default();
    if url.trim_matches('/') != name {
        return Err(invalid(
            format!("Bundle.entry[{i}].request.url"),
            format!("第 {} 个条目：request.url 须为资源类型 {name}", i + 1),
            format!(
                "Entry {}: request.url must be the resource type {name}",
                i + 1
            ),
        ));
    }
    kind_of(name).map_err(|_| {
        invalid(
            format!("Bundle.entry[{i}].resource.resourceType"),
            format!("第 {} 个条目：不支持的资源类型 {name}", i + 1),
            format!("Entry {}: resource type {name} is not supported", i + 1),
        )
    })
}

/// One entry, checked: its kind, new id and resource (references not yet resolved).
struct Entry {
    kind: &'static KindSpec,
    id: String,
    resource: Value,
    /// `request.ifNoneExist`, the search that finds it already there.
    condition: Option<String>,
    /// What that condition found: this entry creates nothing.
    existing: Option<huimin_store::StoredResource>,
}

fn entries(bundle: &Value) -> Result<(Vec<Entry>, HashMap<String, String>), ApiError> {
    if bundle["resourceType"] != "Bundle" {
        return Err(invalid(
            "resourceType".into(),
            "请求体须为 Bundle".into(),
            "The body must be a Bundle".into(),
        ));
    }
    if bundle["type"] != "transaction" {
        return Err(invalid(
            "Bundle.type".into(),
            "仅支持 transaction 和 batch 类型的 Bundle".into(),
            "Only transaction and batch Bundles are supported".into(),
        ));
    }
    let items = bundle["entry"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    if items.is_empty() || items.len() > MAX_ENTRIES {
        return Err(invalid(
            "Bundle.entry".into(),
            format!("Bundle 须含 1 至 {MAX_ENTRIES} 个条目"),
            format!("A transaction holds 1 to {MAX_ENTRIES} entries"),
        ));
    }
    let mut checked = Vec::with_capacity(items.len());
    let mut ids = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let kind = create_entry_kind(i, item)?;
        let id = uuid::Uuid::new_v4().to_string();
        if let Some(full_url) = item["fullUrl"]
            .as_str()
            .filter(|u| u.starts_with("urn:uuid:"))
            && ids
                .insert(full_url.to_owned(), format!("{}/{id}", kind.name))
                .is_some()
        {
            return Err(invalid(
                format!("Bundle.entry[{i}].fullUrl"),
                format!("第 {} 个条目：fullUrl {full_url} 与前面的条目重复", i + 1),
                format!(
                    "Entry {}: fullUrl {full_url} is used by an earlier entry",
                    i + 1
                ),
            ));
        }
        checked.push(Entry {
            kind,
            id,
            resource: item["resource"].clone(),
            condition: item["request"]["ifNoneExist"].as_str().map(str::to_owned),
            existing: None,
        });
    }
    Ok((checked, ids))
}

pub async fn transaction(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_accept(&headers)?;
    let caller = ctx.require()?;
    if caller.role == Role::Patient {
        // A patient's records go through their account's family rules, one at a time.
        let detail = "transactions are for staff";
        audit::record(&state, &ctx, "create", "Bundle", DENIED, detail).await?;
        return Err(ApiError::forbidden());
    }
    require_json(&headers)?;
    if crate::recognition::import::is_external_bundle(&body) {
        return crate::recognition::import::import(&state, &ctx, &body).await;
    }
    if crate::results::import::is_results_bundle(&body) {
        return crate::results::import::import(&state, &ctx, &body).await;
    }
    let bundle: Value = json_body(&body)?;
    if bundle["resourceType"] == "Bundle" && bundle["type"] == "batch" {
        return super::batch::batch(&state, &ctx, &bundle).await;
    }
    let (mut entries, mut ids) = entries(&bundle)?;
    for entry in &entries {
        if let Err(denied) = authorize(entry.kind, Op::Create, &ctx) {
            let detail = "role not allowed (transaction)";
            audit_if_personal(
                &state,
                &ctx,
                entry.kind,
                "create",
                entry.kind.name,
                DENIED,
                detail,
            )
            .await?;
            return Err(denied);
        }
    }
    // Conditional creates first: an entry found already there is answered by what exists, and
    // the other entries' references to it point there.
    for (i, entry) in entries.iter_mut().enumerate() {
        let Some(condition) = entry.condition.clone() else {
            continue;
        };
        let field = format!("Bundle.entry[{i}].request.ifNoneExist");
        match super::conditional::find(&state, &ctx, entry.kind, &condition, &field).await? {
            Found::Nothing => {}
            Found::One(existing) => {
                let new_reference = format!("{}/{}", entry.kind.name, entry.id);
                for target in ids.values_mut() {
                    if *target == new_reference {
                        *target = format!("{}/{}", entry.kind.name, existing.id);
                    }
                }
                entry.id = existing.id.clone();
                entry.existing = Some(*existing);
            }
            Found::Several => return Err(super::conditional::several(entry.kind, &field)),
        }
    }
    let today = state.clock.today();
    let mut indexes = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter_mut().enumerate() {
        let name = entry.kind.name;
        if entry.existing.is_some() {
            indexes.push((Vec::new(), Vec::new()));
            continue;
        }
        resolve_references(&mut entry.resource, &ids);
        if let Some(reference) = unresolved(&entry.resource) {
            return Err(invalid(
                format!("Bundle.entry[{i}].resource"),
                format!("第 {} 个条目引用的 {reference} 不在本 Bundle 中", i + 1),
                format!(
                    "Entry {} refers to {reference}, which is not in this Bundle",
                    i + 1
                ),
            ));
        }
        let bytes = serde_json::to_vec(&entry.resource).map_err(|_| ApiError::internal())?;
        let resource = new_resource(entry.kind, &bytes, &entry.id, today)
            .map_err(|e| within_entry(e, i, name))?;
        indexes.push(entry.kind.index(&resource));
        entry.resource = resource;
    }
    let writes: Vec<ResourceWrite<'_>> = entries
        .iter()
        .zip(&indexes)
        .filter(|(entry, _)| entry.existing.is_none())
        .map(|(entry, (index, unique))| ResourceWrite {
            resource_type: entry.kind.name,
            id: &entry.id,
            content: &entry.resource,
            index,
            unique,
            sealed: entry.kind.sealed,
        })
        .collect();
    // Each entry's audit record is written in the same database transaction.
    let audits: Vec<_> = entries
        .iter()
        .filter(|entry| entry.existing.is_none())
        .map(|entry| {
            let resource = format!("{}/{}", entry.kind.name, entry.id);
            audit::new_record(&ctx, "create", &resource, SUCCESS, "transaction")
        })
        .collect();
    let mut stored = state
        .store
        .create_resources(&writes, &audits)
        .await?
        .into_iter();
    let mut answers = Vec::with_capacity(entries.len());
    for entry in &entries {
        let (status, stored) = match &entry.existing {
            Some(existing) => ("200 OK", existing.clone()),
            None => ("201 Created", stored.next().ok_or_else(ApiError::internal)?),
        };
        let location = format!(
            "{}/{}/_history/{}",
            entry.kind.name, entry.id, stored.version_id
        );
        let modified = jiff::Timestamp::from_microsecond(stored.last_updated_micros)
            .map(|t| t.to_string())
            .unwrap_or_default();
        answers.push(json!({"response": {
            "status": status,
            "location": location,
            "etag": format!("W/\"{}\"", stored.version_id),
            "lastModified": modified,
        }}));
    }
    Ok(fhir_response(
        StatusCode::OK,
        &json!({"resourceType": "Bundle", "type": "transaction-response", "entry": answers}),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_to_an_entrys_full_url_become_its_new_id() {
        let ids = HashMap::from([("urn:uuid:1".to_owned(), "Practitioner/abc".to_owned())]);
        let mut role = json!({"resourceType": "PractitionerRole",
            "practitioner": {"reference": "urn:uuid:1", "display": "urn:uuid:1"},
            "location": [{"reference": "Location/x"}]});
        resolve_references(&mut role, &ids);
        assert_eq!(role["practitioner"]["reference"], "Practitioner/abc");
        assert_eq!(
            role["practitioner"]["display"], "urn:uuid:1",
            "only references"
        );
        assert_eq!(role["location"][0]["reference"], "Location/x");
        assert_eq!(unresolved(&role), None);
        let dangling = json!({"a": [{"b": {"reference": "urn:uuid:2"}}]});
        assert_eq!(unresolved(&dangling), Some("urn:uuid:2"));
    }
}
