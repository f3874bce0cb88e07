//! Editing a family member: the name and phone checked by the same domain functions as
//! sign-up, the relationship, written with the record's version so a change made meanwhile
//! is not overwritten.

use axum::http::StatusCode;
use huimin_domain::masking::mask_phone;
use huimin_domain::person::{PersonName, PhoneRule, Relationship, check_name, check_phone};
use huimin_domain::phone::Phone;
use huimin_store::StoredResource;
use serde_json::{Value, json};

use super::person::issue;
use crate::context::Caller;
use crate::error::{ApiError, Issue};
use crate::fhir::kinds::PATIENT;
use crate::fhir::patient;
use crate::state::AppState;

/// The relationship a form gave a family member, or the issue at `relationship`.
pub(super) fn relationship_of(raw: Option<&str>) -> Result<Relationship, Issue> {
    let raw = raw.unwrap_or_default();
    Relationship::family_from_code(raw).ok_or_else(|| Issue {
        code: if raw.trim().is_empty() {
            "required"
        } else {
            "value"
        },
        text: Relationship::refusal(raw),
        expression: Some("relationship".into()),
        rule: None,
    })
}

/// The phone numbers (system `phone` or `sms`) of a stored record.
fn phones(record: &Value) -> Vec<String> {
    record["telecom"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| matches!(t["system"].as_str(), Some("phone" | "sms")))
        .filter_map(|t| t["value"].as_str().map(str::to_owned))
        .collect()
}

/// The checked name, phone (a masked number sent back as shown keeps the stored one) and
/// relationship; every problem at once.
pub(super) fn check_change(
    name: &Option<String>,
    phone: &Option<String>,
    relationship: &Option<String>,
    stored: &StoredResource,
) -> Result<(PersonName, Option<Phone>, Relationship), ApiError> {
    let mut issues = Vec::new();
    let name = check_name(name.as_deref().unwrap_or_default())
        .map_err(|p| issues.push(issue(p, "name")))
        .ok();
    let typed = phone.as_deref().unwrap_or_default().trim();
    let kept = phones(&stored.content)
        .into_iter()
        .find(|p| typed.contains('*') && mask_phone(p) == typed);
    let phone = match kept {
        Some(kept) => Phone::parse(&kept).ok(),
        None => check_phone(typed, PhoneRule::Optional)
            .map_err(|p| issues.push(issue(p, "phone")))
            .ok()
            .flatten(),
    };
    let relationship = relationship_of(relationship.as_deref())
        .map_err(|i| issues.push(i))
        .ok();
    match (name, relationship) {
        (Some(name), Some(relationship)) if issues.is_empty() => Ok((name, phone, relationship)),
        _ => Err(ApiError::with_issues(
            StatusCode::UNPROCESSABLE_ENTITY,
            issues,
        )),
    }
}

/// Writes the new name, phone and relationship, if the record is still the version read.
pub(super) async fn save(
    state: &AppState,
    caller: &Caller,
    stored: &StoredResource,
    name: &PersonName,
    phone: Option<&Phone>,
    relationship: Relationship,
) -> Result<StoredResource, ApiError> {
    let mut record = stored.content.clone();
    let mut human = json!({ "use": "official", "text": name.as_str(), "family": name.family() });
    if !name.given().is_empty() {
        human["given"] = json!([name.given()]);
    }
    record["name"] = json!([human]);
    let mut telecom: Vec<Value> = record["telecom"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| !matches!(t["system"].as_str(), Some("phone" | "sms")))
        .cloned()
        .collect();
    if let Some(phone) = phone {
        telecom.push(json!({ "system": "phone", "value": phone.as_str(), "use": "mobile" }));
    }
    match record.as_object_mut() {
        Some(fields) if telecom.is_empty() => {
            fields.remove("telecom");
        }
        _ => record["telecom"] = json!(telecom),
    }
    patient::check(&mut record, Some(&stored.content), state.clock.today())
        .map_err(|issues| ApiError::with_issues(StatusCode::UNPROCESSABLE_ENTITY, issues))?;
    let (index, unique) = PATIENT.index(&record);
    let write = huimin_store::ResourceWrite {
        resource_type: "Patient",
        id: &stored.id,
        content: &record,
        index: &index,
        unique: &unique,
        sealed: true,
    };
    state
        .store
        .update_family_member(
            &caller.user_id,
            &stored.id,
            relationship.code(),
            write,
            stored.version_id,
        )
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Patient/{}", stored.id)))
}
