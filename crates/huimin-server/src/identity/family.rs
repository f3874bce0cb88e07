//! `/api/me/family`: the people a patient account acts for — its holder's own record first
//! (本人), then family members (就诊人) with their relationship. Family members are added
//! with the same check as sign-up, or, when their record is already on file, with a claim
//! code from the desk; they are edited (name, phone, relationship) and unlinked, never
//! deleted: the record stays, and one with a booking still to come stays linked.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::FamilyRule;
use huimin_domain::i18n::Text;
use huimin_domain::identity::CodePurpose;
use huimin_domain::person::{PersonDetails, PhoneRule, Relationship};
use huimin_domain::roles::Role;
use huimin_store::{LinkRefusal, StoredResource, Unlink};
use serde::Deserialize;
use serde_json::{Value, json};

use super::codes::{gone, open_with_code};
use super::person::{self, PersonBody};
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::{Caller, Ctx};
use crate::error::{ApiError, Issue, json_body};
use crate::fhir::patient::mask_view;
use crate::state::AppState;

/// The caller if a patient account; anyone else is refused, and the refusal audited.
pub(super) async fn account<'a>(
    state: &AppState,
    ctx: &'a Ctx,
    action: &str,
) -> Result<&'a Caller, ApiError> {
    let caller = ctx.require()?;
    if caller.role != Role::Patient {
        audit::record(state, ctx, action, "Account", DENIED, "not a patient").await?;
        return Err(ApiError::forbidden());
    }
    Ok(caller)
}

/// One member as answered: the record as the account sees it (masked) and how they relate.
fn member(relationship: Relationship, stored: &StoredResource) -> Value {
    let mut patient = stored.content.clone();
    mask_view(&mut patient);
    json!({ "relationship": relationship.code(), "patient": patient })
}

/// `GET /api/me/family`: `{"members": [{"relationship", "patient"}]}`, the holder first.
#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let caller = account(&state, &ctx, "search").await?;
    let links = state.store.account_links(&caller.user_id).await?;
    let mut members = Vec::with_capacity(links.len());
    let mut read = Vec::with_capacity(links.len());
    for link in &links {
        if let Some(stored) = state
            .store
            .read_resource("Patient", &link.patient_id)
            .await?
        {
            members.push(member(
                Relationship::from_stored(&link.relationship),
                &stored,
            ));
            read.push(format!("Patient/{}", link.patient_id));
        }
    }
    audit::record(&state, &ctx, "search", &read.join(","), SUCCESS, "family").await?;
    Ok(Json(json!({ "members": members })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    name: Option<String>,
    resident_id: Option<String>,
    document_type: Option<String>,
    document_number: Option<String>,
    phone: Option<String>,
    gender: Option<String>,
    birth_date: Option<String>,
    relationship: Option<String>,
    /// The desk's claim code, when the member's record is already on file.
    claim_code: Option<String>,
}

impl NewMember {
    fn person(&self) -> PersonBody {
        PersonBody {
            name: self.name.clone(),
            resident_id: self.resident_id.clone(),
            document_type: self.document_type.clone(),
            document_number: self.document_number.clone(),
            phone: self.phone.clone(),
            gender: self.gender.clone(),
            birth_date: self.birth_date.clone(),
        }
    }
}

/// `POST /api/me/family`: a family member, checked as sign-up checks a person.
#[tracing::instrument(skip_all)]
pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = account(&state, &ctx, "create").await?.clone();
    let form: NewMember = json_body(&body)?;
    let today = state.clock.today();
    let relationship = super::edit::relationship_of(form.relationship.as_deref());
    let (details, relationship) = match (
        person::check(&form.person(), PhoneRule::Optional, today),
        relationship,
    ) {
        (Ok(details), Ok(relationship)) => (details, relationship),
        (details, relationship) => {
            let mut issues = details.err().unwrap_or_default();
            issues.extend(relationship.err());
            return Err(ApiError::with_issues(
                StatusCode::UNPROCESSABLE_ENTITY,
                issues,
            ));
        }
    };
    let system = details.document.kind().fhir_system();
    let on_file = state
        .store
        .patient_with_document(system, details.document.number())
        .await?;
    let added = match on_file {
        Some(id) => link_on_file(&state, &ctx, &caller, &id, relationship, &form).await,
        None => create(&state, &ctx, &caller, &details, relationship).await,
    };
    state.callers.forget(&caller.user_id);
    let stored = added?;
    Ok((StatusCode::CREATED, Json(member(relationship, &stored))).into_response())
}

/// A new record for the member, linked to the account.
async fn create(
    state: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    details: &PersonDetails,
    relationship: Relationship,
) -> Result<StoredResource, ApiError> {
    let resource = person::patient_resource(details, state.clock.today())?;
    let id = uuid::Uuid::new_v4().to_string();
    let (index, unique) = crate::fhir::kinds::PATIENT.index(&resource);
    let write = huimin_store::ResourceWrite {
        resource_type: "Patient",
        id: &id,
        content: &resource,
        index: &index,
        unique: &unique,
        sealed: true,
    };
    let stored =
        crate::fhir::family::add_member(state, &caller.user_id, write, relationship).await?;
    audit::record(
        state,
        ctx,
        "create",
        &format!("Patient/{id}"),
        SUCCESS,
        "family",
    )
    .await?;
    Ok(stored)
}

/// The record already on file, linked with the desk's claim code.
async fn link_on_file(
    state: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    patient_id: &str,
    relationship: Relationship,
    form: &NewMember,
) -> Result<StoredResource, ApiError> {
    if caller.patient_ids.iter().any(|p| p == patient_id) {
        return Err(ApiError::conflict(Text::new(
            "此人已在您的就诊人中",
            "This person is already one of your patients",
        ))
        .at(person::field_name(
            huimin_domain::person::PersonField::DocumentNumber,
            &form.person(),
        )));
    }
    let typed = form.claim_code.as_deref().unwrap_or_default();
    if typed.trim().is_empty() {
        return Err(super::on_file("claim_code"));
    }
    let opened = open_with_code(
        state,
        ctx,
        patient_id,
        CodePurpose::Claim,
        typed,
        "claim_code",
    )
    .await?;
    let limit = FamilyRule::default().limit;
    let linked = state
        .store
        .link_family_with_code(
            &caller.user_id,
            patient_id,
            relationship.code(),
            opened.code_use(state),
            limit,
        )
        .await?;
    let resource = format!("Patient/{patient_id}");
    match linked {
        Ok(()) => {}
        Err(LinkRefusal::Limit(_)) => return Err(super::family_limit(limit)),
        Err(LinkRefusal::CodeGone) => return Err(gone("claim_code")),
        Err(LinkRefusal::AlreadyLinked | LinkRefusal::AlreadyHeld) => {
            return Err(ApiError::conflict(Text::new(
                "此人已在您的就诊人中",
                "This person is already one of your patients",
            )));
        }
    }
    audit::record(state, ctx, "claim", &resource, SUCCESS, "family").await?;
    state
        .store
        .read_resource("Patient", patient_id)
        .await?
        .ok_or_else(|| ApiError::not_found(&resource))
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
    let (name, phone, relationship) =
        super::edit::check_change(&change.name, &change.phone, &change.relationship, &stored)?;
    let updated = super::edit::save(
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
