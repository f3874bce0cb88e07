//! `POST /api/visits/{id}/external-medications`: the visit's doctor records a medicine the
//! patient takes on another hospital's prescription (院外用药), from the patient's papers; `GET`
//! lists those still taken. Every new prescription is checked against them (duplicates,
//! interactions) until their last day.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_store::prescriptions::ExternalMedicationRecord;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::orders::{encounter_or_404, holds_post};
use crate::records::access::{Part, authorize_read};
use crate::state::AppState;

/// Longest a recorded medicine is kept without being recorded again.
const MAX_DAYS_AHEAD: i64 = 366;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalBody {
    drug: String,
    hospital: String,
    /// The last day it is taken (YYYY-MM-DD).
    until: String,
}

fn record_json(r: &ExternalMedicationRecord, name: Option<Text>) -> Value {
    json!({
        "id": r.id,
        "drug": r.drug_code,
        "name": name.map(|n| json!({"zh": n.zh, "en": n.en})),
        "hospital": r.hospital,
        "until": r.until,
        "recorded_by": r.recorded_by,
        "recorded_at": r.recorded_at,
    })
}

pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let encounter = encounter_or_404(&state, &id).await?;
    if !holds_post(&state, caller, encounter.practitioner_role_id.as_deref()).await? {
        return Err(ApiError::forbidden());
    }
    let request: ExternalBody = crate::error::json_body(&body)?;
    let tables = state.drugs.tables(&state.store).await?;
    let drug = tables.formulary.get(&request.drug).ok_or_else(|| {
        ApiError::unprocessable(Text::new(
            format!("药品编码“{}”不在本院药品字典中", request.drug),
            format!(
                "drug code {:?} is not in the hospital's formulary",
                request.drug
            ),
        ))
        .at("drug")
    })?;
    let hospital = request.hospital.trim();
    if !(2..=60).contains(&hospital.chars().count()) || hospital.contains(['<', '>']) {
        return Err(ApiError::unprocessable(Text::new(
            "请填写开具医院（2–60 个字符）",
            "Name the hospital that prescribed it (2 to 60 characters)",
        ))
        .at("hospital"));
    }
    let today = state.clock.today();
    let latest = today
        .checked_add(jiff::Span::new().days(MAX_DAYS_AHEAD))
        .unwrap_or(today);
    let until = request
        .until
        .parse::<jiff::civil::Date>()
        .ok()
        .filter(|d| *d >= today && *d <= latest)
        .ok_or_else(|| {
            ApiError::unprocessable(Text::new(
                format!("服用截止日期须为今天起 {MAX_DAYS_AHEAD} 天内的日期（YYYY-MM-DD）"),
                format!("the last day must be a date within {MAX_DAYS_AHEAD} days from today (YYYY-MM-DD)"),
            ))
            .at("until")
        })?;
    let record = ExternalMedicationRecord {
        id: uuid::Uuid::now_v7().to_string(),
        patient_id: encounter.patient_id.clone(),
        drug_code: drug.code.clone(),
        hospital: hospital.to_owned(),
        until: until.to_string(),
        recorded_by: caller.username.clone(),
        recorded_at: state.clock.now().as_microsecond(),
    };
    state.store.add_external_medication(&record).await?;
    let resource = format!("Patient/{}/external-medications", encounter.patient_id);
    audit::record(&state, &ctx, "create", &resource, SUCCESS, &drug.code).await?;
    Ok((
        StatusCode::CREATED,
        Json(record_json(&record, Some(drug.name()))),
    )
        .into_response())
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let encounter = encounter_or_404(&state, &id).await?;
    let resource = format!("Encounter/{id}/external-medications");
    authorize_read(
        &state,
        &ctx,
        &encounter.patient_id,
        Part::Visits,
        &resource,
        None,
    )
    .await?;
    let tables = state.drugs.tables(&state.store).await?;
    let today = state.clock.today().to_string();
    let found = state
        .store
        .external_medications(&encounter.patient_id, &today)
        .await?;
    let out: Vec<Value> = found
        .iter()
        .map(|r| record_json(r, tables.formulary.get(&r.drug_code).map(|d| d.name())))
        .collect();
    Ok(Json(json!({"medications": out})).into_response())
}
