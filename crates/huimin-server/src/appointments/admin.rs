//! `POST /api/admin/sessions`: an administrator opens a dated clinic session (出诊) for a
//! doctor's post; the domain rules cut it into slots and split it into channel pools.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::appointments::{Period, cut_session, split};
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::appointments::{NewSession, NewSlot};
use serde::Deserialize;
use serde_json::Value;

use super::views;
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::fhir::{REGISTRATION_CLASS_EXT, REGISTRATION_FEE_EXT};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// PractitionerRole id (the doctor's post in a department).
    practitioner_role: String,
    /// `YYYY-MM-DD`, hospital-local.
    date: String,
    /// `morning` | `afternoon` | `evening`.
    period: String,
    /// `HH:MM`; default: the period's usual hours.
    start: Option<String>,
    end: Option<String>,
    /// Patients in the session.
    capacity: u32,
    /// Minutes per slot, 5–30; default the hospital setting.
    slot_minutes: Option<u16>,
}

fn field(name: &'static str, zh: String, en: String) -> Issue {
    Issue {
        code: "value",
        text: Text::new(zh, en),
        expression: Some(name.into()),
        rule: None,
    }
}

fn reference_id(value: &Value, kind: &str) -> Option<String> {
    value
        .get("reference")?
        .as_str()?
        .strip_prefix(&format!("{kind}/"))
        .map(str::to_owned)
}

pub async fn create_session(
    State(state): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let lang = ctx.lang;
    if ctx.require()?.role != Role::Admin {
        return Err(ApiError::forbidden().lang(lang));
    }
    let request: SessionRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(Text::new(
            format!("请求体不是有效的出诊 JSON：{e}"),
            format!("The body is not valid session JSON: {e}"),
        ))
        .lang(lang)
    })?;
    let settings = &state.settings.booking;
    let mut issues = Vec::new();
    let date = request
        .date
        .parse::<jiff::civil::Date>()
        .map_err(|_| {
            issues.push(field(
                "date",
                format!("日期格式应为 YYYY-MM-DD：{}", request.date),
                format!("date must be YYYY-MM-DD: {}", request.date),
            ))
        })
        .ok();
    let period = Period::from_code(&request.period);
    if period.is_none() {
        issues.push(field(
            "period",
            "时段须为 morning、afternoon 或 evening".into(),
            "period must be morning, afternoon or evening".into(),
        ));
    }
    let parse_time = |raw: &Option<String>,
                      name: &'static str,
                      issues: &mut Vec<Issue>|
     -> Option<jiff::civil::Time> {
        let raw = raw.as_ref()?;
        jiff::civil::Time::strptime("%H:%M", raw)
            .map_err(|_| {
                issues.push(field(
                    name,
                    format!("时间格式应为 HH:MM：{raw}"),
                    format!("{name} must be HH:MM: {raw}"),
                ))
            })
            .ok()
    };
    let start_time = parse_time(&request.start, "start", &mut issues);
    let end_time = parse_time(&request.end, "end", &mut issues);
    if !(1..=500).contains(&request.capacity) {
        issues.push(field(
            "capacity",
            "号源数须在 1 到 500 之间".into(),
            "capacity must be between 1 and 500".into(),
        ));
    }
    let length = match request.slot_minutes {
        None => Some(settings.slot_length),
        Some(m) => huimin_domain::appointments::SlotLength::new(m)
            .map_err(|e| {
                issues.push(Issue {
                    code: "value",
                    text: e.message(),
                    expression: Some("slot_minutes".into()),
                    rule: None,
                })
            })
            .ok(),
    };
    let role = state
        .store
        .read_resource("PractitionerRole", &request.practitioner_role)
        .await?;
    if role.is_none() {
        issues.push(field(
            "practitioner_role",
            format!(
                "未找到医生岗位 PractitionerRole/{}",
                request.practitioner_role
            ),
            format!("No PractitionerRole/{}", request.practitioner_role),
        ));
    }
    let today = crate::fhir::patient::today_in_china();
    if date.is_some_and(|d| d < today) {
        issues.push(field(
            "date",
            "不能为过去的日期开设出诊".into(),
            "Sessions cannot be opened in the past".into(),
        ));
    }
    if !issues.is_empty() {
        return Err(ApiError::with_issues(StatusCode::UNPROCESSABLE_ENTITY, issues).lang(lang));
    }
    let (date, period, length, role) = (
        date.expect("checked"),
        period.expect("checked"),
        length.expect("checked"),
        role.expect("checked").content,
    );
    let Some(department_id) = role
        .get("organization")
        .and_then(|o| reference_id(o, "Organization"))
    else {
        return Err(ApiError::unprocessable(Text::new(
            "该医生岗位未关联科室",
            "The PractitionerRole has no department (organization)",
        ))
        .at("practitioner_role")
        .lang(lang));
    };
    let department = state
        .store
        .read_resource("Organization", &department_id)
        .await?;
    let hospital_id = department
        .as_ref()
        .and_then(|d| {
            d.content
                .get("partOf")
                .and_then(|p| reference_id(p, "Organization"))
        })
        .unwrap_or_else(|| department_id.clone());
    let room_id = role
        .get("location")
        .and_then(|l| l.get(0))
        .and_then(|l| reference_id(l, "Location"));
    let extension = |url: &str| {
        role.get("extension")
            .and_then(Value::as_array)
            .and_then(|exts| exts.iter().find(|e| e["url"] == url).cloned())
    };
    let class = extension(REGISTRATION_CLASS_EXT)
        .and_then(|e| e["valueCode"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "ordinary".into());
    let fee_fen = extension(REGISTRATION_FEE_EXT)
        .and_then(|e| e["valueMoney"]["value"].as_f64())
        .map(|yuan| (yuan * 100.0).round() as i64)
        .unwrap_or(0);

    let (default_start, default_end) = period.default_hours();
    let (start, end) = (
        date.to_datetime(start_time.unwrap_or(default_start)),
        date.to_datetime(end_time.unwrap_or(default_end)),
    );
    let plans = cut_session(start, end, length, request.capacity)
        .map_err(|e| ApiError::unprocessable(e.message()).at("end").lang(lang))?;
    let tz = &settings.time_zone;
    let instant = |dt: jiff::civil::DateTime| {
        tz.to_ambiguous_timestamp(dt)
            .compatible()
            .map(|t| t.as_microsecond())
            .unwrap_or(0)
    };
    let session_id = uuid::Uuid::new_v4().to_string();
    let starts_at = instant(start);
    let slots: Vec<NewSlot> = plans
        .iter()
        .enumerate()
        .map(|(i, plan)| NewSlot {
            id: format!("{session_id}-{}", i + 1),
            starts_at: instant(plan.start),
            ends_at: instant(plan.end),
            capacity: plan.capacity,
            first_queue_number: plan.first_queue_number,
        })
        .collect();
    let session = NewSession {
        id: session_id.clone(),
        hospital_id,
        department_id,
        practitioner_role_id: Some(request.practitioner_role.clone()),
        room_id,
        session_date: date.to_string(),
        period: period.code().to_owned(),
        starts_at,
        ends_at: instant(end),
        registration_class: class,
        fee_fen,
        release_at: settings.release.release_instant(date, tz).as_microsecond(),
        reserved_release_at: starts_at
            - i64::from(settings.reserved_release.hours_before) * 3_600_000_000,
        pools: split(request.capacity, &settings.pools),
        slots,
    };
    state.store.create_session(&session).await?;
    audit::record(
        &state,
        &ctx,
        "create",
        &format!("Schedule/{session_id}"),
        SUCCESS,
        "",
    )
    .await?;
    let stored = state
        .store
        .clinic_session(&session_id)
        .await?
        .ok_or_else(|| ApiError::internal().lang(lang))?;
    let slots: Vec<Value> = state
        .store
        .session_slots(&session_id)
        .await?
        .iter()
        .map(|s| views::slot(&stored, s))
        .collect();
    let body = serde_json::json!({"schedule": views::schedule(&stored), "slots": slots});
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

use axum::response::IntoResponse;
