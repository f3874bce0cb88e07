//! Who may be booked for, and by whom: the channel a caller books through for a patient, and
//! real-name booking's verified identity.

use huimin_domain::appointments::Channel;
use huimin_domain::identity::DocumentKind;
use huimin_domain::roles::Role;
use serde_json::Value;

use super::errors::booking_error;
use crate::context::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Who may place a booking for a patient, and through which channel.
pub fn booking_channel(caller: &Caller, patient_id: &str) -> Option<Channel> {
    match caller.role {
        Role::Patient => caller
            .patient_ids
            .iter()
            .any(|p| p == patient_id)
            .then_some(Channel::App),
        Role::Registrar | Role::Admin => Some(Channel::Window),
        _ => None,
    }
}

/// The patient's record, if it carries a validated identity document (real-name booking).
pub async fn require_verified(
    state: &AppState,
    patient_id: &str,
) -> Result<huimin_store::StoredResource, ApiError> {
    let reference = format!("Patient/{patient_id}");
    let patient = state
        .store
        .read_resource("Patient", patient_id)
        .await?
        .ok_or_else(|| ApiError::not_found(&reference))?;
    let verified = crate::fhir::index::each(&patient.content, &["identifier"])
        .iter()
        .any(|i| {
            i.get("system")
                .and_then(Value::as_str)
                .and_then(DocumentKind::from_fhir_system)
                .is_some()
        });
    if !verified {
        return Err(booking_error(
            huimin_domain::appointments::BookingRefusal::IdentityNotVerified.into(),
        ));
    }
    Ok(patient)
}
