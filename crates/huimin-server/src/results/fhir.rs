//! Results at `/fhir`: `Observation` and `DiagnosticReport` reads and searches (`patient`,
//! `encounter`, `based-on`, `code`, `category`, `date`, `status`). Every read goes through
//! `records::access::authorize_read` (`Part::Results`) and is audited there; patients see
//! only their family's final reports, another family's are 404 like missing ones.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::results::ResultFilter;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::context::Ctx;
use crate::error::ApiError;
use crate::fhir::base_url;
use crate::records::access::{Part, authorize_read};
use crate::state::AppState;

/// A FHIR JSON answer from stored text (decimals as written).
pub fn fhir_text(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(crate::fhir::FHIR_JSON),
    );
    response
}

fn break_glass(params: &[(String, String)]) -> Option<&str> {
    params
        .iter()
        .find(|(k, _)| k == "break_glass")
        .map(|(_, v)| v.as_str())
}

fn is_patient(ctx: &Ctx) -> bool {
    ctx.caller.as_ref().is_some_and(|c| c.role == Role::Patient)
}

/// `GET /fhir/DiagnosticReport/{id}`.
pub async fn read_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let resource = format!("DiagnosticReport/{id}");
    let report = state
        .store
        .report(&id)
        .await?
        .filter(|r| r.status == "final" || !is_patient(&ctx))
        .ok_or_else(|| ApiError::not_found(&resource))?;
    authorize_read(
        &state,
        &ctx,
        &report.patient_id,
        Part::Results,
        &resource,
        break_glass(&params),
    )
    .await?;
    Ok(fhir_text(StatusCode::OK, report.content))
}

/// `GET /fhir/Observation/{id}`.
pub async fn read_observation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let resource = format!("Observation/{id}");
    let observation = state
        .store
        .observation(&id)
        .await?
        .filter(|o| o.status == "final" || !is_patient(&ctx))
        .ok_or_else(|| ApiError::not_found(&resource))?;
    authorize_read(
        &state,
        &ctx,
        &observation.patient_id,
        Part::Results,
        &resource,
        break_glass(&params),
    )
    .await?;
    Ok(fhir_text(StatusCode::OK, observation.content))
}

fn bad_param(name: &str, text: Text) -> ApiError {
    ApiError::bad_request(text).at(name.to_owned())
}

/// `date=ge2026-12-01` → bounds on the effective time (the hospital's days).
fn date_bounds(state: &AppState, value: &str, filter: &mut ResultFilter) -> Result<(), ApiError> {
    let (prefix, date) = match value.get(..2) {
        Some(p @ ("ge" | "le" | "eq" | "gt" | "lt")) => (p, &value[2..]),
        _ => ("eq", value),
    };
    let day: jiff::civil::Date = date.parse().map_err(|_| {
        bad_param(
            "date",
            Text::new(
                "日期格式应为 YYYY-MM-DD，可加前缀 ge/le",
                "Dates are YYYY-MM-DD, optionally prefixed ge/le",
            ),
        )
    })?;
    let start = |d: jiff::civil::Date| {
        state
            .clock
            .instant(d.at(0, 0, 0, 0))
            .map(|t| t.as_microsecond())
    };
    let from = start(day);
    let next = day.tomorrow().ok().and_then(start).map(|t| t - 1);
    match prefix {
        "ge" => filter.from = from,
        "gt" => filter.from = next.map(|t| t + 1),
        "le" => filter.to = next,
        "lt" => filter.to = from.map(|t| t - 1),
        _ => {
            filter.from = from;
            filter.to = next;
        }
    }
    Ok(())
}

/// The search's filter and the patients whose records it reads (each authorised and audited).
async fn filter_of(
    state: &AppState,
    ctx: &Ctx,
    params: &[(String, String)],
    kind: &str,
) -> Result<ResultFilter, ApiError> {
    let caller = ctx.require()?;
    let mut filter = ResultFilter {
        limit: 200,
        ..Default::default()
    };
    let mut patient = None;
    for (name, value) in params {
        match name.as_str() {
            "patient" | "subject" => {
                patient = Some(huimin_fhir::Reference::local_id("Patient", value).to_owned());
            }
            "encounter" => {
                filter.encounter =
                    Some(huimin_fhir::Reference::local_id("Encounter", value).to_owned());
            }
            "based-on" => {
                filter.order =
                    Some(huimin_fhir::Reference::local_id("ServiceRequest", value).to_owned());
            }
            "code" => {
                // `system|code` or a bare code: LOINC for Observation, the item for reports.
                let code = value.rsplit('|').next().unwrap_or(value);
                filter.code = Some(code.to_owned());
            }
            "category" => {
                let code = value.rsplit('|').next().unwrap_or(value);
                let category = match (kind, code) {
                    ("DiagnosticReport", "LAB") => "laboratory",
                    ("DiagnosticReport", "RAD") => "imaging",
                    ("DiagnosticReport", "EC") => "exam",
                    (_, other) => other,
                };
                filter.category = Some(category.to_owned());
            }
            "status" => filter.status = Some(value.clone()),
            "date" => date_bounds(state, value, &mut filter)?,
            "break_glass" | "_count" | "_format" => {}
            other => {
                return Err(bad_param(
                    other,
                    Text::new(
                        format!("不支持的查询参数：{other}"),
                        format!("Unsupported search parameter: {other}"),
                    ),
                ));
            }
        }
    }
    // Whose records: named, or found through the visit or the order, or the family's own.
    if patient.is_none()
        && let Some(e) = &filter.encounter
    {
        patient = state.store.encounter(e).await?.map(|e| e.patient_id);
        if patient.is_none() {
            filter.patients = Some(Vec::new());
        }
    }
    if patient.is_none()
        && filter.patients.is_none()
        && let Some(o) = &filter.order
    {
        patient = state.store.report_of_order(o).await?.map(|r| r.patient_id);
        if patient.is_none() {
            filter.patients = Some(Vec::new());
        }
    }
    let resource = format!("{kind}?search");
    match patient {
        Some(p) => {
            authorize_read(
                state,
                ctx,
                &p,
                Part::Results,
                &resource,
                break_glass(params),
            )
            .await?;
            filter.patients = Some(vec![p]);
        }
        None if filter.patients.is_some() => {}
        None if caller.role == Role::Patient => {
            for p in &caller.patient_ids {
                authorize_read(state, ctx, p, Part::Results, &resource, None).await?;
            }
            filter.patients = Some(caller.patient_ids.clone());
        }
        None => {
            return Err(bad_param(
                "patient",
                Text::new(
                    "请指定患者（patient）、就诊（encounter）或申请单（based-on）",
                    "Name a patient, an encounter or an order (based-on)",
                ),
            ));
        }
    }
    if caller.role == Role::Patient {
        filter.status = Some("final".into());
    }
    Ok(filter)
}

#[derive(Serialize)]
struct SearchEntry<'a> {
    #[serde(rename = "fullUrl")]
    full_url: String,
    resource: &'a RawValue,
    search: serde_json::Value,
}

#[derive(Serialize)]
struct Searchset<'a> {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    r#type: &'static str,
    total: usize,
    link: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    entry: Vec<SearchEntry<'a>>,
}

fn searchset(
    headers: &HeaderMap,
    kind: &str,
    params: &[(String, String)],
    items: &[(String, String)],
) -> Result<Response, ApiError> {
    let base = base_url(headers);
    let raws = items
        .iter()
        .map(|(_, content)| RawValue::from_string(content.clone()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ApiError::internal())?;
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter().filter(|(k, _)| k != "break_glass"))
        .finish();
    let bundle = Searchset {
        resource_type: "Bundle",
        r#type: "searchset",
        total: items.len(),
        link: vec![
            serde_json::json!({"relation": "self", "url": format!("{base}/{kind}?{query}")}),
        ],
        entry: items
            .iter()
            .zip(&raws)
            .map(|((id, _), raw)| SearchEntry {
                full_url: format!("{base}/{kind}/{id}"),
                resource: raw,
                search: serde_json::json!({"mode": "match"}),
            })
            .collect(),
    };
    let text = serde_json::to_string(&bundle).map_err(|_| ApiError::internal())?;
    Ok(fhir_text(StatusCode::OK, text))
}

/// `GET /fhir/DiagnosticReport?…`.
pub async fn search_reports(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let filter = filter_of(&state, &ctx, &params, "DiagnosticReport").await?;
    let found = state.store.search_reports(&filter).await?;
    let items: Vec<(String, String)> = found.into_iter().map(|r| (r.id, r.content)).collect();
    searchset(&headers, "DiagnosticReport", &params, &items)
}

/// `GET /fhir/Observation?…`.
pub async fn search_observations(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let filter = filter_of(&state, &ctx, &params, "Observation").await?;
    let found = state.store.search_observations(&filter).await?;
    let items: Vec<(String, String)> = found.into_iter().map(|o| (o.id, o.content)).collect();
    searchset(&headers, "Observation", &params, &items)
}
