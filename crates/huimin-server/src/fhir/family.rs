//! Family members (就诊人): a patient account manages up to five other real Patients and books
//! for them. Each must carry a valid identity document (real-name booking).

use axum::http::StatusCode;
use huimin_domain::appointments::{BookingRefusal, FamilyRule};
use huimin_domain::identity::DocumentKind;
use huimin_store::{ResourceWrite, StoredResource};
use serde_json::Value;

use super::index;
use crate::error::{ApiError, Issue};
use crate::state::AppState;

fn refusal(refusal: BookingRefusal, expression: Option<&str>) -> ApiError {
    ApiError::with_issues(
        StatusCode::UNPROCESSABLE_ENTITY,
        vec![Issue {
            code: "business-rule",
            text: refusal.message(),
            expression: expression.map(str::to_owned),
            rule: Some(refusal.rule_code()),
        }],
    )
}

pub async fn add_member(
    state: &AppState,
    user_id: &str,
    write: ResourceWrite<'_>,
) -> Result<StoredResource, ApiError> {
    let has_document = index::each(write.content, &["identifier"])
        .iter()
        .any(|identifier| {
            identifier
                .get("system")
                .and_then(Value::as_str)
                .and_then(DocumentKind::from_fhir_system)
                .is_some()
        });
    if !has_document {
        return Err(refusal(
            BookingRefusal::IdentityNotVerified,
            Some("Patient.identifier"),
        ));
    }
    let limit = FamilyRule::default().limit;
    let added = state.store.add_family_patient(user_id, write, limit).await;
    // The account may now act for one more patient.
    state.callers.forget(user_id);
    match added {
        Ok(Ok(stored)) => Ok(stored),
        Ok(Err(_)) => Err(refusal(BookingRefusal::FamilyLimit { limit }, None)),
        Err(e) => Err(ApiError::from(e)),
    }
}
