//! Reads of the booking resources by id (public): `Slot` (with the cancellation cut-off of a
//! booking of it) and `Schedule` (with how its fee is paid), each with its department's code
//! as `specialty`. Their searches are `fhir_search.rs`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::fhir_search;
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
    let codes = fhir_search::codes_of(&state, vec![session.department_id.clone()]).await?;
    let view = fhir_search::slot_view(&state, &session, &slot, &codes).await?;
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
    let codes = fhir_search::codes_of(&state, vec![session.department_id.clone()]).await?;
    let view = fhir_search::schedule_view(&state, &session, &codes).await?;
    Ok(crate::fhir::fhir_response(StatusCode::OK, &view))
}
