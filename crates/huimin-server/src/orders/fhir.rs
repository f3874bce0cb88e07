//! `ServiceRequest` at `/fhir`: read, and search by patient, encounter and status. Patients
//! read their family's orders (another family's is 404); staff are authorised as a read of
//! the patient's record (`records::access::authorize_read`).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huimin_domain::i18n::Text;
use huimin_domain::orders::OrderStatus;
use huimin_domain::roles::Role;
use huimin_fhir::{Bundle, BundleEntry, BundleLink, Reference};
use huimin_store::orders::OrderFilter;
use serde_json::Value;

use super::views::service_request;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::fhir::{base_url, fhir_response};
use crate::records::access::{Part, authorize_read};
use crate::state::AppState;

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|_| ApiError::internal())
}

fn bad_param(name: &str, text: Text) -> ApiError {
    ApiError::bad_request(text).at(name.to_owned())
}

/// `GET /fhir/ServiceRequest/{id}`.
pub async fn read(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let resource = format!("ServiceRequest/{id}");
    let order = state
        .store
        .order(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(&resource))?;
    authorize_read(
        &state,
        &ctx,
        &order.patient_id,
        Part::Visits,
        &resource,
        None,
    )
    .await?;
    let now = state.clock.now().as_microsecond();
    Ok(fhir_response(
        StatusCode::OK,
        &to_json(&service_request(&order, now))?,
    ))
}

/// `GET /fhir/ServiceRequest?patient=&encounter=&status=`: staff name a patient or a visit.
pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let mut filter = OrderFilter {
        limit: 100,
        ..Default::default()
    };
    let mut patient = None;
    for (name, value) in &params {
        match name.as_str() {
            "patient" | "subject" => {
                patient = Some(Reference::local_id("Patient", value).to_owned());
            }
            "encounter" => {
                filter.encounter = Some(Reference::local_id("Encounter", value).to_owned());
            }
            "status" => {
                let mut all = Vec::new();
                for code in value.split(',') {
                    all.extend(OrderStatus::of_fhir_status(code.trim()).ok_or_else(|| {
                        bad_param(
                            "status",
                            Text::new(
                                format!("未知的医嘱状态：{code}（active、completed 或 revoked）"),
                                format!(
                                    "Unknown request status {code}: active, completed or revoked"
                                ),
                            ),
                        )
                    })?);
                }
                filter.statuses = Some(all);
            }
            "_count" => filter.limit = value.parse().unwrap_or(100),
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
    if patient.is_none()
        && let Some(encounter) = &filter.encounter
    {
        patient = state
            .store
            .encounter(encounter)
            .await?
            .map(|e| e.patient_id);
        if patient.is_none() {
            // A visit that does not exist has no orders.
            filter.patients = Some(Vec::new());
        }
    }
    if caller.role == Role::Patient {
        let family = caller.patient_ids.clone();
        filter.patients = Some(match &patient {
            Some(p) if family.contains(p) => vec![p.clone()],
            Some(_) => Vec::new(),
            None if filter.patients.is_some() => Vec::new(),
            None => family,
        });
        crate::audit::record(
            &state,
            &ctx,
            "read",
            "ServiceRequest",
            crate::audit::SUCCESS,
            "search",
        )
        .await?;
    } else if let Some(p) = &patient {
        authorize_read(&state, &ctx, p, Part::Visits, &format!("Patient/{p}"), None).await?;
        filter.patients = Some(vec![p.clone()]);
    } else if filter.patients.is_none() {
        return Err(bad_param(
            "patient",
            Text::new(
                "请指定患者（patient）或就诊（encounter）",
                "Name the patient or the encounter",
            ),
        ));
    }
    let found = state.store.search_orders(&filter).await?;
    let now = state.clock.now().as_microsecond();
    let base = base_url(&headers);
    let entries = found
        .iter()
        .map(|o| {
            Ok(BundleEntry::matched(
                format!("{base}/ServiceRequest/{}", o.id),
                to_json(&service_request(o, now))?,
            ))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let bundle = Bundle::searchset(
        entries.len() as u64,
        entries,
        vec![BundleLink::new("self", format!("{base}/ServiceRequest"))],
    );
    Ok(fhir_response(StatusCode::OK, &to_json(&bundle)?))
}
