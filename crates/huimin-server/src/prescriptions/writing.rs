//! The doctor's side: `POST /api/visits/{id}/prescriptions/check` (the rules as the doctor
//! types, nothing written), `POST /api/visits/{id}/prescriptions` (signed and sent to the
//! pharmacist; refused while a block stands or a warning has no reason), `PUT
//! /api/prescriptions/{id}` (a returned one amended and signed again), `POST
//! /api/prescriptions/{id}/cancel`, and the reads.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::prescriptions::checks::{Severity, signing_problems};
use huimin_domain::roles::Role;
use huimin_store::prescriptions::{NewPrescription, PrescriptionFilter, PrescriptionRecord};
use huimin_store::records::EncounterRecord;
use serde_json::{Value, json};

use super::input::{Evaluated, PrescriptionBody, evaluate, valid_until};
use super::views::{finding_json, line_json, override_json, prescription_json};
use super::{prescription_error, prescription_or_404};
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::{Caller, Ctx};
use crate::error::{ApiError, Issue};
use crate::orders::{encounter_or_404, holds_post};
use crate::records::access::{Part, authorize_read};
use crate::records::signing::{LocalSigner, Signer};
use crate::state::AppState;

/// The visit's doctor, or 403 (audited).
async fn visit_doctor<'a>(
    state: &AppState,
    ctx: &'a Ctx,
    encounter: &EncounterRecord,
    action: &str,
) -> Result<&'a Caller, ApiError> {
    let caller = ctx.require()?;
    if holds_post(state, caller, encounter.practitioner_role_id.as_deref()).await? {
        return Ok(caller);
    }
    let resource = format!("Encounter/{}/prescriptions", encounter.id);
    audit::record(
        state,
        ctx,
        action,
        &resource,
        DENIED,
        "not the visit's doctor",
    )
    .await?;
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        Text::new(
            "只有接诊医生可以为本次就诊开具处方",
            "Only the doctor who sees the patient may prescribe for this visit",
        ),
    )
    .at("encounter"))
}

fn evaluated_json(e: &Evaluated) -> Value {
    let problems = signing_problems(&e.findings, &e.overrides);
    json!({
        "kind": e.kind.code(),
        "lines": e.lines.iter().map(line_json).collect::<Vec<_>>(),
        "findings": e.findings.iter().map(finding_json).collect::<Vec<_>>(),
        "overrides": e.overrides.iter().map(override_json).collect::<Vec<_>>(),
        "total_fen": e.total_fen,
        "can_sign": problems.is_empty(),
        "problems": problems.iter().map(|t| json!({"zh": t.zh, "en": t.en})).collect::<Vec<_>>(),
    })
}

/// `POST /api/visits/{id}/prescriptions/check`: what the rules say, nothing written.
pub async fn check(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let encounter = encounter_or_404(&state, &id).await?;
    let caller = visit_doctor(&state, &ctx, &encounter, "read").await?;
    let request: PrescriptionBody = crate::error::json_body(&body)?;
    let tables = state.drugs.tables(&state.store).await?;
    let practitioner = caller.practitioner_id.clone().unwrap_or_default();
    let evaluated = evaluate(&state, &encounter, &practitioner, &request, &tables, None).await?;
    Ok(Json(evaluated_json(&evaluated)).into_response())
}

/// Refuses signing while a block stands or a warning has no reason: one issue per problem.
fn refuse_unsigned(e: &Evaluated) -> Result<(), ApiError> {
    let problems = signing_problems(&e.findings, &e.overrides);
    if problems.is_empty() {
        return Ok(());
    }
    let blocked = e.findings.iter().any(|f| f.severity == Severity::Block);
    let issues = problems
        .into_iter()
        .map(|text| Issue {
            code: if blocked { "business-rule" } else { "required" },
            text,
            expression: Some("findings".to_owned()),
            rule: None,
        })
        .collect();
    Err(ApiError::with_issues(
        StatusCode::UNPROCESSABLE_ENTITY,
        issues,
    ))
}

/// The signed part: what the doctor saw and decided, signed with their key.
pub(crate) async fn signed_content(
    store: &huimin_store::Store,
    practitioner: &str,
    e: &Evaluated,
    number: &str,
    (patient, encounter): (&str, &str),
    now: i64,
) -> Result<Value, ApiError> {
    let mut content = json!({
        "number": number,
        "patient": patient,
        "encounter": encounter,
        "kind": e.kind.code(),
        "lines": e.lines.iter().map(line_json).collect::<Vec<_>>(),
        "findings": e.findings.iter().map(finding_json).collect::<Vec<_>>(),
        "overrides": e.overrides.iter().map(override_json).collect::<Vec<_>>(),
        "signed_at": now,
    });
    let document = serde_jcs::to_vec(&content).unwrap_or_default();
    let signer = LocalSigner { store, now };
    let made = signer.sign(practitioner, &document).await?;
    content["signature"] = json!({"key_id": made.key_id, "signature": made.signature});
    Ok(content)
}

/// 处方号: CF, the date, and eight characters of a fresh id.
pub(crate) fn prescription_number(today: jiff::civil::Date) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    format!("CF{}{}", today.strftime("%Y%m%d"), &id[..8])
}

pub(crate) fn items(e: &Evaluated) -> Vec<(String, i64)> {
    e.lines
        .iter()
        .map(|l| (l.drug.code.clone(), i64::from(l.quantity)))
        .collect()
}

/// `POST /api/visits/{id}/prescriptions`: checks, signs and sends to review.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let encounter = encounter_or_404(&state, &id).await?;
    let caller = visit_doctor(&state, &ctx, &encounter, "create").await?;
    let request: PrescriptionBody = crate::error::json_body(&body)?;
    let tables = state.drugs.tables(&state.store).await?;
    let practitioner = caller.practitioner_id.clone().unwrap_or_default();
    let evaluated = evaluate(&state, &encounter, &practitioner, &request, &tables, None).await?;
    refuse_unsigned(&evaluated)?;
    let today = state.clock.today();
    let now = state.clock.now().as_microsecond();
    let number = prescription_number(today);
    let visit = (encounter.patient_id.as_str(), encounter.id.as_str());
    let content =
        signed_content(&state.store, &practitioner, &evaluated, &number, visit, now).await?;
    let items = items(&evaluated);
    let until = valid_until(today, request.validity_days);
    let record = state
        .store
        .insert_prescription(
            &NewPrescription {
                number: &number,
                encounter_id: &id,
                practitioner_id: &practitioner,
                role_id: encounter.practitioner_role_id.as_deref().unwrap_or(""),
                doctor: &caller.username,
                kind: evaluated.kind.code(),
                long_term: request.long_term,
                content: &content.to_string(),
                total_fen: evaluated.total_fen,
                valid_until: &until,
                items: &items,
            },
            now,
        )
        .await
        .map_err(prescription_error)?;
    let resource = format!("MedicationRequest/{}", record.id);
    audit::record(&state, &ctx, "create", &resource, SUCCESS, &record.number).await?;
    let view = prescription_json(&state, &record).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// `PUT /api/prescriptions/{id}`: a returned prescription amended, checked and signed again.
pub async fn amend(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let current = prescription_or_404(&state, &ctx, &id).await?;
    let encounter = encounter_or_404(&state, &current.encounter_id).await?;
    let caller = visit_doctor(&state, &ctx, &encounter, "update").await?;
    let request: PrescriptionBody = crate::error::json_body(&body)?;
    let version = request.version.ok_or_else(|| {
        ApiError::unprocessable(Text::new(
            "请提供所修改处方的版本号",
            "Give the version of the prescription you amended",
        ))
        .at("version")
    })?;
    let tables = state.drugs.tables(&state.store).await?;
    let practitioner = caller.practitioner_id.clone().unwrap_or_default();
    let evaluated = evaluate(
        &state,
        &encounter,
        &practitioner,
        &request,
        &tables,
        Some(&id),
    )
    .await?;
    refuse_unsigned(&evaluated)?;
    let today = state.clock.today();
    let now = state.clock.now().as_microsecond();
    let visit = (encounter.patient_id.as_str(), encounter.id.as_str());
    let content = signed_content(
        &state.store,
        &practitioner,
        &evaluated,
        &current.number,
        visit,
        now,
    )
    .await?;
    let items = items(&evaluated);
    let until = valid_until(today, request.validity_days);
    let record = state
        .store
        .amend_prescription(
            &id,
            version,
            &NewPrescription {
                number: &current.number,
                encounter_id: &current.encounter_id,
                practitioner_id: &practitioner,
                role_id: &current.role_id,
                doctor: &caller.username,
                kind: evaluated.kind.code(),
                long_term: request.long_term,
                content: &content.to_string(),
                total_fen: evaluated.total_fen,
                valid_until: &until,
                items: &items,
            },
            now,
        )
        .await
        .map_err(prescription_error)?;
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("MedicationRequest/{id}"),
        SUCCESS,
        "amended",
    )
    .await?;
    Ok(Json(prescription_json(&state, &record).await?).into_response())
}

/// `POST /api/prescriptions/{id}/cancel`: the doctor withdraws one not yet paid.
pub async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let current = prescription_or_404(&state, &ctx, &id).await?;
    let encounter = encounter_or_404(&state, &current.encounter_id).await?;
    visit_doctor(&state, &ctx, &encounter, "update").await?;
    let now = state.clock.now().as_microsecond();
    state
        .store
        .cancel_prescription(&id, now)
        .await
        .map_err(prescription_error)?;
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("MedicationRequest/{id}"),
        SUCCESS,
        "cancelled",
    )
    .await?;
    let record = prescription_or_404(&state, &ctx, &id).await?;
    Ok(Json(prescription_json(&state, &record).await?).into_response())
}

/// `GET /api/prescriptions/{id}`.
pub async fn read(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let record = prescription_or_404(&state, &ctx, &id).await?;
    Ok(Json(prescription_json(&state, &record).await?).into_response())
}

/// `GET /api/visits/{id}/prescriptions`: the visit's prescriptions, whether the caller may
/// prescribe.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let encounter = encounter_or_404(&state, &id).await?;
    if caller.role != Role::Pharmacist {
        authorize_read(
            &state,
            &ctx,
            &encounter.patient_id,
            Part::Visits,
            &format!("Encounter/{id}/prescriptions"),
            None,
        )
        .await?;
    }
    let doctor = holds_post(&state, caller, encounter.practitioner_role_id.as_deref()).await?;
    let found: Vec<PrescriptionRecord> = state
        .store
        .search_prescriptions(&PrescriptionFilter {
            encounter: Some(id.clone()),
            limit: 100,
            ..Default::default()
        })
        .await?;
    let mut out = Vec::new();
    for p in &found {
        out.push(prescription_json(&state, p).await?);
    }
    let open = matches!(
        encounter.status,
        huimin_domain::records::VisitStatus::Arrived
            | huimin_domain::records::VisitStatus::InProgress
    );
    Ok(Json(json!({
        "encounter": id,
        "can_prescribe": doctor && open,
        "prescriptions": out,
    }))
    .into_response())
}
