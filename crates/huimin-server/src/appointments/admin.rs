//! Administrators' scheduling API: one-off sessions (`POST /api/admin/sessions`), weekly roster
//! templates (`POST`/`GET /api/admin/rosters`) and publishing sessions from the rosters
//! (`POST /api/admin/rosters/generate`).

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::{Period, SlotLength};
use huimin_domain::i18n::Text;
use huimin_store::StoreError;
use huimin_store::appointments::RosterRecord;
use jiff::civil::{Date, Time};
use serde::Deserialize;
use serde_json::{Value, json};

use super::planning::{
    PlanError, SessionPlan, department_of_role, generate_from_rosters, plan_session,
};
use super::views;
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::state::AppState;

fn field(name: &str, text: Text) -> Issue {
    Issue::value(Some(name), text)
}

/// Adds an issue at `practitioner_role` when no such PractitionerRole exists.
async fn require_role(
    state: &AppState,
    role: &str,
    issues: &mut Vec<Issue>,
) -> Result<(), ApiError> {
    if role.trim().is_empty() {
        issues.push(field(
            "practitioner_role",
            Text::new("请选择医生岗位", "Choose the doctor's post"),
        ));
        return Ok(());
    }
    if state
        .store
        .read_resource("PractitionerRole", role)
        .await?
        .is_none()
    {
        issues.push(field(
            "practitioner_role",
            Text::new(
                "未找到该医生岗位，请从列表中选择",
                "No such doctor's post: choose one from the list",
            ),
        ));
    }
    Ok(())
}

/// 422 with every issue found, or nothing.
fn refuse_if_any(issues: Vec<Issue>) -> Result<(), ApiError> {
    if issues.is_empty() {
        return Ok(());
    }
    Err(ApiError::with_issues(
        StatusCode::UNPROCESSABLE_ENTITY,
        issues,
    ))
}

fn body<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, ApiError> {
    crate::error::json_body(bytes)
}

fn plan_error(err: PlanError) -> ApiError {
    match err {
        PlanError::Invalid(name, text) => {
            ApiError::with_issues(StatusCode::UNPROCESSABLE_ENTITY, vec![field(name, text)])
        }
        PlanError::Store(e) => ApiError::from(e),
    }
}

/// Field checks shared by sessions and rosters.
struct Checked {
    period: Option<Period>,
    start: Option<Time>,
    end: Option<Time>,
    length: Option<SlotLength>,
    issues: Vec<Issue>,
}

fn check_common(
    period: &str,
    start: &Option<String>,
    end: &Option<String>,
    capacity: i64,
    slot_minutes: Option<i64>,
) -> Checked {
    let mut issues = Vec::new();
    let period = Period::from_code(period);
    if period.is_none() {
        issues.push(field(
            "period",
            Text::new(
                "时段须为 morning、afternoon 或 evening",
                "period must be morning, afternoon or evening",
            ),
        ));
    }
    let mut time = |raw: &Option<String>, name: &str| -> Option<Time> {
        let raw = raw.as_ref()?;
        Time::strptime("%H:%M", raw)
            .map_err(|_| {
                issues.push(field(
                    name,
                    Text::new(
                        format!("时间格式应为 HH:MM：{raw}"),
                        format!("{name} must be HH:MM: {raw}"),
                    ),
                ))
            })
            .ok()
    };
    let (start, end) = (time(start, "start"), time(end, "end"));
    if let (Some(period), Some(start)) = (period, start)
        && let Err(text) = period.check_start(start)
    {
        issues.push(field("start", text));
    }
    if !(1..=500).contains(&capacity) {
        issues.push(field(
            "capacity",
            Text::new(
                "号源数须在 1 到 500 之间",
                "capacity must be between 1 and 500",
            ),
        ));
    }
    // Absent: the department's slot length applies.
    let length = slot_minutes.and_then(|m| {
        let minutes = u16::try_from(m).unwrap_or(0);
        SlotLength::new(minutes)
            .map_err(|e| issues.push(field("slot_minutes", e.message())))
            .ok()
    });
    Checked {
        period,
        start,
        end,
        length,
        issues,
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    practitioner_role: String,
    date: String,
    period: String,
    start: Option<String>,
    end: Option<String>,
    /// Whole numbers of any size, checked with a field error (not a parse error).
    capacity: i64,
    slot_minutes: Option<i64>,
}

pub async fn create_session(
    State(state): State<AppState>,
    ctx: Ctx,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    let request: SessionRequest = body(&bytes)?;
    let mut checked = check_common(
        &request.period,
        &request.start,
        &request.end,
        request.capacity,
        request.slot_minutes,
    );
    let date = request
        .date
        .parse::<Date>()
        .map_err(|_| {
            checked.issues.push(field(
                "date",
                Text::new(
                    format!("日期格式应为 YYYY-MM-DD：{}", request.date),
                    format!("date must be YYYY-MM-DD: {}", request.date),
                ),
            ))
        })
        .ok();
    if date.is_some_and(|d| d < state.clock.today()) {
        checked.issues.push(field(
            "date",
            Text::new(
                "不能为过去的日期开设出诊",
                "Sessions cannot be opened in the past",
            ),
        ));
    }
    require_role(&state, &request.practitioner_role, &mut checked.issues).await?;
    refuse_if_any(checked.issues)?;
    let plan = SessionPlan {
        practitioner_role: request.practitioner_role,
        date: date.expect("checked"),
        period: checked.period.expect("checked"),
        start: checked.start,
        end: checked.end,
        capacity: u32::try_from(request.capacity).expect("checked: 1 to 500"),
        length: checked.length,
    };
    let rules = state.rules.current(&state.store).await?;
    let session = plan_session(&state.store, &rules, &plan)
        .await
        .map_err(plan_error)?;
    state
        .store
        .create_session(&session)
        .await
        .map_err(|e| refused_session(&state.clock, e))?;
    audit::record(
        &state,
        &ctx,
        "create",
        &format!("Schedule/{}", session.id),
        SUCCESS,
        "",
    )
    .await?;
    let stored = state
        .store
        .clinic_session(&session.id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let slots: Vec<Value> = state
        .store
        .session_slots(&session.id)
        .await?
        .iter()
        .map(|s| views::slot(&stored, s))
        .collect();
    Ok((
        StatusCode::CREATED,
        Json(json!({"schedule": views::schedule(&stored), "slots": slots})),
    )
        .into_response())
}

/// A session the store refused: the same post in the same period, or hours over another
/// session of the same doctor (named by its hours on the hospital's clock).
fn refused_session(clock: &huimin_clock::Clock, err: StoreError) -> ApiError {
    let hhmm = |micros: i64| {
        jiff::Timestamp::from_microsecond(micros)
            .map(|t| clock.wall(t).time().strftime("%H:%M").to_string())
            .unwrap_or_default()
    };
    match err {
        StoreError::Duplicate { .. } => ApiError::conflict(Text::new(
            "该医生此时段已有出诊",
            "This doctor already has a session in that period",
        ))
        .at("period"),
        StoreError::Overlap { starts_at, ends_at } => {
            let (from, to) = (hhmm(starts_at), hhmm(ends_at));
            ApiError::conflict(Text::new(
                format!("该医生当天 {from}–{to} 已有出诊，时间不能重叠"),
                format!("This overlaps the doctor's session from {from} to {to} that day"),
            ))
            .at("start")
        }
        other => ApiError::from(other),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterRequest {
    practitioner_role: String,
    /// 1 Monday … 7 Sunday.
    weekday: i64,
    period: String,
    start: Option<String>,
    end: Option<String>,
    capacity: i64,
    slot_minutes: Option<i64>,
}

fn roster_json(r: &RosterRecord) -> Value {
    json!({"id": r.id, "practitioner_role": r.practitioner_role_id, "weekday": r.weekday, "period": r.period,
        "start": r.start_time, "end": r.end_time, "capacity": r.capacity, "slot_minutes": r.slot_minutes})
}

pub async fn create_roster(
    State(state): State<AppState>,
    ctx: Ctx,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    let request: RosterRequest = body(&bytes)?;
    let mut checked = check_common(
        &request.period,
        &request.start,
        &request.end,
        request.capacity,
        request.slot_minutes,
    );
    if !(1..=7).contains(&request.weekday) {
        checked.issues.push(field(
            "weekday",
            Text::new(
                "星期须为 1（周一）到 7（周日）",
                "weekday must be 1 (Monday) to 7 (Sunday)",
            ),
        ));
    }
    require_role(&state, &request.practitioner_role, &mut checked.issues).await?;
    refuse_if_any(checked.issues)?;
    let period = checked.period.expect("checked");
    let length = match checked.length {
        Some(length) => length,
        None => {
            let department = department_of_role(&state.store, &request.practitioner_role).await?;
            let rules = state.rules.current(&state.store).await?;
            department
                .map_or(rules.hospital(), |d| rules.department(&d))
                .slot_length
        }
    };
    let (default_start, default_end) = period.default_hours();
    let hhmm = |t: Time| t.strftime("%H:%M").to_string();
    let roster = RosterRecord {
        id: uuid::Uuid::new_v4().to_string(),
        practitioner_role_id: request.practitioner_role,
        weekday: request.weekday,
        period: period.code().to_owned(),
        start_time: hhmm(checked.start.unwrap_or(default_start)),
        end_time: hhmm(checked.end.unwrap_or(default_end)),
        capacity: request.capacity,
        slot_minutes: i64::from(length.minutes()),
        active: true,
    };
    state.store.create_roster(&roster).await?;
    audit::record(
        &state,
        &ctx,
        "create",
        &format!("Roster/{}", roster.id),
        SUCCESS,
        "",
    )
    .await?;
    Ok((StatusCode::CREATED, Json(roster_json(&roster))).into_response())
}

pub async fn list_rosters(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    let role = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "practitioner_role")
        .map(|(_, v)| v.into_owned());
    let rosters = state.store.rosters(role.as_deref()).await?;
    Ok(Json(json!({"total": rosters.len(), "rosters": rosters.iter().map(roster_json).collect::<Vec<_>>()})).into_response())
}

/// `DELETE /api/admin/rosters/{id}`: the template publishes no more sessions; those already
/// published stay.
pub async fn retire_roster(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    if !state.store.retire_roster(&id).await? {
        return Err(ApiError::not_found(&format!("Roster/{id}")));
    }
    audit::record(&state, &ctx, "delete", &format!("Roster/{id}"), SUCCESS, "").await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerateRequest {
    from: String,
    to: String,
}

pub async fn generate(
    State(state): State<AppState>,
    ctx: Ctx,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    let request: GenerateRequest = body(&bytes)?;
    let mut issues = Vec::new();
    let mut date = |raw: &str, name: &str| {
        raw.parse::<Date>()
            .map_err(|_| {
                issues.push(field(
                    name,
                    Text::new(
                        format!("日期格式应为 YYYY-MM-DD：{raw}"),
                        format!("{name} must be YYYY-MM-DD: {raw}"),
                    ),
                ))
            })
            .ok()
    };
    let (from, to) = (date(&request.from, "from"), date(&request.to, "to"));
    if let (Some(f), Some(t)) = (from, to)
        && (t < f || (t - f).get_days() > 90)
    {
        issues.push(field(
            "to",
            Text::new(
                "结束日期须在开始日期之后 90 天以内",
                "to must be after from and within 90 days",
            ),
        ));
    }
    refuse_if_any(issues)?;
    let calendar = super::calendar::hospital_calendar(&state.store).await?;
    let rules = state.rules.current(&state.store).await?;
    let (created, skipped) = generate_from_rosters(
        &state.store,
        &rules,
        &calendar,
        from.expect("checked"),
        to.expect("checked"),
    )
    .await
    .map_err(plan_error)?;
    audit::record(
        &state,
        &ctx,
        "create",
        "Schedule?generate",
        SUCCESS,
        &format!("{created} created, {skipped} existed"),
    )
    .await?;
    Ok(Json(json!({"created": created, "skipped": skipped})).into_response())
}
