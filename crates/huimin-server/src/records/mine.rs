//! `GET /api/me/visits`: a patient account's family's visits, with the signed note's
//! diagnoses, for the record pages (B7).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use huimin_domain::roles::Role;
use huimin_store::records::EncounterFilter;
use serde_json::{Value, json};

use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

pub async fn my_visits(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if caller.role != Role::Patient {
        return Err(ApiError::forbidden());
    }
    let encounters = state
        .store
        .search_encounters(&EncounterFilter {
            patients: Some(caller.patient_ids.clone()),
            limit: 200,
            ..Default::default()
        })
        .await?;
    let mut items = Vec::new();
    for e in &encounters {
        let name = |r: Option<huimin_store::StoredResource>, pointer: &str| {
            r.and_then(|r| {
                r.content
                    .pointer(pointer)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_default()
        };
        let patient = name(
            state.store.read_resource("Patient", &e.patient_id).await?,
            "/name/0/text",
        );
        let department = name(
            state
                .store
                .read_resource("Organization", &e.department_id)
                .await?,
            "/name",
        );
        let doctor = match &e.practitioner_role_id {
            Some(role) => name(
                state.store.read_resource("PractitionerRole", role).await?,
                "/practitioner/display",
            ),
            None => String::new(),
        };
        let mut diagnoses = Value::Array(Vec::new());
        let mut signed = false;
        let mut amended = false;
        if let Some(head) = state.store.note_of_encounter(&e.id).await?
            && head.is_signed()
            && let Some(v) = state.store.note_version(&head.id, head.version).await?
        {
            signed = true;
            amended = head.version > 1;
            diagnoses = v.content["input"]["diagnoses"].clone();
        }
        items.push(json!({
            "encounter": e.id,
            "patient": {"id": e.patient_id, "name": patient},
            "date": e.session_date,
            "status": e.status.code(),
            "department": department,
            "doctor": doctor,
            "signed": signed,
            "amended": amended,
            "diagnoses": diagnoses,
        }));
    }
    audit::record(&state, &ctx, "read", "Encounter", SUCCESS, "my visits").await?;
    Ok(Json(json!({"visits": items})).into_response())
}
