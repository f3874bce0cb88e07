//! Triage moves (分诊改派): a nurse, registrar or administrator moves a patient to another
//! doctor of the same department on the same day; the patient keeps their arrival, priority
//! and bill, and is told the new doctor, room and number (through the outbox). A lower fee's
//! difference is refunded at once (or the move refused: the `moves.refund_cheaper` setting);
//! a higher fee needs `accept_fee` and, when the fee was paid, `pay_difference`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huimin_domain::appointments::PaymentMethod;
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_fhir::Reference;
use huimin_store::appointments::MovePolicy;
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
    /// The patient accepts the other doctor's higher fee.
    #[serde(default)]
    accept_fee: bool,
    /// How the patient pays the difference of a higher fee now (their fee was paid).
    pay_difference: Option<String>,
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
    let rules = state.rules.current(&state.store).await?;
    let pay_difference = match request.pay_difference.as_deref() {
        None => None,
        Some(code) => Some(PaymentMethod::from_code(code).ok_or_else(|| {
            ApiError::unprocessable(Text::new(
                format!("不支持的支付方式 {code}"),
                format!("Unknown payment method {code}"),
            ))
            .at("pay_difference")
        })?),
    };
    let now = state.clock.now().as_microsecond();
    let record = state.store.appointment(&id).await?;
    let department = record.map(|r| r.department_id).unwrap_or_default();
    let policy = MovePolicy {
        cheaper_allowed: rules.department(&department).rules.moves.refund_cheaper,
        dearer_accepted: request.accept_fee,
        pay_difference,
        by: &caller.username,
        departments: rules.directory(),
    };
    let moved = state
        .store
        .transfer_appointment(&id, &target, now, &policy)
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
