//! Family members (就诊人): a patient account manages up to five other real Patients and books
//! for them. Each must carry a valid identity document (real-name booking).

use axum::http::StatusCode;
use huimin_domain::appointments::{BookingRefusal, FamilyRule};
use huimin_domain::identity::DocumentKind;
use huimin_domain::person::{PersonName, Relationship};
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

/// Creates a family member's record linked to the account, with its relationship to the
/// holder (`POST /fhir/Patient` by a patient gives none: `other`).
/// A family member's names follow the rule sign-up and the family form apply
/// ([`PersonName`]): no markup, digits or overlong names through the FHIR route either.
fn check_names(patient: &Value) -> Result<(), ApiError> {
    let mut issues = Vec::new();
    for (i, name) in index::each(patient, &["name"]).iter().enumerate() {
        let text = name.get("text").and_then(Value::as_str).unwrap_or("");
        let written = if text.trim().is_empty() {
            let family = name.get("family").and_then(Value::as_str).unwrap_or("");
            format!("{family} {}", index::strings(name, &["given"]).join(" "))
        } else {
            text.to_owned()
        };
        if let Err(e) = PersonName::parse(&written) {
            issues.push(Issue::value(
                Some(&format!("Patient.name[{i}]")),
                e.message(),
            ));
        }
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(ApiError::with_issues(
            StatusCode::UNPROCESSABLE_ENTITY,
            issues,
        ))
    }
}

pub async fn add_member(
    state: &AppState,
    user_id: &str,
    write: ResourceWrite<'_>,
    relationship: Relationship,
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
    check_names(write.content)?;
    let limit = FamilyRule::default().limit;
    let added = state
        .store
        .add_family_patient(user_id, write, relationship.code(), limit)
        .await;
    // The account may now act for one more patient.
    state.callers.forget(user_id);
    match added {
        Ok(Ok(stored)) => Ok(stored),
        Ok(Err(_)) => Err(crate::identity::family_limit(limit)),
        Err(huimin_store::StoreError::Duplicate { .. }) => {
            Err(crate::identity::on_file("claim_code"))
        }
        Err(e) => Err(ApiError::from(e)),
    }
}
