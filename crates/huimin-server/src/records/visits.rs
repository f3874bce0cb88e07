//! The visit and its outpatient note over `/api`: the doctor's view of a visit (note, the
//! patient's allergies, the department's template, the previous note), saving the draft,
//! signing after re-entering the password, amending with a reason, recording an allergy and
//! finishing the visit.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::records::{
    Allergy, Note, NoteInput, NoteProblem, NoteTemplates, Section, check_amendment_reason,
    unsigned_overdue,
};
use huimin_domain::roles::Role;
use huimin_fhir::names::DEPARTMENT_CODE_SYSTEM;
use huimin_store::records::{
    AllergyRecord, EncounterRecord, NewNote, NoteRecord, NoteWriteError, SignatureFacts,
};
use huimin_store::{Store, instant_text};
use serde::Deserialize;
use serde_json::{Value, json};

use super::access::{Part, Reach, authorize_read};
use super::signing::{LocalSigner, Signer, signed_document};
use super::views::{self, NoteFacts, VersionKind};
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::{Caller, Ctx};
use crate::error::ApiError;
use crate::state::AppState;
use crate::state::throttle::LoginThrottle;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ReadQuery {
    /// A doctor's reason for reading a record outside their care.
    pub break_glass: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiagnosisBody {
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default = "confirmed")]
    pub certainty: String,
}

fn confirmed() -> String {
    "confirmed".into()
}

/// A note as sent: section texts by key, diagnoses in rank order (the first is primary).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    #[serde(default)]
    pub sections: BTreeMap<String, String>,
    #[serde(default)]
    pub diagnoses: Vec<DiagnosisBody>,
    /// Amendments: why.
    #[serde(default)]
    pub reason: Option<String>,
    /// Signing and amending: the doctor's password, again.
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignBody {
    pub password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllergyBody {
    pub substance: String,
    pub reaction: String,
    pub severity: String,
}

fn problem(p: NoteProblem) -> ApiError {
    ApiError::unprocessable(p.text).at(p.field)
}

impl NoteBody {
    fn input(&self) -> Result<NoteInput, ApiError> {
        let mut sections = Vec::new();
        for (key, text) in &self.sections {
            let section = Section::from_key(key).ok_or_else(|| {
                ApiError::unprocessable(Text::new(
                    format!("未知的病历栏目：{key}"),
                    format!("Unknown section of the note: {key}"),
                ))
                .at(format!("sections.{key}"))
            })?;
            sections.push((section, text.clone()));
        }
        Ok(NoteInput {
            sections,
            diagnoses: self
                .diagnoses
                .iter()
                .map(|d| (d.code.clone(), d.name.clone(), d.certainty.clone()))
                .collect(),
        })
    }
}

/// The form as typed, kept beside the FHIR view so the draft reopens as it was.
fn input_json(note: &Note) -> Value {
    let sections: serde_json::Map<String, Value> = Section::ALL
        .into_iter()
        .map(|s| (s.key().to_owned(), Value::from(note.section(s))))
        .collect();
    json!({
        "sections": sections,
        "diagnoses": note.diagnoses.iter().map(|d| json!({
            "code": d.code.as_str(),
            "name": d.name,
            "certainty": d.certainty.code(),
        })).collect::<Vec<_>>(),
    })
}

/// Reads a stored `input` back into a note.
fn note_of(content: &Value) -> Note {
    let input = &content["input"];
    let sections = Section::ALL
        .into_iter()
        .map(|s| {
            (
                s,
                input["sections"][s.key()]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    let diagnoses = input["diagnoses"]
        .as_array()
        .map(|ds| {
            ds.iter()
                .map(|d| {
                    let text = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
                    (text("code"), text("name"), text("certainty"))
                })
                .collect()
        })
        .unwrap_or_default();
    Note::draft(&NoteInput {
        sections,
        diagnoses,
    })
    .unwrap_or_default()
}

async fn encounter_or_404(state: &AppState, id: &str) -> Result<EncounterRecord, ApiError> {
    state
        .store
        .encounter(id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Encounter/{id}")))
}

/// The caller is the doctor of this visit (it is in one of their posts' sessions); else the
/// refusal is audited. Returns the caller and the post.
async fn visit_doctor<'a>(
    state: &AppState,
    ctx: &'a Ctx,
    encounter: &EncounterRecord,
    resource: &str,
) -> Result<(&'a Caller, String, String), ApiError> {
    let caller = ctx.require()?;
    let refuse = || async {
        audit::record(
            state,
            ctx,
            "update",
            resource,
            DENIED,
            "not the visit's doctor",
        )
        .await?;
        Err::<(), _>(
            ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                Text::new(
                    "这是其他医生接诊的病历，只有接诊医生可以书写、签名和修改",
                    "This is another doctor's visit: only the doctor who saw the patient may write, sign or amend its note",
                ),
            )
            .at("note"),
        )
    };
    let (Role::Doctor, Some(practitioner)) = (caller.role, caller.practitioner_id.clone()) else {
        refuse().await?;
        return Err(ApiError::forbidden());
    };
    let roles = crate::appointments::roles_of(state, &practitioner).await?;
    match &encounter.practitioner_role_id {
        Some(role) if roles.contains(role) => Ok((caller, practitioner, role.clone())),
        _ => {
            refuse().await?;
            Err(ApiError::forbidden())
        }
    }
}

/// The allergies of a patient as references (for the note) and JSON (for the page).
async fn allergies_of(
    state: &AppState,
    patient_id: &str,
) -> Result<(Vec<String>, Vec<Value>), ApiError> {
    let records = state.store.allergies_of(patient_id).await?;
    let ids = records.iter().map(|a| a.id.clone()).collect();
    let items = records
        .iter()
        .map(|a| {
            let (substance, reaction, severity) = views::allergy_facts(&a.content);
            json!({
                "id": a.id,
                "substance": substance,
                "reaction": reaction,
                "severity": severity,
                "recorded": instant_text(a.recorded_at),
                "encounter": a.encounter_id,
            })
        })
        .collect();
    Ok((ids, items))
}

/// Checks every diagnosis code against the ICD-10 table; the name from the table wins.
async fn check_codes(state: &AppState, note: &mut Note) -> Result<(), ApiError> {
    for (i, d) in note.diagnoses.iter_mut().enumerate() {
        let entry =
            super::codes::known_icd10(state, &d.code, &format!("diagnoses[{i}].code")).await?;
        d.name = entry.name_zh;
    }
    Ok(())
}

/// The stored form of a note version: the form as typed, the Composition and Conditions.
pub(crate) fn content_of(note: &Note, facts: &NoteFacts<'_>, amendment: Option<Value>) -> Value {
    let (composition, conditions) = views::composition(note, facts);
    let mut content = json!({
        "input": input_json(note),
        "composition": composition,
        "conditions": conditions,
    });
    if let Some(a) = amendment {
        content["amendment"] = a;
    }
    content
}

fn write_error(e: NoteWriteError) -> ApiError {
    match e {
        NoteWriteError::Signed => ApiError::conflict(Text::new(
            "病历已签名，不能直接修改；请提交修改并填写修改原因",
            "The note is signed and cannot be changed in place; amend it, giving a reason",
        ))
        .at("note"),
        NoteWriteError::NotSigned => ApiError::conflict(Text::new(
            "病历尚未签名，请直接保存草稿后签名",
            "The note is not signed yet: save the draft and sign it",
        ))
        .at("note"),
        NoteWriteError::Conflict => ApiError::conflict(Text::new(
            "病历刚被修改过，请刷新后重试",
            "The note was changed meanwhile; reload and try again",
        ))
        .at("note"),
        NoteWriteError::Store(e) => e.into(),
    }
}

/// Re-checks the signing doctor's password; a wrong one counts as a failed login.
async fn check_password(
    state: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    password: Option<&str>,
    resource: &str,
) -> Result<(), ApiError> {
    let user = state
        .store
        .user_by_id(&caller.user_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    // The same back-off as logins: a stolen session cannot guess the password here either.
    let keys = LoginThrottle::login_keys(&state.store, &user.username, ctx.ip);
    let now = huimin_store::now_micros();
    if let Some(seconds) =
        LoginThrottle::blocked_for(&state.store, &[&keys.account, &keys.address], now).await?
    {
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            Text::new(
                format!("密码错误次数过多，请 {seconds} 秒后再签名"),
                format!(
                    "Too many wrong passwords; sign again in {}",
                    huimin_domain::i18n::en_count(seconds, "second")
                ),
            ),
        );
        error.retry_after = Some(seconds);
        return Err(error);
    }
    let ok = password.is_some_and(|p| state.passwords.verify(p, &user.password_hash));
    if ok {
        return Ok(());
    }
    let throttle = &state.throttle;
    throttle
        .failed(&state.store, &keys.account, throttle.account, now)
        .await?;
    throttle
        .failed(&state.store, &keys.address, throttle.address, now)
        .await?;
    audit::record(
        state,
        ctx,
        "update",
        resource,
        DENIED,
        "sign: wrong password",
    )
    .await?;
    Err(ApiError::unprocessable(Text::new(
        "密码不正确，病历未签名",
        "Wrong password: the note is not signed",
    ))
    .at("password"))
}

fn now_text(state: &AppState) -> String {
    instant_text(state.clock.now().as_microsecond())
}

/// `GET /api/visits/{id}`: the visit as its reader may see it.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<ReadQuery>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let encounter = encounter_or_404(&state, &id).await?;
    let resource = format!("Encounter/{id}");
    let reach = authorize_read(
        &state,
        &ctx,
        &encounter.patient_id,
        Part::Visits,
        &resource,
        query.break_glass.as_deref(),
    )
    .await?;
    let view = huimin_domain::records::RecordView::of(caller.role);
    let patient = state
        .store
        .read_resource("Patient", &encounter.patient_id)
        .await?
        .map(|p| p.content)
        .unwrap_or_default();
    let doctor = match &encounter.practitioner_role_id {
        Some(role) => state
            .store
            .read_resource("PractitionerRole", role)
            .await?
            .and_then(|r| {
                r.content["practitioner"]["display"]
                    .as_str()
                    .map(str::to_owned)
            })
            .unwrap_or_default(),
        None => String::new(),
    };
    let department = state
        .store
        .read_resource("Organization", &encounter.department_id)
        .await?
        .map(|o| o.content)
        .unwrap_or_default();
    let department_code = department["identifier"]
        .as_array()
        .and_then(|ids| {
            ids.iter()
                .find(|i| i["system"] == DEPARTMENT_CODE_SYSTEM)
                .and_then(|i| i["value"].as_str())
        })
        .map(str::to_owned);
    let can_write = visit_doctor_quiet(&state, caller, &encounter).await?;
    let (_, allergies) = if view.allergies {
        allergies_of(&state, &encounter.patient_id).await?
    } else {
        (Vec::new(), Vec::new())
    };
    let mut note_json = Value::Null;
    let mut previous = Value::Null;
    if view.notes {
        if let Some(head) = state.store.note_of_encounter(&encounter.id).await? {
            // Patients see signed notes only.
            if head.is_signed() || reach != Reach::Family {
                note_json = note_view(&state, &head).await?;
            }
        }
        if can_write {
            previous = previous_note(&state, &encounter).await?;
        }
    }
    let templates = NoteTemplates::builtin();
    let template = templates.for_department(department_code.as_deref());
    let body = json!({
        "encounter": views::encounter(&encounter),
        "status": encounter.status.code(),
        "date": encounter.session_date,
        "patient": {
            "id": encounter.patient_id,
            "name": patient["name"][0]["text"],
            "gender": patient["gender"],
            "birth_date": patient["birthDate"],
        },
        "doctor": doctor,
        "department": {"id": encounter.department_id, "name": department["name"], "code": department_code},
        "can_write": can_write,
        "allergies": allergies,
        "note": note_json,
        "previous": previous,
        "template": template.key,
        "templates": if can_write { templates.all().map(|t| json!({
            "key": t.key,
            "name": t.name,
            "sections": Section::ALL.into_iter().map(|s| (s.key().to_owned(), Value::from(t.text(s)))).collect::<serde_json::Map<_, _>>(),
        })).collect::<Vec<_>>() } else { Vec::new() },
    });
    Ok(Json(body).into_response())
}

/// Whether the caller is this visit's doctor, without auditing a refusal.
async fn visit_doctor_quiet(
    state: &AppState,
    caller: &Caller,
    encounter: &EncounterRecord,
) -> Result<bool, ApiError> {
    let (Role::Doctor, Some(practitioner), Some(role)) = (
        caller.role,
        caller.practitioner_id.as_deref(),
        encounter.practitioner_role_id.as_deref(),
    ) else {
        return Ok(false);
    };
    Ok(crate::appointments::roles_of(state, practitioner)
        .await?
        .iter()
        .any(|r| r == role))
}

/// A note with every version (what changed, why, when signed).
pub async fn note_view(state: &AppState, head: &NoteRecord) -> Result<Value, ApiError> {
    let versions = state.store.note_versions(&head.id).await?;
    let current = versions
        .iter()
        .find(|v| v.version == head.version)
        .ok_or_else(ApiError::internal)?;
    let now = state.clock.now().as_microsecond();
    Ok(json!({
        "id": head.id,
        "status": head.status,
        "version": head.version,
        "sections": current.content["input"]["sections"],
        "diagnoses": current.content["input"]["diagnoses"],
        "signed_at": current.signature.as_ref().map(|s| instant_text(s.signed_at)),
        "updated": instant_text(head.updated_at),
        "overdue": !head.is_signed() && unsigned_overdue(head.created_at, now),
        "versions": versions.iter().map(|v| json!({
            "version": v.version,
            "signed_at": v.signature.as_ref().map(|s| instant_text(s.signed_at)),
            "key_id": v.signature.as_ref().map(|s| s.key_id.clone()),
            "reason": v.content["amendment"]["reason"],
            "changed": v.content["amendment"]["changed"],
            "sections": v.content["input"]["sections"],
            "diagnoses": v.content["input"]["diagnoses"],
        })).collect::<Vec<_>>(),
    }))
}

/// The patient's latest signed note of another visit, to copy from.
async fn previous_note(state: &AppState, encounter: &EncounterRecord) -> Result<Value, ApiError> {
    let notes = state
        .store
        .notes_of_patients(std::slice::from_ref(&encounter.patient_id))
        .await?;
    let Some(head) = notes
        .iter()
        .find(|n| n.encounter_id != encounter.id && n.is_signed())
    else {
        return Ok(Value::Null);
    };
    let Some(version) = state.store.note_version(&head.id, head.version).await? else {
        return Ok(Value::Null);
    };
    let date = state
        .store
        .encounter(&head.encounter_id)
        .await?
        .map(|e| e.session_date)
        .unwrap_or_default();
    Ok(json!({
        "encounter": head.encounter_id,
        "date": date,
        "sections": version.content["input"]["sections"],
        "diagnoses": version.content["input"]["diagnoses"],
    }))
}

/// `PUT /api/visits/{id}/note`: saves the draft (autosave and the Save button).
pub async fn save_draft(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let encounter = encounter_or_404(&state, &id).await?;
    let resource = format!("Encounter/{id}");
    let (_, practitioner, role) = visit_doctor(&state, &ctx, &encounter, &resource).await?;
    let request: NoteBody = crate::error::json_body(&body)?;
    let mut note = Note::draft(&request.input()?).map_err(problem)?;
    check_codes(&state, &mut note).await?;
    let existing = state.store.note_of_encounter(&encounter.id).await?;
    if let Some(head) = &existing {
        if head.author_practitioner_id != practitioner {
            audit::record(
                &state,
                &ctx,
                "update",
                &resource,
                DENIED,
                "another doctor's note",
            )
            .await?;
            return Err(ApiError::forbidden().at("note"));
        }
        if head.is_signed() {
            return Err(write_error(NoteWriteError::Signed));
        }
    }
    let now = state.clock.now().as_microsecond();
    let head = existing.unwrap_or_else(|| NoteRecord {
        id: uuid::Uuid::now_v7().to_string(),
        encounter_id: encounter.id.clone(),
        patient_id: encounter.patient_id.clone(),
        author_role_id: role.clone(),
        author_practitioner_id: practitioner.clone(),
        department_id: encounter.department_id.clone(),
        status: "draft".into(),
        version: 1,
        created_at: now,
        updated_at: now,
    });
    let (allergy_ids, _) = allergies_of(&state, &encounter.patient_id).await?;
    let facts = NoteFacts {
        head: &head,
        version: head.version,
        kind: VersionKind::Draft,
        date: now_text(&state),
        allergies: &allergy_ids,
    };
    let content = content_of(&note, &facts, None);
    let saved = state
        .store
        .save_note_draft(
            NewNote {
                id: &head.id,
                encounter_id: &head.encounter_id,
                patient_id: &head.patient_id,
                author_role_id: &head.author_role_id,
                author_practitioner_id: &head.author_practitioner_id,
                department_id: &head.department_id,
                content: &content,
            },
            now,
        )
        .await
        .map_err(write_error)?;
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("Composition/{}", saved.id),
        SUCCESS,
        "draft",
    )
    .await?;
    Ok(Json(note_view(&state, &saved).await?).into_response())
}

/// `POST /api/visits/{id}/note/sign` `{"password"}`: signs the draft.
pub async fn sign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let encounter = encounter_or_404(&state, &id).await?;
    let resource = format!("Encounter/{id}");
    let (caller, practitioner, _) = visit_doctor(&state, &ctx, &encounter, &resource).await?;
    let request: SignBody = crate::error::json_body(&body)?;
    let head = state
        .store
        .note_of_encounter(&encounter.id)
        .await?
        .ok_or_else(|| {
            ApiError::unprocessable(Text::new(
                "还没有病历草稿，请先书写并保存",
                "There is no draft yet: write and save the note first",
            ))
            .at("note")
        })?;
    if head.author_practitioner_id != practitioner {
        audit::record(
            &state,
            &ctx,
            "update",
            &resource,
            DENIED,
            "another doctor's note",
        )
        .await?;
        return Err(ApiError::forbidden().at("note"));
    }
    if head.is_signed() {
        return Err(write_error(NoteWriteError::Signed));
    }
    let draft = state
        .store
        .note_version(&head.id, head.version)
        .await?
        .ok_or_else(ApiError::internal)?;
    let note = note_of(&draft.content);
    // The signing rules (a chief complaint, a diagnosis) before the password.
    let note = Note::for_signing(&NoteInput {
        sections: Section::ALL
            .into_iter()
            .map(|s| (s, note.section(s).to_owned()))
            .collect(),
        diagnoses: note
            .diagnoses
            .iter()
            .map(|d| {
                (
                    d.code.to_string(),
                    d.name.clone(),
                    d.certainty.code().to_owned(),
                )
            })
            .collect(),
    })
    .map_err(problem)?;
    check_password(&state, &ctx, caller, Some(&request.password), &resource).await?;
    seal(
        &state,
        &ctx,
        &head,
        &practitioner,
        &encounter.patient_id,
        &note,
        Seal::First,
    )
    .await
}

/// `POST /api/visits/{id}/note/amend`: a new signed version of a signed note, naming what
/// changed and why.
pub async fn amend(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let encounter = encounter_or_404(&state, &id).await?;
    let resource = format!("Encounter/{id}");
    let (caller, practitioner, _) = visit_doctor(&state, &ctx, &encounter, &resource).await?;
    let request: NoteBody = crate::error::json_body(&body)?;
    let mut note = Note::for_signing(&request.input()?).map_err(problem)?;
    let reason =
        check_amendment_reason(request.reason.as_deref().unwrap_or_default()).map_err(problem)?;
    check_codes(&state, &mut note).await?;
    let head = state
        .store
        .note_of_encounter(&encounter.id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Encounter/{id} note")))?;
    if head.author_practitioner_id != practitioner {
        audit::record(
            &state,
            &ctx,
            "update",
            &resource,
            DENIED,
            "another doctor's note",
        )
        .await?;
        return Err(ApiError::forbidden().at("note"));
    }
    if !head.is_signed() {
        return Err(write_error(NoteWriteError::NotSigned));
    }
    let previous = state
        .store
        .note_version(&head.id, head.version)
        .await?
        .ok_or_else(ApiError::internal)?;
    let before = note_of(&previous.content);
    let mut changed: Vec<&str> = Section::ALL
        .into_iter()
        .filter(|s| before.section(*s) != note.section(*s))
        .map(Section::key)
        .collect();
    if before.diagnoses != note.diagnoses {
        changed.push("diagnoses");
    }
    if changed.is_empty() {
        return Err(ApiError::unprocessable(Text::new(
            "修改内容与当前版本相同",
            "The amendment changes nothing",
        ))
        .at("sections"));
    }
    check_password(&state, &ctx, caller, request.password.as_deref(), &resource).await?;
    let amendment = json!({"reason": reason, "changed": changed});
    seal(
        &state,
        &ctx,
        &head,
        &practitioner,
        &encounter.patient_id,
        &note,
        Seal::Amendment(amendment),
    )
    .await
}

/// What a signature seals: the draft as the first signed version, or an amendment (its
/// reason and changed sections) as the next one.
pub(crate) enum Seal {
    First,
    Amendment(Value),
}

/// Signs `note` as the doctor's next version of `head`, stores it with its signature, audits
/// it, opens the report cards its notifiable diagnoses call for, and answers the note's view.
async fn seal(
    state: &AppState,
    ctx: &Ctx,
    head: &NoteRecord,
    practitioner: &str,
    patient_id: &str,
    note: &Note,
    what: Seal,
) -> Result<Response, ApiError> {
    let action = match what {
        Seal::First => "sign",
        Seal::Amendment(_) => "amend",
    };
    let now = state.clock.now().as_microsecond();
    let sealed = seal_at(
        &state.store,
        head,
        practitioner,
        patient_id,
        note,
        what,
        now,
    )
    .await?;
    audit::record(
        state,
        ctx,
        "update",
        &format!("Composition/{}", sealed.id),
        SUCCESS,
        action,
    )
    .await?;
    super::codes::open_report_cards(state, ctx, &sealed, &note.diagnoses).await?;
    Ok(Json(note_view(state, &sealed).await?).into_response())
}

/// The signing step itself, at `now`: the version's content, its Ed25519 signature and the
/// store's write (a signed version is never written again).
pub(crate) async fn seal_at(
    store: &Store,
    head: &NoteRecord,
    practitioner: &str,
    patient_id: &str,
    note: &Note,
    what: Seal,
    now: i64,
) -> Result<NoteRecord, ApiError> {
    let allergy_ids: Vec<String> = store
        .allergies_of(patient_id)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let (version, kind, amendment) = match what {
        Seal::First => (head.version, VersionKind::Final, None),
        Seal::Amendment(amendment) => (head.version + 1, VersionKind::Amended, Some(amendment)),
    };
    let amend = amendment.is_some();
    let facts = NoteFacts {
        head,
        version,
        kind,
        date: instant_text(now),
        allergies: &allergy_ids,
    };
    let content = content_of(note, &facts, amendment);
    let signer = LocalSigner { store, now };
    let made = signer
        .sign(practitioner, &signed_document(&content))
        .await?;
    let signature = SignatureFacts {
        key_id: made.key_id,
        signature: made.signature,
        signed_at: now,
    };
    let written = if amend {
        store
            .amend_note(&head.id, head.version, &content, &signature)
            .await
    } else {
        store
            .sign_note(&head.id, head.version, &content, &signature)
            .await
    };
    written.map_err(write_error)
}

/// `POST /api/visits/{id}/allergies`: records an allergy of the visit's patient.
pub async fn add_allergy(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let encounter = encounter_or_404(&state, &id).await?;
    let resource = format!("Encounter/{id}");
    let (_, _, role) = visit_doctor(&state, &ctx, &encounter, &resource).await?;
    let request: AllergyBody = crate::error::json_body(&body)?;
    let allergy: Allergy = Allergy::parse(
        "allergy",
        &request.substance,
        &request.reaction,
        &request.severity,
    )
    .map_err(problem)?;
    let now = state.clock.now().as_microsecond();
    let allergy_id = uuid::Uuid::now_v7().to_string();
    let resource_view = views::allergy(
        &allergy_id,
        &encounter.patient_id,
        Some(&encounter.id),
        &role,
        &instant_text(now),
        &allergy,
    );
    state
        .store
        .add_allergy(&AllergyRecord {
            id: allergy_id.clone(),
            patient_id: encounter.patient_id.clone(),
            encounter_id: Some(encounter.id.clone()),
            content: serde_json::to_value(&resource_view).map_err(|_| ApiError::internal())?,
            recorded_by: role,
            recorded_at: now,
        })
        .await?;
    audit::record(
        &state,
        &ctx,
        "create",
        &format!("AllergyIntolerance/{allergy_id}"),
        SUCCESS,
        "allergy",
    )
    .await?;
    let (_, items) = allergies_of(&state, &encounter.patient_id).await?;
    Ok((StatusCode::CREATED, Json(json!({"allergies": items}))).into_response())
}

/// `POST /api/visits/{id}/finish`: the doctor finishes the visit.
pub async fn finish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let encounter = encounter_or_404(&state, &id).await?;
    let resource = format!("Encounter/{id}");
    visit_doctor(&state, &ctx, &encounter, &resource).await?;
    let now = state.clock.now().as_microsecond();
    let Some(done) = state.store.finish_encounter(&id, now).await? else {
        return Err(ApiError::conflict(Text::new(
            "该就诊已结束或已取消",
            "This visit is already finished or cancelled",
        ))
        .at("status"));
    };
    audit::record(&state, &ctx, "update", &resource, SUCCESS, "finished").await?;
    Ok(crate::fhir::fhir_response(
        StatusCode::OK,
        &serde_json::to_value(views::encounter(&done)).map_err(|_| ApiError::internal())?,
    ))
}

/// `GET /api/me/unsigned-notes`: the calling doctor's notes still unsigned, those older than
/// 24 hours flagged (a quality-control item).
pub async fn my_unsigned(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let Some(practitioner) = caller.practitioner_id.as_deref() else {
        return Ok(Json(json!({"notes": []})).into_response());
    };
    let now = state.clock.now().as_microsecond();
    let notes = state.store.unsigned_notes_of(practitioner).await?;
    let mut items = Vec::new();
    for n in &notes {
        items.push(json!({
            "note": n.id,
            "encounter": n.encounter_id,
            "patient": n.patient_id,
            "name": crate::appointments::calling::patient_name(&state, &n.patient_id).await?,
            "created": instant_text(n.created_at),
            "overdue": unsigned_overdue(n.created_at, now),
        }));
    }
    audit::record(
        &state,
        &ctx,
        "read",
        "Composition",
        SUCCESS,
        "unsigned notes",
    )
    .await?;
    Ok(Json(json!({"notes": items})).into_response())
}
