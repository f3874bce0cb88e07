//! Administrators read and change the booking thresholds in force (`/api/admin/booking-rules`);
//! the rule book that reads, checks and caches them is `state::rule_book`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use serde_json::{Map, Value, json};

use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::state::AppState;
use crate::state::rule_book::{
    DEPARTMENT_FIELDS, DEPARTMENT_PREFIX, Department, HOSPITAL_KEY, issue, parse_object,
};

fn invalid(issues: Vec<Issue>) -> ApiError {
    ApiError::with_issues(StatusCode::UNPROCESSABLE_ENTITY, issues)
}

fn object_body(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        invalid(vec![issue(
            None,
            Text::new("请求体须为 UTF-8 JSON", "The body must be UTF-8 JSON"),
        )])
    })?;
    parse_object(text).map_err(|e| {
        ApiError::bad_request(Text::new(
            format!("请求体须为 JSON 对象：{e}"),
            format!("The body must be a JSON object: {e}"),
        ))
    })
}

fn department_view(id: &str, department: &Department) -> Value {
    json!({
        "department": format!("Organization/{id}"),
        "override": department.patch,
        "effective": department.settings.rules,
    })
}

/// `GET /api/admin/booking-rules`: the hospital's rules in force and every department's
/// override with its result.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    let set = state.rules.current(&state.store).await?;
    let mut ids: Vec<&String> = set.departments.keys().collect();
    ids.sort();
    Ok(Json(json!({
        "hospital": set.hospital.rules,
        "department_fields": DEPARTMENT_FIELDS,
        "departments": ids
            .into_iter()
            .map(|id| department_view(id, &set.departments[id]))
            .collect::<Vec<_>>(),
    }))
    .into_response())
}

/// `PUT /api/admin/booking-rules`: replaces the hospital's rules. Missing thresholds take the
/// installation's defaults. Every bad threshold, including one that would break a
/// department's override, is a 422 issue naming it; nothing changes then.
pub async fn put_hospital(
    State(state): State<AppState>,
    ctx: Ctx,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    let doc = object_body(&bytes)?;
    let book = &state.rules;
    let hospital = book.overlay(&book.base.rules, &doc).map_err(invalid)?;
    let current = book.current(&state.store).await?;
    let mut issues = Vec::new();
    for (id, department) in &current.departments {
        if let Err(problems) = book.overlay(&hospital.rules, &department.patch) {
            issues.extend(problems.into_iter().map(|mut p| {
                p.expression = Some(format!(
                    "departments.{id}{}",
                    p.expression.map(|e| format!(".{e}")).unwrap_or_default()
                ));
                p
            }));
        }
    }
    if !issues.is_empty() {
        return Err(invalid(issues));
    }
    let stored = serde_json::to_string(&hospital.rules).expect("rules serialise");
    save(&state, &ctx, HOSPITAL_KEY, &stored, "hospital").await?;
    Ok(Json(json!({"hospital": hospital.rules})).into_response())
}

/// Stores one rules setting, drops the cached rule book so the next request reads it, and
/// audits the change (`detail` says whose rules).
async fn save(
    state: &AppState,
    ctx: &Ctx,
    key: &str,
    value: &str,
    detail: &str,
) -> Result<(), ApiError> {
    state.store.put_setting(key, value).await?;
    state.rules.forget();
    audit::record(
        state,
        ctx,
        "update",
        "Setting/booking-rules",
        SUCCESS,
        detail,
    )
    .await
}

async fn require_department(state: &AppState, id: &str) -> Result<(), ApiError> {
    if state
        .store
        .read_resource("Organization", id)
        .await?
        .is_none()
    {
        return Err(no_department(id));
    }
    Ok(())
}

/// 404: no department has this id.
pub(super) fn no_department(id: &str) -> ApiError {
    ApiError::with_issues(
        StatusCode::NOT_FOUND,
        vec![Issue {
            code: "not-found",
            text: Text::new(
                format!("未找到科室 Organization/{id}"),
                format!("No department Organization/{id}"),
            ),
            expression: None,
            rule: None,
        }],
    )
}

/// `PUT /api/admin/booking-rules/departments/{id}`: replaces a department's override, a merge
/// patch over the hospital's rules limited to [`DEPARTMENT_FIELDS`].
pub async fn put_department(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    require_department(&state, &id).await?;
    let patch = object_body(&bytes)?;
    let outside: Vec<Issue> = patch
        .keys()
        .filter(|k| !DEPARTMENT_FIELDS.contains(&k.as_str()))
        .map(|k| {
            issue(
                Some(k.clone()),
                Text::new(
                    format!(
                        "{k} 由全院统一设置，科室不能单独设置；科室可设置：{}",
                        DEPARTMENT_FIELDS.join("、")
                    ),
                    format!(
                        "{k} is set for the whole hospital, not per department; a department may set {}",
                        DEPARTMENT_FIELDS.join(", ")
                    ),
                ),
            )
        })
        .collect();
    if !outside.is_empty() {
        return Err(invalid(outside));
    }
    let book = &state.rules;
    let current = book.current(&state.store).await?;
    let settings = book
        .overlay(&current.hospital.rules, &patch)
        .map_err(invalid)?;
    let text = serde_json::to_string(&patch).expect("JSON serialises");
    let key = format!("{DEPARTMENT_PREFIX}{id}");
    save(&state, &ctx, &key, &text, &format!("Organization/{id}")).await?;
    Ok(Json(department_view(&id, &Department { patch, settings })).into_response())
}

/// `DELETE /api/admin/booking-rules/departments/{id}`: the department follows the hospital's
/// rules again.
pub async fn delete_department(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    let existed = state
        .store
        .delete_setting(&format!("{DEPARTMENT_PREFIX}{id}"))
        .await?;
    state.rules.forget();
    if existed {
        audit::record(
            &state,
            &ctx,
            "delete",
            "Setting/booking-rules",
            SUCCESS,
            &format!("Organization/{id}"),
        )
        .await?;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
