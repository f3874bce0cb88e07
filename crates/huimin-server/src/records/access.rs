//! Who may read which part of a patient's record (B11), and the audit of every read.
//!
//! Patients (and their family accounts) read their family's records; another family's are
//! 404, like a missing id. A doctor reads the records of patients in their own sessions, in
//! their department's lines today, or referred to them; anything else is break-the-glass: the
//! read needs a reason (`break_glass`), is flagged in the audit and kept for the department
//! head. Nurses, registrars and pharmacists see only the parts their work needs
//! (`RecordView::of`); administrators none.

use huimin_domain::i18n::Text;
use huimin_domain::records::{DoctorAccess, RecordView, check_break_glass_reason, doctor_access};
use huimin_domain::roles::Role;
use huimin_store::records::BreakGlassRecord;

use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

/// How long one break-the-glass reason covers a doctor's reads of the same patient.
pub const BREAK_GLASS_WINDOW_MICROS: i64 = 8 * 3600 * 1_000_000;

/// A part of the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Visits,
    Allergies,
    Diagnoses,
    Notes,
    /// Laboratory and imaging results.
    Results,
}

impl Part {
    fn allowed(self, view: RecordView) -> bool {
        match self {
            Part::Visits => view.visits,
            Part::Allergies => view.allergies,
            Part::Diagnoses => view.diagnoses,
            Part::Notes => view.notes,
            Part::Results => view.results,
        }
    }
}

/// How the caller reached the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The patient or their family account.
    Family,
    /// A doctor caring for the patient.
    Care,
    /// A doctor outside care, with a reason.
    BreakTheGlass,
    /// Another staff role, limited to its view.
    Role,
}

/// A doctor's posts (PractitionerRole ids) and their departments.
pub async fn posts_of(
    state: &AppState,
    practitioner: &str,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let roles = crate::appointments::roles_of(state, practitioner).await?;
    let mut departments = Vec::new();
    for role in &roles {
        if let Some(d) = crate::appointments::department_of_role(&state.store, role).await?
            && !departments.contains(&d)
        {
            departments.push(d);
        }
    }
    Ok((roles, departments))
}

/// Checks that the caller may read `part` of `patient_id`'s record and audits the read of
/// `resource` (success, or the refusal). `break_glass` is a doctor's reason for reading
/// outside their care.
pub async fn authorize_read(
    state: &AppState,
    ctx: &Ctx,
    patient_id: &str,
    part: Part,
    resource: &str,
    break_glass: Option<&str>,
) -> Result<Reach, ApiError> {
    let caller = ctx.require()?;
    let deny = |detail: &'static str| async move {
        audit::record(state, ctx, "read", resource, DENIED, detail).await
    };
    match caller.role {
        Role::Patient => {
            if !caller.patient_ids.iter().any(|p| p == patient_id) {
                deny("not the family's record").await?;
                return Err(ApiError::not_found(resource));
            }
            audit::record(state, ctx, "read", resource, SUCCESS, "record").await?;
            Ok(Reach::Family)
        }
        Role::Doctor => {
            let Some(practitioner) = caller.practitioner_id.as_deref() else {
                deny("no practitioner").await?;
                return Err(ApiError::forbidden());
            };
            let (roles, departments) = posts_of(state, practitioner).await?;
            let today = state.clock.today().to_string();
            let facts = state
                .store
                .care_facts(&roles, &departments, patient_id, &today)
                .await?;
            if doctor_access(facts) == DoctorAccess::Care {
                audit::record(state, ctx, "read", resource, SUCCESS, "record: care").await?;
                return Ok(Reach::Care);
            }
            let now = state.clock.now().as_microsecond();
            if let Some(reason) = break_glass {
                let reason = check_break_glass_reason(reason)
                    .map_err(|p| ApiError::unprocessable(p.text).at("break_glass"))?;
                state
                    .store
                    .record_break_glass(&BreakGlassRecord {
                        id: uuid::Uuid::now_v7().to_string(),
                        practitioner_id: practitioner.to_owned(),
                        department_id: departments.first().cloned(),
                        patient_id: patient_id.to_owned(),
                        reason,
                        at: now,
                    })
                    .await?;
                audit::record(state, ctx, "read", resource, SUCCESS, "break-the-glass").await?;
                return Ok(Reach::BreakTheGlass);
            }
            let since = now - BREAK_GLASS_WINDOW_MICROS;
            if state
                .store
                .broke_glass_since(practitioner, patient_id, since)
                .await?
            {
                audit::record(state, ctx, "read", resource, SUCCESS, "break-the-glass").await?;
                return Ok(Reach::BreakTheGlass);
            }
            deny("break-the-glass: no reason").await?;
            Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "forbidden",
                Text::new(
                    "该患者不在您的诊治范围内（本人出诊、本科室今日候诊或转诊给您）。如确需查阅，请填写原因后紧急查阅；查阅将记录并报科主任",
                    "This patient is not in your care (your sessions, your department's lines today, or referred to you). To read the record anyway, give a reason (break the glass); the access is recorded and shown to the head of department",
                ),
            )
            .at("break_glass"))
        }
        role => {
            if part.allowed(RecordView::of(role)) {
                audit::record(state, ctx, "read", resource, SUCCESS, "record").await?;
                Ok(Reach::Role)
            } else {
                deny("role may not read this part of the record").await?;
                Err(ApiError::forbidden())
            }
        }
    }
}

/// The extension on a PractitionerRole that makes its holder the head of its department
/// (科主任): they see the department's break-the-glass reads.
pub const DEPARTMENT_HEAD_EXT: &str = "urn:huimin:ext:department-head";

/// `GET /api/records/break-glass`: for a department head, the break-the-glass reads of the
/// departments they head in the last 30 days, latest first; for an administrator those of
/// `?department=`.
pub async fn department_break_glass(
    axum::extract::State(state): axum::extract::State<AppState>,
    ctx: Ctx,
    axum::extract::Query(query): axum::extract::Query<std::collections::BTreeMap<String, String>>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let caller = ctx.require()?;
    let mut departments = Vec::new();
    match (caller.role, caller.practitioner_id.as_deref()) {
        (Role::Admin, _) => departments.extend(query.get("department").cloned()),
        (Role::Doctor, Some(practitioner)) => {
            for role in crate::appointments::roles_of(&state, practitioner).await? {
                let Some(post) = state.store.read_resource("PractitionerRole", &role).await? else {
                    continue;
                };
                let head = post.content["extension"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|e| e["url"] == DEPARTMENT_HEAD_EXT && e["valueBoolean"] == true);
                if head
                    && let Some(d) =
                        crate::appointments::department_of_role(&state.store, &role).await?
                {
                    departments.push(d);
                }
            }
        }
        _ => {}
    }
    if departments.is_empty() {
        audit::record(
            &state,
            &ctx,
            "read",
            "BreakGlass",
            DENIED,
            "not a department head",
        )
        .await?;
        return Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "forbidden",
            Text::new(
                "只有科主任可以查看本科室的紧急调阅记录",
                "Only a department head sees the department's break-the-glass reads",
            ),
        ));
    }
    let since = state.clock.now().as_microsecond() - 30 * 24 * 3600 * 1_000_000;
    let mut items = Vec::new();
    for department in &departments {
        let department_name = resource_name(&state, "Organization", department).await?;
        for r in state
            .store
            .break_glass_of_department(department, since)
            .await?
        {
            let practitioner_name =
                resource_name(&state, "Practitioner", &r.practitioner_id).await?;
            let patient_name =
                crate::appointments::calling::patient_name(&state, &r.patient_id).await?;
            items.push(serde_json::json!({
                "department": format!("Organization/{department}"),
                "department_name": department_name,
                "practitioner": format!("Practitioner/{}", r.practitioner_id),
                "practitioner_name": practitioner_name,
                "patient": format!("Patient/{}", r.patient_id),
                // The head judges whether the reason held, not who the patient is.
                "patient_masked": huimin_domain::masking::mask_name(&patient_name),
                "reason": r.reason,
                "at": huimin_store::instant_text(r.at),
            }));
        }
    }
    audit::record(
        &state,
        &ctx,
        "read",
        "BreakGlass",
        SUCCESS,
        "department head list",
    )
    .await?;
    Ok(axum::Json(serde_json::json!({"reads": items})).into_response())
}

/// A directory resource's display name: an Organization's `name`, a Practitioner's first
/// `name.text`.
async fn resource_name(state: &AppState, kind: &str, id: &str) -> Result<String, ApiError> {
    let content = state
        .store
        .read_resource(kind, id)
        .await?
        .map(|r| r.content)
        .unwrap_or_default();
    let name = match kind {
        "Organization" => content["name"].as_str(),
        _ => content["name"][0]["text"].as_str(),
    };
    Ok(name.unwrap_or_default().to_owned())
}
