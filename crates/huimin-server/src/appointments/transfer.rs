//! Triage moves (分诊改派): a nurse, registrar or administrator moves a patient to another
//! doctor of the same department on the same day; the patient keeps their arrival, priority
//! and payment, and is told the new doctor, room and number.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huimin_domain::roles::Role;
use huimin_fhir::Reference;
use huimin_store::appointments::AppointmentRecord;
use serde::Deserialize;

use super::errors::booking_error;
use super::operations::{appointment_response, visible_appointment};
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// The other session: `Schedule/<id>` or the id.
    session: String,
}

/// `POST /api/appointments/{id}/move` `{"session": "Schedule/<id>"}` → the new `Appointment`.
pub async fn move_patient(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let request: MoveRequest = crate::error::json_body(&body)?;
    let target = Reference::local_id("Schedule", &request.session).to_owned();
    let reference = format!("Appointment/{id}");
    if !matches!(caller.role, Role::Nurse | Role::Registrar | Role::Admin) {
        audit::record(&state, &ctx, "update", &reference, DENIED, "move").await?;
        return Err(ApiError::forbidden());
    }
    visible_appointment(&state, &ctx, &id, "update").await?;
    let (doctor, room) = match state.store.clinic_session(&target).await? {
        Some(session) => super::day::doctor_and_room(&state, &session).await?,
        None => (String::new(), huimin_domain::i18n::Text::new("", "")),
    };
    let message = move |old: &AppointmentRecord, new: &AppointmentRecord| {
        (
            format!(
                "您 {} 第 {} 号的就诊已由分诊台改派至 {} 医生（{}），新序号 {}，请到该诊室候诊。",
                old.session_date, old.queue_number, doctor, room.zh, new.queue_number
            ),
            format!(
                "Your visit on {}, number {}, was moved by the triage desk to Dr {} ({}), new number {}; please wait at that room.",
                old.session_date, old.queue_number, doctor, room.en, new.queue_number
            ),
        )
    };
    let now = state.clock.now().as_microsecond();
    let moved = state
        .store
        .transfer_appointment(&id, &target, now, &message)
        .await
        .map_err(booking_error)?;
    audit::record(
        &state,
        &ctx,
        "update",
        &reference,
        SUCCESS,
        &format!("moved to Appointment/{}", moved.to.id),
    )
    .await?;
    // The place left behind goes to the waitlist at once, as with a cancellation.
    if let Err(err) = super::waitlist::promote(&state, &moved.from.session_id).await {
        tracing::warn!(error = %err, "waitlist promotion failed");
    }
    appointment_response(&state, &moved.to, StatusCode::CREATED, &headers).await
}
