//! What each department is and whom it sees (`/api/departments`, public), and the
//! administrators' settings of it (`/api/admin/departments/{id}/profile`). The profiles are
//! read and cached with the booking rules (`state::department_book`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::directory::{Department, DepartmentProfile, Eligibility};
use huimin_domain::i18n::{Lang, Text};
use serde_json::{Map, Value, json};

use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::state::AppState;
use crate::state::department_book::PROFILE_PREFIX;

/// The limits as the visitor reads them (`仅接诊 14 岁以下患者`), or null.
fn said(limits: &Eligibility, lang: Lang) -> Value {
    limits
        .describe()
        .map_or(Value::Null, |t| Value::from(t.get(lang)))
}

/// One department's profile, with its limits described in `lang`.
pub fn view(id: &str, department: &Department, set: bool, lang: Lang) -> Value {
    let profile = &department.profile;
    let classes: Map<String, Value> = profile
        .classes
        .iter()
        .map(|(class, limits)| {
            let mut shown = serde_json::to_value(limits).expect("limits serialise");
            shown["text"] = said(limits, lang);
            (class.code().to_owned(), shown)
        })
        .collect();
    let mut eligibility = serde_json::to_value(profile.eligibility).expect("limits serialise");
    eligibility["text"] = said(&profile.eligibility, lang);
    json!({
        "department": format!("Organization/{id}"),
        "name": department.name.get(lang),
        "kind": profile.kind.code(),
        "kindText": profile.kind.label().get(lang),
        "bookable": profile.kind == huimin_domain::directory::DepartmentKind::Clinic,
        "listed": profile.kind.is_listed(),
        "eligibility": eligibility,
        "classes": classes,
        "set": set,
    })
}

/// `GET /api/departments`: every department's kind and limits, by id.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let rules = state.rules.current(&state.store).await?;
    let mut all: Vec<(&String, &Department)> = rules.directory().iter().collect();
    all.sort_by(|a, b| a.0.cmp(b.0));
    let departments: Vec<Value> = all
        .into_iter()
        .map(|(id, d)| view(id, d, rules.profile_is_set(id), ctx.lang))
        .collect();
    Ok(Json(json!({"departments": departments})).into_response())
}

/// 404 unless `id` is a department (an Organization of type `dept`), read afresh if the
/// cached departments do not have it (it may have just been added).
async fn require_department(state: &AppState, id: &str) -> Result<(), ApiError> {
    if state
        .rules
        .current(&state.store)
        .await?
        .directory()
        .get(id)
        .is_some()
    {
        return Ok(());
    }
    state.rules.forget();
    if state
        .rules
        .current(&state.store)
        .await?
        .directory()
        .get(id)
        .is_some()
    {
        return Ok(());
    }
    Err(super::rules::no_department(id))
}

fn invalid(issues: Vec<Issue>) -> ApiError {
    ApiError::with_issues(StatusCode::UNPROCESSABLE_ENTITY, issues)
}

/// The profile in a request body; 422 naming what does not read or is out of range.
fn profile_of(bytes: &[u8]) -> Result<DepartmentProfile, ApiError> {
    let profile: DepartmentProfile = serde_json::from_slice(bytes).map_err(|e| {
        invalid(vec![Issue::value(
            None,
            Text::new(
                format!("科室设置格式有误：{e}"),
                format!("The department's settings are not well formed: {e}"),
            ),
        )])
    })?;
    let problems = profile.problems();
    if problems.is_empty() {
        return Ok(profile);
    }
    Err(invalid(
        problems
            .into_iter()
            .map(|(field, text)| Issue::value(Some(&field), text))
            .collect(),
    ))
}

/// `PUT /api/admin/departments/{id}/profile`: the department's kind and limits.
pub async fn put(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    require_department(&state, &id).await?;
    let profile = profile_of(&bytes)?;
    let text = serde_json::to_string(&profile).expect("profile serialises");
    state
        .store
        .put_setting(&format!("{PROFILE_PREFIX}{id}"), &text)
        .await?;
    state.rules.forget();
    let detail = format!("Organization/{id}");
    audit::record(
        &state,
        &ctx,
        "update",
        "Setting/department-profile",
        SUCCESS,
        &detail,
    )
    .await?;
    show(&state, &ctx, &id).await
}

/// `DELETE /api/admin/departments/{id}/profile`: back to what the national code suggests.
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    require_department(&state, &id).await?;
    if state
        .store
        .delete_setting(&format!("{PROFILE_PREFIX}{id}"))
        .await?
    {
        state.rules.forget();
        let detail = format!("Organization/{id}");
        audit::record(
            &state,
            &ctx,
            "delete",
            "Setting/department-profile",
            SUCCESS,
            &detail,
        )
        .await?;
    }
    show(&state, &ctx, &id).await
}

/// The department's profile now in force.
async fn show(state: &AppState, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let rules = state.rules.current(&state.store).await?;
    let department = rules
        .directory()
        .get(id)
        .ok_or_else(|| ApiError::not_found(&format!("Organization/{id}")))?;
    Ok(Json(view(id, department, rules.profile_is_set(id), ctx.lang)).into_response())
}
