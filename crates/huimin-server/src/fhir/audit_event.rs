//! The audit trail as FHIR `AuditEvent`, for administrators.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::{AuditRecord, instant_text};
use serde_json::{Value, json};

use super::http::{Page, base_url, fhir_response};
use super::params::{DEFAULT_COUNT, MAX_COUNT};
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

async fn require_admin(state: &AppState, ctx: &Ctx, resource: &str) -> Result<(), ApiError> {
    let caller = ctx.require()?;
    if caller.role != Role::Admin {
        audit::record(state, ctx, "read", resource, DENIED, "role not allowed").await?;
        return Err(ApiError::forbidden());
    }
    Ok(())
}

pub async fn read(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let reference = format!("AuditEvent/{id}");
    require_admin(&state, &ctx, &reference).await?;
    let not_found = || ApiError::not_found(&reference);
    let seq: i64 = id.parse().map_err(|_| not_found())?;
    let record = state.store.audit_record(seq).await?.ok_or_else(not_found)?;
    audit::record(&state, &ctx, "read", &reference, SUCCESS, "").await?;
    Ok(fhir_response(StatusCode::OK, &to_fhir(&record)))
}

pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    require_admin(&state, &ctx, "AuditEvent").await?;
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let (mut agent, mut entity, mut count, mut offset) = (None, None, DEFAULT_COUNT, 0u32);
    let mut filters = Vec::new();
    for (key, value) in &pairs {
        let bad_number = || {
            ApiError::bad_request(Text::new(
                format!("{key} 须为非负整数"),
                format!("{key} must be a whole number"),
            ))
        };
        match key.as_str() {
            "agent" => {
                agent = Some(value.clone());
                filters.push((key.clone(), value.clone()));
            }
            "entity" => {
                entity = Some(value.clone());
                filters.push((key.clone(), value.clone()));
            }
            "_count" => {
                count = value
                    .parse::<u32>()
                    .map_err(|_| bad_number())?
                    .min(MAX_COUNT)
            }
            "_offset" => offset = value.parse().map_err(|_| bad_number())?,
            "lang" => {}
            other => {
                return Err(ApiError::bad_request(Text::new(
                    format!(
                        "AuditEvent 不支持搜索参数 {other}；支持：agent, entity, _count, _offset"
                    ),
                    format!(
                        "AuditEvent has no search parameter {other}; supported: agent, entity, _count, _offset"
                    ),
                )));
            }
        }
    }
    let page = state
        .store
        .audit_page(agent.as_deref(), entity.as_deref(), count, offset)
        .await?;
    audit::record(
        &state,
        &ctx,
        "search",
        "AuditEvent",
        SUCCESS,
        &format!("{} results", page.total),
    )
    .await?;
    let base = base_url(&headers);
    let links = Page {
        base: &base,
        resource_type: "AuditEvent",
        filters: &filters,
        count,
        offset,
        total: page.total,
    };
    let resources = page
        .records
        .iter()
        .map(|r| (r.facts.seq.to_string(), to_fhir(r)))
        .collect();
    Ok(fhir_response(StatusCode::OK, &links.bundle(resources)))
}

fn action_code(action: &str) -> &'static str {
    match action {
        "create" => "C",
        "read" | "vread" | "search" => "R",
        "update" => "U",
        "delete" => "D",
        _ => "E",
    }
}

fn outcome_code(outcome: &str) -> &'static str {
    match outcome {
        // A flag records a suspicion about an operation that itself succeeded.
        "success" | "flagged" => "0",
        "denied" | "not-found" => "4",
        _ => "8",
    }
}

pub fn to_fhir(record: &AuditRecord) -> Value {
    let f = &record.facts;
    let mut entity = json!({
        "detail": [
            {"type": "seq", "valueString": f.seq.to_string()},
            {"type": "hash", "valueString": record.hash},
        ],
    });
    if !f.detail.is_empty() {
        entity["description"] = json!(f.detail);
    }
    if f.resource.contains('/') && !f.resource.contains('?') {
        entity["what"] = json!({"reference": f.resource});
    } else {
        entity["name"] = json!(f.resource);
    }
    let subtype = if f.action == "login" {
        json!({"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110122", "display": "Login"})
    } else {
        json!({"system": "http://hl7.org/fhir/restful-interaction", "code": f.action})
    };
    json!({
        "resourceType": "AuditEvent",
        "id": f.seq.to_string(),
        "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest", "display": "RESTful Operation"},
        "subtype": [subtype],
        "action": action_code(&f.action),
        "recorded": instant_text(f.recorded_at_micros),
        "outcome": outcome_code(&f.outcome),
        "outcomeDesc": f.outcome,
        "agent": [{
            "who": {"display": f.actor},
            "role": [{"text": f.role}],
            "requestor": true,
            "network": {"address": f.source_ip, "type": "2"},
        }],
        "source": {"observer": {"display": "Huimin"}},
        "entity": [entity],
    })
}
