//! Reads of the booking resources: `Slot` (with the cancellation cut-off of a booking of it)
//! and `Schedule` (with how its fee is paid) by id (public), and a patient's
//! appointments (`GET /fhir/Appointment?patient=`).

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huimin_domain::roles::Role;

use super::parameters::bad;
use super::views;
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

/// Public; a bad token is still refused (401).
pub async fn read_slot(
    State(state): State<AppState>,
    _: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found(&format!("Slot/{id}"));
    let (slot, session) = state
        .store
        .slot_and_session(&id)
        .await?
        .ok_or_else(not_found)?;
    let mut view = views::slot(&session, &slot);
    views::with_cancel_by(
        &mut view,
        super::terms::slot_cancel_by(&state, &session, &slot).await?,
    );
    Ok(crate::fhir::fhir_response(StatusCode::OK, &view))
}

/// Public; a bad token is still refused (401).
pub async fn read_schedule(
    State(state): State<AppState>,
    _: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let session = state
        .store
        .clinic_session(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Schedule/{id}")))?;
    let mut view = views::schedule(&session);
    views::with_fee_payment(&mut view, state.settings.online_payment);
    Ok(crate::fhir::fhir_response(StatusCode::OK, &view))
}

/// `GET /fhir/Appointment?patient=Patient/<id>&_count=&_offset=`: a patient's appointments,
/// latest visit first. Patient accounts see their own patients' (all of them when `patient`
/// is left out); staff name the patient. Another account's patient is an empty result, as a
/// missing one is.
pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let (mut patient, mut count, mut offset) = (None, 20u32, 0u32);
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let number = || {
            value.parse::<u32>().map_err(|_| {
                bad(
                    format!("{name} 须为非负整数"),
                    format!("{name} must be a non-negative integer"),
                )
            })
        };
        match name.as_ref() {
            "patient" => {
                patient = Some(value.trim_start_matches("Patient/").to_owned());
            }
            "_count" => count = number()?.clamp(1, 100),
            "_offset" => offset = number()?,
            "lang" => {}
            other => {
                return Err(bad(
                    format!("预约查询不支持参数 {other}"),
                    format!(
                        "Appointment search has no parameter {other}; use patient, _count, _offset"
                    ),
                ));
            }
        }
    }
    let patients: Vec<String> = match (caller.role, patient) {
        (Role::Patient, None) => caller.patient_ids.clone(),
        (Role::Patient, Some(p)) => caller
            .patient_ids
            .iter()
            .filter(|own| **own == p)
            .cloned()
            .collect(),
        (role, Some(p)) if role.is_staff() => vec![p],
        (role, None) if role.is_staff() => {
            return Err(bad(
                "请指定患者 patient".into(),
                "Name the patient: patient=Patient/<id>".into(),
            ));
        }
        _ => return Err(ApiError::forbidden()),
    };
    let (records, total) = state
        .store
        .appointments_of(&patients, count, offset)
        .await?;
    let mut resources = Vec::with_capacity(records.len());
    for record in &records {
        let (slot, session) = state
            .store
            .slot_and_session(&record.slot_id)
            .await?
            .ok_or_else(ApiError::internal)?;
        let cancel_by = super::terms::cancel_by(&state, record, &slot).await?;
        resources.push((
            record.id.clone(),
            views::appointment(record, &session, &slot, cancel_by),
        ));
    }
    let what = patients
        .iter()
        .map(|p| format!("Patient/{p}"))
        .collect::<Vec<_>>()
        .join(",");
    audit::record(
        &state,
        &ctx,
        "search",
        "Appointment?patient",
        SUCCESS,
        &what,
    )
    .await?;
    let base = crate::fhir::base_url(&headers);
    let filters: Vec<(String, String)> = patients
        .first()
        .filter(|_| patients.len() == 1)
        .map(|p| vec![("patient".to_owned(), format!("Patient/{p}"))])
        .unwrap_or_default();
    let page = crate::fhir::http::Page {
        base: &base,
        resource_type: "Appointment",
        filters: &filters,
        count,
        offset,
        total,
    };
    Ok(crate::fhir::fhir_response(
        StatusCode::OK,
        &page.bundle(resources),
    ))
}
