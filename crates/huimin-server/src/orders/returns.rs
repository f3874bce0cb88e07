//! No second queue (A7): `POST /api/visits/{id}/return` puts a patient who comes back the same
//! day with results into the same doctor's line ahead of everyone not yet called (the desk or
//! the doctor does it; no booking); `GET /api/same-day-returns` measures the wait from return
//! to call; `GET/PUT /api/admin/same-day-return/{department}` is the department's setting
//! (`orders.same_day_return.{department}`, on unless set `off`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::PriorityGroup;
use huimin_domain::i18n::Text;
use huimin_domain::orders::{OrderStatus, ReturnFacts, ReturnRefusal, ReturnWaits, check_return};
use huimin_domain::roles::Role;
use huimin_store::instant_text;
use huimin_store::orders::{OrderFilter, ReturnError, ReturnRecord};
use huimin_store::records::EncounterRecord;
use serde::Deserialize;
use serde_json::{Value, json};

use super::visit::holds_post;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

fn setting_key(department: &str) -> String {
    format!("orders.same_day_return.{department}")
}

async fn enabled(state: &AppState, department: &str) -> Result<bool, ApiError> {
    Ok(state
        .store
        .setting(&setting_key(department))
        .await?
        .as_deref()
        != Some("off"))
}

/// Whether the visit may go back into its line now, and if not why.
pub(crate) async fn facts(
    state: &AppState,
    encounter: &EncounterRecord,
) -> Result<Result<(), ReturnRefusal>, ApiError> {
    let queue = state.store.session_queue(&encounter.session_id).await?;
    let orders = state
        .store
        .search_orders(&OrderFilter {
            encounter: Some(encounter.id.clone()),
            limit: 500,
            ..Default::default()
        })
        .await?;
    let today = state.clock.today().to_string();
    Ok(check_return(ReturnFacts {
        enabled: enabled(state, &encounter.department_id).await?,
        same_day: encounter.session_date == today,
        visit: encounter.status,
        waiting: queue.ahead_of(&encounter.appointment_id).is_some(),
        called_in: queue
            .current
            .as_ref()
            .is_some_and(|c| c.appointment_id == encounter.appointment_id),
        has_orders: orders.iter().any(|o| o.status != OrderStatus::Cancelled),
    }))
}

fn wait_minutes(r: &ReturnRecord) -> Option<i64> {
    r.called_at
        .map(|c| ReturnWaits::of(&[(r.returned_at, Some(c))]).longest_minutes)
}

fn return_json(r: &ReturnRecord) -> Value {
    json!({
        "id": r.id,
        "encounter": r.encounter_id,
        "appointment": r.appointment_id,
        "patient": r.patient_id,
        "department": r.department_id,
        "date": r.session_date,
        "returned_at": instant_text(r.returned_at),
        "returned_by": r.returned_by,
        "called_at": r.called_at.map(instant_text),
        "wait_minutes": wait_minutes(r),
    })
}

pub(crate) async fn returns_json(
    state: &AppState,
    encounter: &str,
) -> Result<Vec<Value>, ApiError> {
    Ok(state
        .store
        .returns_of_encounter(encounter)
        .await?
        .iter()
        .map(return_json)
        .collect())
}

/// `POST /api/visits/{id}/return`: the registrar at the desk or the visit's doctor.
pub async fn return_to_line(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let resource = format!("Encounter/{id}");
    let encounter = state
        .store
        .encounter(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(&resource))?;
    let desk = matches!(caller.role, Role::Registrar | Role::Admin);
    if !desk && !holds_post(&state, caller, encounter.practitioner_role_id.as_deref()).await? {
        audit::record(
            &state,
            &ctx,
            "update",
            &resource,
            DENIED,
            "return with results",
        )
        .await?;
        if caller.role == Role::Patient && !caller.patient_ids.contains(&encounter.patient_id) {
            return Err(ApiError::not_found(&resource));
        }
        return Err(ApiError::forbidden());
    }
    if let Err(refusal) = facts(&state, &encounter).await? {
        return Err(ApiError::conflict(refusal.text).at(refusal.field));
    }
    let now = state.clock.now().as_microsecond();
    let record = state
        .store
        .return_to_line(&id, PriorityGroup::Other.stored(), &caller.username, now)
        .await
        .map_err(|e| match e {
            ReturnError::NotFound => ApiError::not_found(&resource),
            ReturnError::Moved => ApiError::conflict(Text::new(
                "该就诊刚有变化（已叫号、已取消或已回到队列），请刷新后重试",
                "The visit changed meanwhile (called, cancelled or already back in line); reload and try again",
            ))
            .at("status"),
            ReturnError::Store(e) => e.into(),
        })?;
    audit::record(
        &state,
        &ctx,
        "update",
        &resource,
        SUCCESS,
        "returned with results",
    )
    .await?;
    let queue = state.store.session_queue(&encounter.session_id).await?;
    Ok(Json(json!({
        "return": return_json(&record),
        "ahead": queue.ahead_of(&record.appointment_id),
    }))
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    department: String,
    from: Option<String>,
    to: Option<String>,
}

/// `GET /api/same-day-returns?department=&from=&to=`: each return and the wait until the
/// patient was called in again, with the mean and the longest (desk and administrators).
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Registrar | Role::Admin) {
        return Err(ApiError::forbidden());
    }
    let today = state.clock.today().to_string();
    let date = |value: Option<String>, field: &str| -> Result<String, ApiError> {
        match value.filter(|v| !v.is_empty()) {
            None => Ok(today.clone()),
            Some(v) if v.parse::<jiff::civil::Date>().is_ok() => Ok(v),
            Some(_) => Err(ApiError::bad_request(Text::new(
                "日期格式应为 YYYY-MM-DD",
                "Dates are YYYY-MM-DD",
            ))
            .at(field.to_owned())),
        }
    };
    let from = date(query.from, "from")?;
    let to = date(query.to, "to")?;
    let returns = state
        .store
        .visit_returns(&query.department, &from, &to)
        .await?;
    let pairs: Vec<(i64, Option<i64>)> = returns
        .iter()
        .map(|r| (r.returned_at, r.called_at))
        .collect();
    let waits = ReturnWaits::of(&pairs);
    audit::record(
        &state,
        &ctx,
        "read",
        "Encounter",
        SUCCESS,
        "same-day returns",
    )
    .await?;
    Ok(Json(json!({
        "department": query.department,
        "from": from,
        "to": to,
        "enabled": enabled(&state, &query.department).await?,
        "summary": {
            "returns": waits.returns,
            "called": waits.called,
            "average_wait_minutes": waits.average_minutes,
            "longest_wait_minutes": waits.longest_minutes,
        },
        "returns": returns.iter().map(return_json).collect::<Vec<_>>(),
    }))
    .into_response())
}

fn admin(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.require()?.role != Role::Admin {
        return Err(ApiError::forbidden());
    }
    Ok(())
}

/// `GET /api/admin/same-day-return/{department}`.
pub async fn setting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(department): Path<String>,
) -> Result<Response, ApiError> {
    admin(&ctx)?;
    Ok(Json(json!({
        "department": department,
        "enabled": enabled(&state, &department).await?,
    }))
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingBody {
    enabled: bool,
}

/// `PUT /api/admin/same-day-return/{department}` `{"enabled": bool}`.
pub async fn put_setting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(department): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    admin(&ctx)?;
    let request: SettingBody = crate::error::json_body(&body)?;
    if state
        .store
        .read_resource("Organization", &department)
        .await?
        .is_none()
    {
        return Err(ApiError::not_found(&format!("Organization/{department}")));
    }
    let value = if request.enabled { "on" } else { "off" };
    state
        .store
        .put_setting(&setting_key(&department), value)
        .await?;
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("Organization/{department}"),
        SUCCESS,
        &format!("same-day return {value}"),
    )
    .await?;
    Ok(Json(json!({"department": department, "enabled": request.enabled})).into_response())
}
