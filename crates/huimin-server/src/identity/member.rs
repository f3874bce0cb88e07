//! One family member: `PUT /api/me/family/{id}` edits the name and phone (checked by the same
//! domain functions as sign-up) and the relationship, written with the record's version so a
//! change made meanwhile is not overwritten; `DELETE` unlinks them (the record stays).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::masking::mask_phone;
use huimin_domain::person::{PersonName, PhoneRule, Relationship, check_name, check_phone};
use huimin_domain::phone::Phone;
use huimin_store::{StoredResource, Unlink};
use serde::Deserialize;
use serde_json::{Value, json};

use super::family::{account, member};
use super::person::issue;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::{Caller, Ctx};
use crate::error::{ApiError, Issue, json_body};
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
fn check_change(
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

/// The stored record with the new name and phone (others of its telecoms kept).
fn changed(stored: &Value, name: &PersonName, phone: Option<&Phone>) -> Value {
    let mut record = stored.clone();
    let mut human = json!({ "use": "official", "text": name.as_str(), "family": name.family() });
    if !name.given().is_empty() {
        human["given"] = json!([name.given()]);
    }
    record["name"] = json!([human]);
    let mut telecom: Vec<Value> = phones_removed(&record);
    if let Some(phone) = phone {
        telecom.push(json!({ "system": "phone", "value": phone.as_str(), "use": "mobile" }));
    }
    match record.as_object_mut() {
        Some(fields) if telecom.is_empty() => {
            fields.remove("telecom");
        }
        _ => record["telecom"] = json!(telecom),
    }
    record
}

/// The record's telecoms other than phone numbers (e-mail addresses stay).
fn phones_removed(record: &Value) -> Vec<Value> {
    record["telecom"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| !matches!(t["system"].as_str(), Some("phone" | "sms")))
        .cloned()
        .collect()
}

/// Writes the new name, phone and relationship, if the record is still the version read.
async fn save(
    state: &AppState,
    caller: &Caller,
    stored: &StoredResource,
    name: &PersonName,
    phone: Option<&Phone>,
    relationship: Relationship,
) -> Result<StoredResource, ApiError> {
    let mut record = changed(&stored.content, name, phone);
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
    let (user, id, version) = (&caller.user_id, &stored.id, stored.version_id);
    state
        .store
        .update_family_member(user, id, relationship.code(), write, version)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Patient/{id}")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberChange {
    name: Option<String>,
    /// Empty removes the phone; a masked value sent back unchanged keeps it.
    phone: Option<String>,
    relationship: Option<String>,
}

/// `PUT /api/me/family/{id}`: a family member's name, phone and relationship.
#[tracing::instrument(skip_all)]
pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = account(&state, &ctx, "update").await?.clone();
    let change: MemberChange = json_body(&body)?;
    let (stored, _) = family_member(&state, &ctx, &caller, &id, "update").await?;
    if state.store.holder_of(&id).await?.is_some() {
        // Linked with a claim code, the record is also its holder's own: theirs to change.
        return Err(ApiError::conflict(Text::new(
            "此就诊人有自己的账户，姓名和手机号由本人在窗口更正",
            "This person has an account of their own: their name and phone are corrected by them, at the desk",
        )));
    }
    let (name, phone, relationship) =
        check_change(&change.name, &change.phone, &change.relationship, &stored)?;
    let updated = save(
        &state,
        &caller,
        &stored,
        &name,
        phone.as_ref(),
        relationship,
    )
    .await?;
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("Patient/{id}"),
        SUCCESS,
        "family",
    )
    .await?;
    Ok(Json(member(relationship, &updated)).into_response())
}

/// `DELETE /api/me/family/{id}`: unlinks a family member (their record stays).
#[tracing::instrument(skip_all)]
pub async fn unlink(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = account(&state, &ctx, "unlink").await?.clone();
    family_member(&state, &ctx, &caller, &id, "unlink").await?;
    let today = state.clock.today().to_string();
    let outcome = state
        .store
        .unlink_family_member(&caller.user_id, &id, &today)
        .await?;
    state.callers.forget(&caller.user_id);
    let resource = format!("Patient/{id}");
    match outcome {
        Unlink::Done => {
            audit::record(&state, &ctx, "unlink", &resource, SUCCESS, "family").await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        Unlink::NotLinked => Err(ApiError::not_found(&resource)),
        Unlink::ActiveBooking => {
            audit::record(&state, &ctx, "unlink", &resource, DENIED, "active booking").await?;
            Err(ApiError::with_issues(
                StatusCode::CONFLICT,
                vec![Issue {
                    code: "business-rule",
                    text: Text::new(
                        "该就诊人还有未完成的预约，请先取消预约或就诊后再移除",
                        "This person has a booking still to come: cancel it, or remove them after the visit",
                    ),
                    expression: None,
                    rule: Some("active-booking"),
                }],
            ))
        }
    }
}

/// The family member `id` of the account, with its relationship; 404 (audited) for anyone
/// else's record, 409 for the holder's own.
async fn family_member(
    state: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    action: &str,
) -> Result<(StoredResource, Relationship), ApiError> {
    let resource = format!("Patient/{id}");
    let links = state.store.account_links(&caller.user_id).await?;
    let Some(link) = links.iter().find(|l| l.patient_id == id) else {
        audit::record(state, ctx, action, &resource, DENIED, "not linked").await?;
        return Err(ApiError::not_found(&resource));
    };
    let relationship = Relationship::from_stored(&link.relationship);
    if relationship == Relationship::Holder {
        return Err(ApiError::conflict(Text::new(
            "本人信息不能在这里修改或移除；如需更正，请携带证件到挂号窗口",
            "Your own record cannot be changed or removed here: to correct it, bring your identity card to the desk",
        )));
    }
    let stored = state
        .store
        .read_resource("Patient", id)
        .await?
        .ok_or_else(|| ApiError::not_found(&resource))?;
    Ok((stored, relationship))
}
