//! `/api/me/family`: the people a patient account acts for — its holder's own record first
//! (本人), then family members (就诊人) with their relationship. Family members are added
//! with the same check as sign-up, or, when their record is already on file, with a claim
//! code from the desk; they are edited (name, phone, relationship) and unlinked, never
//! deleted: the record stays, and one with a booking still to come stays linked.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::FamilyRule;
use huimin_domain::i18n::Text;
use huimin_domain::identity::CodePurpose;
use huimin_domain::person::{PersonDetails, PersonField, PhoneRule, Relationship};
use huimin_domain::roles::Role;
use huimin_store::{LinkRefusal, StoredResource};
use serde::Deserialize;
use serde_json::{Value, json};

use super::codes::{gone, open_with_code};
use super::person::{self, PersonBody};
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::{Caller, Ctx};
use crate::error::{ApiError, json_body};
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
pub(super) fn member(relationship: Relationship, stored: &StoredResource) -> Value {
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
    let relationship = super::member::relationship_of(form.relationship.as_deref());
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

/// The person is already one of the account's patients.
fn already_yours() -> ApiError {
    ApiError::conflict(Text::new(
        "此人已在您的就诊人中",
        "This person is already one of your patients",
    ))
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
        let field = person::field_name(PersonField::DocumentNumber, &form.person());
        return Err(already_yours().at(field));
    }
    let typed = form.claim_code.as_deref().unwrap_or_default();
    if typed.trim().is_empty() {
        return Err(super::on_file("claim_code"));
    }
    let claim = CodePurpose::Claim;
    let opened = open_with_code(state, ctx, patient_id, claim, typed, "claim_code").await?;
    let limit = FamilyRule::default().limit;
    let (user, code) = (&caller.user_id, opened.code_use(state));
    let linked = state
        .store
        .link_family_with_code(user, patient_id, relationship.code(), code, limit)
        .await?;
    match linked {
        Ok(()) => {}
        Err(LinkRefusal::Limit(_)) => return Err(super::family_limit(limit)),
        Err(LinkRefusal::CodeGone) => return Err(gone("claim_code")),
        Err(LinkRefusal::AlreadyLinked | LinkRefusal::AlreadyHeld) => return Err(already_yours()),
    }
    let resource = format!("Patient/{patient_id}");
    audit::record(state, ctx, "claim", &resource, SUCCESS, "family").await?;
    state
        .store
        .read_resource("Patient", patient_id)
        .await?
        .ok_or_else(|| ApiError::not_found(&resource))
}
