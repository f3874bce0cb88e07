//! `POST /fhir` with a `batch` Bundle: each entry a create of its own, answered in its own
//! `response` (a refusal as its `outcome`), so one bad entry does not stop the others — unlike a
//! `transaction`, which is all or none. Entries may not refer to each other (`urn:uuid:`
//! references are for transactions); `request.ifNoneExist` makes an entry a conditional create.

use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::i18n::Text;
use serde_json::{Value, json};

use super::access::{Op, authorize};
use super::conditional::{self, Found};
use super::handlers::{audit_if_personal, store_new};
use super::http::fhir_response;
use super::transaction::{MAX_ENTRIES, create_entry_kind, unresolved};
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

fn invalid(field: String, zh: String, en: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid", Text::new(zh, en)).at(field)
}

/// Answers a `batch` Bundle.
pub async fn batch(state: &AppState, ctx: &Ctx, bundle: &Value) -> Result<Response, ApiError> {
    let items = bundle["entry"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    if items.is_empty() || items.len() > MAX_ENTRIES {
        return Err(invalid(
            "Bundle.entry".into(),
            format!("Bundle 须含 1 至 {MAX_ENTRIES} 个条目"),
            format!("A batch holds 1 to {MAX_ENTRIES} entries"),
        ));
    }
    let mut answers = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let answer = match entry(state, ctx, i, item).await {
            Ok(answer) => answer,
            Err(refused) => json!({"response": {
                "status": status_line(refused.status),
                "outcome": refused.outcome_value(ctx.lang),
            }}),
        };
        answers.push(answer);
    }
    Ok(fhir_response(
        StatusCode::OK,
        &json!({"resourceType": "Bundle", "type": "batch-response", "entry": answers}),
    ))
}

fn status_line(status: StatusCode) -> String {
    format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or_default()
    )
}

fn created(kind: &str, id: &str, stored: &huimin_store::StoredResource, status: &str) -> Value {
    let modified = jiff::Timestamp::from_microsecond(stored.last_updated_micros)
        .map(|t| t.to_string())
        .unwrap_or_default();
    json!({"response": {
        "status": status,
        "location": format!("{kind}/{id}/_history/{}", stored.version_id),
        "etag": format!("W/\"{}\"", stored.version_id),
        "lastModified": modified,
    }})
}

/// One entry: its check, its condition and its create.
async fn entry(state: &AppState, ctx: &Ctx, i: usize, item: &Value) -> Result<Value, ApiError> {
    let at = |field: &str| format!("Bundle.entry[{i}].{field}");
    let kind = create_entry_kind(i, item)?;
    if let Some(reference) = unresolved(&item["resource"]) {
        return Err(invalid(
            at("resource"),
            format!(
                "第 {} 个条目引用了 {reference}：批处理的条目不能相互引用，请改用 transaction",
                i + 1
            ),
            format!(
                "Entry {} refers to {reference}: batch entries cannot refer to each other (use a transaction)",
                i + 1
            ),
        ));
    }
    if let Err(denied) = authorize(kind, Op::Create, ctx) {
        let detail = "role not allowed (batch)";
        audit_if_personal(state, ctx, kind, "create", kind.name, DENIED, detail).await?;
        return Err(denied);
    }
    if let Some(condition) = item["request"]["ifNoneExist"].as_str() {
        let field = at("request.ifNoneExist");
        match conditional::find(state, ctx, kind, condition, &field).await? {
            Found::Nothing => {}
            Found::One(existing) => {
                let reference = format!("{}/{}", kind.name, existing.id);
                let detail = "ifNoneExist matched: nothing created (batch)";
                audit::record(state, ctx, "read", &reference, SUCCESS, detail).await?;
                return Ok(created(kind.name, &existing.id, &existing, "200 OK"));
            }
            Found::Several => return Err(conditional::several(kind, &field)),
        }
    }
    let bytes = serde_json::to_vec(&item["resource"]).map_err(|_| ApiError::internal())?;
    let (id, stored) = store_new(state, ctx, kind, &bytes)
        .await
        .map_err(|e| super::transaction::within_entry(e, i, kind.name))?;
    Ok(created(kind.name, &id, &stored, "201 Created"))
}
