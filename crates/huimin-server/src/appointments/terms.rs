//! What a patient is told about a booking's terms before and after booking: how the fee is
//! paid (`urn:huimin:ext:fee-payment` on a Schedule) and until when it may be cancelled online
//! (`urn:huimin:ext:cancel-by` on a Slot and an Appointment), from the same rules the
//! operations apply.

use huimin_domain::appointments::{AppointmentStatus, patient_deadline};
use huimin_store::appointments::{AppointmentRecord, SessionRecord, SlotRecord};
use jiff::Timestamp;

use crate::error::ApiError;
use crate::state::AppState;

fn instant(micros: i64) -> Result<Timestamp, ApiError> {
    Timestamp::from_microsecond(micros).map_err(|_| ApiError::internal())
}

/// The cancellation cut-off of a booking of `slot` in `session`, under its department's rules.
pub async fn slot_cancel_by(
    state: &AppState,
    session: &SessionRecord,
    slot: &SlotRecord,
) -> Result<Timestamp, ApiError> {
    let rules = state.rules.current(&state.store).await?;
    let rule = rules.department(&session.department_id).rules.cancellation;
    Ok(rule.cutoff(instant(slot.starts_at)?))
}

/// The last instant the appointment's patient may cancel it online: none once it is no longer
/// pending or booked, nor for a stop-clinic move the patient has not declined (cancelled at
/// any time, as the store allows).
pub async fn cancel_by(
    state: &AppState,
    record: &AppointmentRecord,
    slot: &SlotRecord,
) -> Result<Option<Timestamp>, ApiError> {
    if !matches!(
        record.status,
        AppointmentStatus::Pending | AppointmentStatus::Booked
    ) {
        return Ok(None);
    }
    let moved = state
        .store
        .move_into_appointment(&record.id)
        .await?
        .is_some_and(|m| m.kind == "stop-clinic" && m.reply != "declined");
    let rules = state.rules.current(&state.store).await?;
    let rule = rules.department(&record.department_id).rules.cancellation;
    Ok(patient_deadline(&rule, instant(slot.starts_at)?, moved))
}
