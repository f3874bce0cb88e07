//! The patient's own prescriptions and medication list, for the account and its family:
//! `GET /api/me/prescriptions` (newest first, with instructions and where each stands) and
//! `GET /api/me/medications` (what is being taken now, across visits).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use huimin_domain::roles::Role;
use huimin_store::prescriptions::PrescriptionFilter;
use serde_json::{Value, json};

use super::views::prescription_json;
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

async fn own(state: &AppState, ctx: &Ctx) -> Result<Vec<Value>, ApiError> {
    let caller = ctx.require()?;
    if caller.role != Role::Patient {
        return Err(ApiError::forbidden());
    }
    let found = state
        .store
        .search_prescriptions(&PrescriptionFilter {
            patients: Some(caller.patient_ids.clone()),
            statuses: Some(
                [
                    "submitted",
                    "returned",
                    "approved",
                    "paid",
                    "dispensed",
                    "collected",
                    "expired",
                ]
                .map(str::to_owned)
                .to_vec(),
            ),
            limit: 500,
            ..Default::default()
        })
        .await?;
    let mut out = Vec::new();
    for p in found.iter().rev() {
        out.push(prescription_json(state, p).await?);
    }
    audit::record(
        state,
        ctx,
        "read",
        "MedicationRequest?patient=me",
        SUCCESS,
        "",
    )
    .await?;
    Ok(out)
}

pub async fn prescriptions(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let list = own(&state, &ctx).await?;
    Ok(Json(json!({"prescriptions": list})).into_response())
}

/// Lines of approved-and-later prescriptions whose days have not run out.
pub async fn medications(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let now = state.clock.now().as_microsecond();
    let list = own(&state, &ctx).await?;
    let mut current = Vec::new();
    for p in &list {
        let status = p["status"].as_str().unwrap_or("");
        if !matches!(status, "approved" | "paid" | "dispensed" | "collected") {
            continue;
        }
        let signed = p["signed_at"].as_i64().unwrap_or(0);
        for line in p["lines"].as_array().into_iter().flatten() {
            let days = line["days"].as_i64().unwrap_or(0);
            let until = signed + days * 86_400_000_000;
            if until < now {
                continue;
            }
            current.push(json!({
                "prescription": p["id"],
                "number": p["number"],
                "patient": p["patient"],
                "department": p["department"],
                "drug": line["drug"],
                "name": line["name"],
                "specification": line["specification"],
                "instruction": line["instruction"],
                "until": until,
                "status": status,
            }));
        }
    }
    Ok(Json(json!({"medications": current})).into_response())
}
