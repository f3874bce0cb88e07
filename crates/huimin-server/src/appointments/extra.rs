//! Extra places (加号): a doctor adds a place to their own session for a patient in front of
//! them; the place is a flagged slot of its own (counted) and the booking is audited.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_fhir::Reference;
use serde::Deserialize;
use serde_json::Value;

use super::operations::{Placement, place};
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraRequest {
    /// `Patient/<id>`.
    patient: String,
}

/// Whether the caller runs this session: its PractitionerRole's practitioner is the caller's.
pub(crate) async fn runs_session(
    state: &AppState,
    practitioner: &str,
    role_id: &str,
) -> Result<bool, ApiError> {
    let role = state
        .store
        .read_resource("PractitionerRole", role_id)
        .await?;
    Ok(role.is_some_and(|r| {
        r.content
            .pointer("/practitioner/reference")
            .and_then(Value::as_str)
            == Some(format!("Practitioner/{practitioner}").as_str())
    }))
}

pub async fn add_extra(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let request: ExtraRequest = crate::error::json_body(&body)?;
    let patient = Reference::local_id("Patient", &request.patient).to_owned();
    let session = state
        .store
        .clinic_session(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Schedule/{id}")))?;
    let allowed = match (
        caller.role,
        &caller.practitioner_id,
        &session.practitioner_role_id,
    ) {
        (Role::Admin, _, _) => true,
        (Role::Doctor, Some(practitioner), Some(role)) => {
            runs_session(&state, practitioner, role).await?
        }
        _ => false,
    };
    if !allowed {
        audit::record(
            &state,
            &ctx,
            "create",
            &format!("Schedule/{id}"),
            DENIED,
            "extra slot: not the session's doctor",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let slot = state.store.add_extra_slot(&id).await?.ok_or_else(|| {
        ApiError::unprocessable(Text::new(
            "该出诊已停诊，不能加号",
            "This session is suspended; no extra places can be added",
        ))
    })?;
    audit::record(
        &state,
        &ctx,
        "create",
        &format!("Slot/{slot}"),
        SUCCESS,
        "extra slot",
    )
    .await?;
    place(
        &state,
        &ctx,
        &headers,
        Placement {
            slot_id: &slot,
            patient_id: &patient,
            hold: false,
            extra: true,
        },
    )
    .await
}
