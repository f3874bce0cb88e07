//! The report as people read it: `GET /api/results/reports/{id}` (one report's rows with
//! plain-language flags, authorised as a record read; patients see only final reports of their
//! family) and `GET /api/me/results` (a patient account's family's final reports, latest
//! first), for the phone pages and the visit PDF.

use axum::Json;
use axum::extract::{Path, Query, State};
use huimin_domain::roles::Role;
use huimin_store::results::ResultFilter;
use serde_json::{Value, json};

use super::views::report_view;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::records::access::{Part, authorize_read};
use crate::state::AppState;

/// `GET /api/results/reports/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let caller = ctx.require()?;
    let resource = format!("DiagnosticReport/{id}");
    let report = state
        .store
        .report(&id)
        .await?
        .filter(|r| r.status == "final" || caller.role != Role::Patient)
        .ok_or_else(|| ApiError::not_found(&resource))?;
    let reason = params
        .iter()
        .find(|(k, _)| k == "break_glass")
        .map(|(_, v)| v.as_str());
    authorize_read(
        &state,
        &ctx,
        &report.patient_id,
        Part::Results,
        &resource,
        reason,
    )
    .await?;
    let mut view = report_view(&state, &report).await?;
    // A family account reads several people's reports: the page says whose it is.
    view["patient_name"] =
        json!(crate::appointments::calling::patient_name(&state, &report.patient_id).await?);
    Ok(Json(view))
}

/// `GET /api/me/results`.
pub async fn my_results(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Value>, ApiError> {
    let caller = ctx.require()?;
    if caller.role != Role::Patient {
        return Err(ApiError::forbidden());
    }
    for p in &caller.patient_ids {
        authorize_read(
            &state,
            &ctx,
            p,
            Part::Results,
            "DiagnosticReport?mine",
            None,
        )
        .await?;
    }
    let reports = state
        .store
        .search_reports(&ResultFilter {
            patients: Some(caller.patient_ids.clone()),
            status: Some("final".into()),
            limit: 200,
            ..Default::default()
        })
        .await?;
    let mut items = Vec::new();
    for r in &reports {
        let patient = crate::appointments::calling::patient_name(&state, &r.patient_id).await?;
        let mut view = report_view(&state, r).await?;
        view["patient_name"] = json!(patient);
        items.push(view);
    }
    Ok(Json(json!({ "items": items })))
}

/// `GET /api/me/staff-messages`: the messages told to the caller's Practitioner (reports
/// ready, critical values, escalations), newest first, in the visitor's language pair.
pub async fn my_staff_messages(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Value>, ApiError> {
    let caller = ctx.require()?;
    let Some(practitioner) = caller.practitioner_id.as_deref() else {
        return Err(ApiError::forbidden());
    };
    let messages = state.store.staff_messages(practitioner, 50).await?;
    crate::audit::record(
        &state,
        &ctx,
        "read",
        "StaffMessages",
        crate::audit::SUCCESS,
        "staff messages",
    )
    .await?;
    Ok(Json(json!({
        "messages": messages.iter().map(|m| json!({
            "id": m.id,
            "kind": m.kind,
            "text": {"zh": m.text_zh, "en": m.text_en},
            "reference": m.reference,
            "created_at": huimin_store::instant_text(m.created_at),
            "read": m.read_at.is_some(),
        })).collect::<Vec<_>>(),
    })))
}
