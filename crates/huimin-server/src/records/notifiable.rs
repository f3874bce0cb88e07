//! Notifiable-disease report cards (传染病报告卡) over HTTP: a doctor opens one
//! (`POST /api/notifiable-reports`) or a saved notifiable diagnosis does
//! (`Store::open_card_for_diagnosis_in`, in the transaction that saves it); the department's doctors complete it (`PUT …/{id}`) and submit
//! it (`POST …/{id}/submit`) before its deadline; the department's list shows the timers and
//! the overdue cards; submitted cards are exported as CSV in the national card's column
//! order (`export.rs`). Doctors of the card's department and administrators only; every read
//! and write is audited; patients get 403.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::masking::mask_document_number;
use huimin_domain::records::notifiable::{self, CardFields, CaseClass, check_for_submit, timer};
use huimin_domain::roles::Role;
use huimin_store::records::notifiable::fields_from_patient;
use huimin_store::records::notifiable::{DRAFT, SUBMITTED};
use huimin_store::records::{CardQuery, CardRecord, Diagnosis, NewCard};
use huimin_store::{Match, SearchClause, SearchQuery, Store, StoreError};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::audit::{self, DENIED, SUCCESS};
use crate::context::{Caller, Ctx};
use crate::error::{ApiError, Issue, json_body};
use crate::state::AppState;

#[path = "notifiable_export.rs"]
pub mod export;

const LIST_LIMIT: u32 = 200;

fn resource(id: &str) -> String {
    format!("NotifiableReport/{id}")
}

/// The departments (Organization ids) a doctor works in, from their PractitionerRoles.
pub async fn departments_of(store: &Store, practitioner: &str) -> Result<Vec<String>, StoreError> {
    let mut departments: Vec<String> = doctor_roles(store, practitioner)
        .await?
        .into_iter()
        .map(|(_, department)| department)
        .collect();
    departments.sort();
    departments.dedup();
    Ok(departments)
}

/// Whose cards the caller may see: every department's (administrators), their departments'
/// (doctors), or none (403).
pub(super) async fn scope(
    state: &AppState,
    caller: &Caller,
) -> Result<Option<Vec<String>>, ApiError> {
    match (caller.role, &caller.practitioner_id) {
        (Role::Admin, _) => Ok(None),
        (Role::Doctor, Some(practitioner)) => {
            Ok(Some(departments_of(&state.store, practitioner).await?))
        }
        _ => Err(ApiError::forbidden()),
    }
}

async fn allowed(
    state: &AppState,
    ctx: &Ctx,
    action: &str,
    what: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    let caller = ctx.require()?;
    match scope(state, caller).await {
        Ok(scope) => Ok(scope),
        Err(err) => {
            audit::record(state, ctx, action, what, DENIED, "role not allowed").await?;
            Err(err)
        }
    }
}

/// The card if the caller may see it; 404 otherwise (like a missing one).
async fn card_for(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    action: &str,
) -> Result<CardRecord, ApiError> {
    let scope = allowed(state, ctx, action, &resource(id)).await?;
    let card = state.store.card(id).await?;
    match card {
        Some(card)
            if scope
                .as_ref()
                .is_none_or(|d| d.contains(&card.department_id)) =>
        {
            Ok(card)
        }
        Some(_) => {
            audit::record(
                state,
                ctx,
                action,
                &resource(id),
                DENIED,
                "other department",
            )
            .await?;
            Err(ApiError::not_found(&resource(id)))
        }
        None => Err(ApiError::not_found(&resource(id))),
    }
}

fn instant(micros: i64) -> Timestamp {
    Timestamp::from_microsecond(micros).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn disease_json(key: &str) -> Value {
    match notifiable::builtin().get(key) {
        Some(d) => json!({"key": d.key, "name": d.name.zh, "name_en": d.name.en,
            "class": d.class.code(), "managed_as": d.managed_as.code(),
            "deadline_hours": d.deadline_hours}),
        None => json!({"key": key}),
    }
}

/// A card as the API shows it: the ID number masked.
pub fn card_json(card: &CardRecord, now: Timestamp) -> Value {
    let t = timer(instant(card.due_at), card.submitted_at.map(instant), now);
    let f = &card.fields;
    json!({
        "id": card.id,
        "patient": format!("Patient/{}", card.patient_id),
        "encounter": card.encounter_id.as_ref().map(|e| format!("Encounter/{e}")),
        "condition": card.condition_id.as_ref().map(|c| format!("Condition/{c}")),
        "code": card.icd10_code,
        "disease": disease_json(&card.disease),
        "department": format!("Organization/{}", card.department_id),
        "doctor": format!("PractitionerRole/{}", card.doctor_role_id),
        "diagnosed_at": instant(card.diagnosed_at).to_string(),
        "status": card.status,
        "timer": {"due_at": t.due_at.to_string(), "remaining_seconds": t.remaining_seconds,
            "overdue": t.overdue},
        "fields": {
            "patient_name": f.patient_name,
            "parent_name": f.parent_name,
            "sex": f.sex,
            "birth_date": f.birth_date.map(|d| d.to_string()),
            "id_number": mask_document_number(&f.id_number),
            "occupation": f.occupation,
            "address": f.address,
            "phone": f.phone,
            "onset_date": f.onset_date.map(|d| d.to_string()),
            "case_class": f.case_class.map(CaseClass::code),
            "remarks": f.remarks,
        },
        "opened_by": card.opened_by,
        "submitted_at": card.submitted_at.map(|s| instant(s).to_string()),
        "submitted_by": card.submitted_by,
        "version": card.version,
    })
}

/// The card's fields as far as the patient's record fills them in; `None` without one.
async fn prefill(store: &Store, patient_id: &str) -> Result<Option<CardFields>, StoreError> {
    Ok(store
        .read_resource("Patient", patient_id)
        .await?
        .map(|p| fields_from_patient(&p.content)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenBody {
    patient: String,
    code: String,
    encounter: Option<String>,
    condition: Option<String>,
    /// A disease sharing the code (J09: 人感染H7N9禽流感); the first listed when left out.
    disease: Option<String>,
    diagnosed_at: Option<String>,
}

fn reference_id<'a>(value: &'a str, kind: &str, field: &str) -> Result<&'a str, ApiError> {
    let id = value.strip_prefix(&format!("{kind}/")).unwrap_or(value);
    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.".contains(&b))
    {
        return Err(ApiError::bad_request(Text::new(
            format!("{field} 须为 {kind}/<id>"),
            format!("{field} must be {kind}/<id>"),
        ))
        .at(field));
    }
    Ok(id)
}

/// `POST /api/notifiable-reports`: a doctor opens a card for a patient's notifiable diagnosis
/// (201; 200 with the existing card when this patient, diagnosis and visit have one).
#[tracing::instrument(skip_all)]
pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if caller.role != Role::Doctor {
        audit::record(
            &state,
            &ctx,
            "create",
            "NotifiableReport",
            DENIED,
            "role not allowed",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let body: OpenBody = json_body(&body)?;
    let patient_id = reference_id(&body.patient, "Patient", "patient")?.to_owned();
    let encounter = body
        .encounter
        .as_deref()
        .map(|e| reference_id(e, "Encounter", "encounter"))
        .transpose()?;
    let condition = body
        .condition
        .as_deref()
        .map(|c| reference_id(c, "Condition", "condition"))
        .transpose()?;
    let entry = super::icd10::validate(&state.store, &body.code, "code").await?;
    let table = notifiable::builtin();
    let candidates = table.candidates_for(&entry.code);
    let disease = match (&body.disease, candidates.first()) {
        (_, None) => {
            return Err(ApiError::unprocessable(Text::new(
                format!("{} 不是法定传染病的诊断编码", entry.code),
                format!("{} is not the code of a notifiable disease", entry.code),
            ))
            .at("code"));
        }
        (None, Some(first)) => *first,
        (Some(key), Some(_)) => *candidates.iter().find(|d| &d.key == key).ok_or_else(|| {
            ApiError::unprocessable(Text::new(
                "所选传染病与诊断编码不符",
                "The disease chosen does not fit the diagnosis code",
            ))
            .at("disease")
        })?,
    };
    let now = state.clock.now();
    let diagnosed_at = match body.diagnosed_at.as_deref() {
        None => now,
        Some(raw) => match raw.parse::<Timestamp>() {
            Ok(at) if at <= now => at,
            _ => {
                return Err(ApiError::bad_request(Text::new(
                    "诊断时间须为不晚于现在的时间（RFC 3339）",
                    "diagnosed_at must be a time (RFC 3339) not after now",
                ))
                .at("diagnosed_at"));
            }
        },
    };
    let practitioner = caller.practitioner_id.clone().unwrap_or_default();
    let roles = doctor_roles(&state.store, &practitioner).await?;
    let Some((role_id, department_id)) = roles.into_iter().next() else {
        return Err(ApiError::unprocessable(Text::new(
            "您的账号未关联科室岗位，无法填报",
            "Your account has no post in a department to report from",
        )));
    };
    let Some(fields) = prefill(&state.store, &patient_id).await? else {
        return Err(ApiError::not_found(&format!("Patient/{patient_id}")));
    };
    let diagnosis = Diagnosis {
        patient_id: &patient_id,
        encounter_id: encounter,
        condition_id: condition,
        code: &entry.code,
        doctor_role_id: &role_id,
        department_id: &department_id,
        diagnosed_at,
    };
    let card = NewCard::for_diagnosis(&diagnosis, disease, fields, &caller.username);
    let (id, created) = state.store.open_card(&card, now.as_microsecond()).await?;
    let detail = format!("Patient/{patient_id}");
    audit::record(&state, &ctx, "create", &resource(&id), SUCCESS, &detail).await?;
    let stored = state
        .store
        .card(&id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(card_json(&stored, now))).into_response())
}

/// A doctor's posts: (PractitionerRole id, Organization id).
async fn doctor_roles(
    store: &Store,
    practitioner: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    let query = SearchQuery {
        clauses: vec![SearchClause {
            param: "practitioner".into(),
            any_of: vec![Match::Exact(huimin_store::IndexValue::Plain(format!(
                "Practitioner/{practitioner}"
            )))],
            negated: false,
        }],
        count: 100,
        ..SearchQuery::default()
    };
    let found = store.search_resources("PractitionerRole", &query).await?;
    Ok(found
        .items
        .iter()
        .filter_map(|r| {
            let org = r.content["organization"]["reference"]
                .as_str()?
                .strip_prefix("Organization/")?;
            Some((r.id.clone(), org.to_owned()))
        })
        .collect())
}

/// `GET /api/notifiable-reports/{id}`.
#[tracing::instrument(skip_all)]
pub async fn read(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let card = card_for(&state, &ctx, &id, "read").await?;
    audit::record(
        &state,
        &ctx,
        "read",
        &resource(&id),
        SUCCESS,
        &format!("Patient/{}", card.patient_id),
    )
    .await?;
    Ok(Json(card_json(&card, state.clock.now())).into_response())
}

/// The fields of a body: every field optional (a draft), dates as `YYYY-MM-DD`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct FieldsBody {
    patient_name: Option<String>,
    parent_name: Option<String>,
    sex: Option<String>,
    birth_date: Option<String>,
    id_number: Option<String>,
    occupation: Option<String>,
    address: Option<String>,
    phone: Option<String>,
    onset_date: Option<String>,
    case_class: Option<String>,
    remarks: Option<String>,
}

/// `fields` with the body's values over it; a field's problems named.
fn merge(mut fields: CardFields, body: FieldsBody) -> Result<CardFields, ApiError> {
    let mut issues = Vec::new();
    let date = |raw: &str, field: &str, issues: &mut Vec<Issue>| -> Option<jiff::civil::Date> {
        if raw.trim().is_empty() {
            return None;
        }
        raw.trim()
            .parse()
            .map_err(|_| {
                issues.push(Issue::value(
                    Some(field),
                    Text::new("日期格式须为 YYYY-MM-DD", "Dates are YYYY-MM-DD"),
                ));
            })
            .ok()
    };
    let set = |target: &mut String, value: Option<String>| {
        if let Some(v) = value {
            *target = v.trim().to_owned();
        }
    };
    set(&mut fields.patient_name, body.patient_name);
    set(&mut fields.parent_name, body.parent_name);
    set(&mut fields.sex, body.sex);
    set(&mut fields.occupation, body.occupation);
    set(&mut fields.address, body.address);
    set(&mut fields.phone, body.phone);
    set(&mut fields.remarks, body.remarks);
    // A masked number sent back unchanged keeps the stored one.
    if let Some(id) = body.id_number.filter(|v| !v.contains('*')) {
        fields.id_number = id.trim().to_owned();
    }
    if let Some(raw) = body.birth_date {
        fields.birth_date = date(&raw, "birth_date", &mut issues);
    }
    if let Some(raw) = body.onset_date {
        fields.onset_date = date(&raw, "onset_date", &mut issues);
    }
    if let Some(raw) = body.case_class {
        fields.case_class = match raw.trim() {
            "" => None,
            code => match CaseClass::from_code(code) {
                Some(c) => Some(c),
                None => {
                    issues.push(Issue::value(
                        Some("case_class"),
                        Text::new("病例分类无效", "Unknown case classification"),
                    ));
                    None
                }
            },
        };
    }
    if !fields.sex.is_empty() && !matches!(fields.sex.as_str(), "male" | "female") {
        issues.push(Issue::value(
            Some("sex"),
            Text::new("性别须为 male 或 female", "sex must be male or female"),
        ));
    }
    for i in notifiable::check_lengths(&fields) {
        issues.push(Issue::value(Some(i.field), i.text));
    }
    if issues.is_empty() {
        Ok(fields)
    } else {
        Err(ApiError::with_issues(StatusCode::BAD_REQUEST, issues))
    }
}

fn not_draft() -> ApiError {
    ApiError::conflict(Text::new(
        "报告卡已提交，不能再修改",
        "The card was submitted and cannot change",
    ))
}

/// `PUT /api/notifiable-reports/{id}`: saves a draft's fields (any subset).
#[tracing::instrument(skip_all)]
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let card = card_for(&state, &ctx, &id, "update").await?;
    let body: FieldsBody = json_body(&body)?;
    let fields = merge(card.fields.clone(), body)?;
    if card.status != DRAFT {
        return Err(not_draft());
    }
    let now = state.clock.now();
    if !state
        .store
        .save_card(&id, &fields, now.as_microsecond())
        .await?
    {
        return Err(not_draft());
    }
    audit::record(
        &state,
        &ctx,
        "update",
        &resource(&id),
        SUCCESS,
        &format!("Patient/{}", card.patient_id),
    )
    .await?;
    let stored = state
        .store
        .card(&id)
        .await?
        .ok_or_else(ApiError::internal)?;
    Ok(Json(card_json(&stored, now)).into_response())
}

/// `POST /api/notifiable-reports/{id}/submit`: the body's fields (optional) over the draft's,
/// checked as the national card requires (422 naming every field at fault), then submitted.
#[tracing::instrument(skip_all)]
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let card = card_for(&state, &ctx, &id, "update").await?;
    let body: FieldsBody = if body.is_empty() {
        FieldsBody::default()
    } else {
        json_body(&body)?
    };
    let fields = merge(card.fields.clone(), body)?;
    if card.status != DRAFT {
        return Err(not_draft());
    }
    let diagnosed_on = state.clock.wall(instant(card.diagnosed_at)).date();
    if let Err(issues) = check_for_submit(&fields, diagnosed_on, state.clock.today()) {
        let issues = issues
            .into_iter()
            .map(|i| Issue::value(Some(i.field), i.text))
            .collect();
        return Err(ApiError::with_issues(
            StatusCode::UNPROCESSABLE_ENTITY,
            issues,
        ));
    }
    let now = state.clock.now();
    let by = ctx.require()?.username.clone();
    if !state
        .store
        .submit_card(&id, &fields, &by, now.as_microsecond())
        .await?
    {
        return Err(not_draft());
    }
    audit::record(&state, &ctx, "update", &resource(&id), SUCCESS, "submitted").await?;
    let stored = state
        .store
        .card(&id)
        .await?
        .ok_or_else(ApiError::internal)?;
    Ok(Json(card_json(&stored, now)).into_response())
}

#[derive(Deserialize)]
pub struct ListParams {
    department: Option<String>,
    status: Option<String>,
}

/// `GET /api/notifiable-reports?department=&status=draft|submitted|overdue`: the cards of the
/// caller's departments (or one of them), soonest due first, each with its timer.
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let scope = allowed(&state, &ctx, "search", "NotifiableReport").await?;
    let now = state.clock.now();
    let mut query = CardQuery {
        limit: LIST_LIMIT,
        ..CardQuery::default()
    };
    match params.status.as_deref().map(str::trim) {
        None | Some("") => {}
        Some("draft") => query.status = Some(DRAFT),
        Some("submitted") => query.status = Some(SUBMITTED),
        Some("overdue") => query.due_before = Some(now.as_microsecond()),
        Some(_) => {
            return Err(ApiError::bad_request(Text::new(
                "status 须为 draft、submitted 或 overdue",
                "status must be draft, submitted or overdue",
            ))
            .at("status"));
        }
    }
    query.departments = match params.department.as_deref().map(str::trim) {
        None | Some("") => scope,
        Some(raw) => {
            let id = reference_id(raw, "Organization", "department")?.to_owned();
            if scope.as_ref().is_some_and(|d| !d.contains(&id)) {
                audit::record(
                    &state,
                    &ctx,
                    "search",
                    "NotifiableReport",
                    DENIED,
                    "other department",
                )
                .await?;
                return Err(ApiError::forbidden());
            }
            Some(vec![id])
        }
    };
    let cards = state.store.cards(&query).await?;
    let items: Vec<Value> = cards.iter().map(|c| card_json(c, now)).collect();
    let detail = format!("{} cards", items.len());
    audit::record(&state, &ctx, "search", "NotifiableReport", SUCCESS, &detail).await?;
    Ok(Json(json!({"items": items, "now": now.to_string()})).into_response())
}
