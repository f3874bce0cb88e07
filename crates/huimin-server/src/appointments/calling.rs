//! Queue calling over HTTP (B2): a session's line for its doctor and the nurses, call next,
//! recall, pass (过号), triage priority, a patient's own place in line, the waiting-area
//! screen's recent calls, and a doctor's sessions of the day.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::{PriorityGroup, QueueState, estimated_wait_minutes};
use huimin_domain::directory::age_on;
use huimin_domain::i18n::Text;
use huimin_domain::masking::mask_name;
use huimin_domain::roles::Role;
use huimin_store::appointments::{CallError, QueueEntry, SessionRecord};
use huimin_store::instant_text;
use serde::Deserialize;
use serde_json::{Value, json};

use super::extra::runs_session;
use super::views;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::{Caller, Ctx};
use crate::error::{ApiError, Issue};
use crate::state::AppState;
use axum::http::StatusCode;

/// The Patient's name as recorded (staff views), or empty.
pub(crate) async fn patient_name(state: &AppState, patient_id: &str) -> Result<String, ApiError> {
    Ok(state
        .store
        .read_resource("Patient", patient_id)
        .await?
        .and_then(|p| p.content["name"][0]["text"].as_str().map(str::to_owned))
        .unwrap_or_default())
}

/// A patient in a line as staff see them: name, sex (`gender`) and age in full years today
/// (`null` without a birth date), read from one Patient.
async fn entry_json(state: &AppState, entry: &QueueEntry) -> Result<Value, ApiError> {
    let patient = state
        .store
        .read_resource("Patient", &entry.patient_id)
        .await?
        .map(|p| p.content)
        .unwrap_or_default();
    let age = patient["birthDate"]
        .as_str()
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        .map(|birth| age_on(birth, state.clock.today()));
    Ok(json!({
        "appointment": format!("Appointment/{}", entry.appointment_id),
        "patient": format!("Patient/{}", entry.patient_id),
        "name": patient["name"][0]["text"].as_str().unwrap_or_default(),
        "gender": patient["gender"].as_str(),
        "age": age,
        "number": entry.queue_number,
        "priority": entry.priority,
        "priority_group": PriorityGroup::from_stored(entry.priority_level).map(|g| g.code()),
        "passes": entry.passes,
        "called_at": entry.called_at.map(instant_text),
    }))
}

/// Whether the caller works this session's line: its doctor, nurses, administrators.
async fn may_run(
    state: &AppState,
    caller: &Caller,
    session: &SessionRecord,
) -> Result<bool, ApiError> {
    Ok(
        match (
            caller.role,
            &caller.practitioner_id,
            &session.practitioner_role_id,
        ) {
            (Role::Admin | Role::Nurse, _, _) => true,
            (Role::Doctor, Some(practitioner), Some(role)) => {
                runs_session(state, practitioner, role).await?
            }
            _ => false,
        },
    )
}

async fn session_for(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    action: &str,
) -> Result<SessionRecord, ApiError> {
    let caller = ctx.require()?;
    let session = state
        .store
        .clinic_session(id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Schedule/{id}")))?;
    if !may_run(state, caller, &session).await? {
        audit::record(
            state,
            ctx,
            action,
            &format!("Schedule/{id}/queue"),
            DENIED,
            "",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    Ok(session)
}

async fn queue_json(state: &AppState, session: &SessionRecord) -> Result<Value, ApiError> {
    let queue = state.store.session_queue(&session.id).await?;
    let current = match &queue.current {
        Some(entry) => entry_json(state, entry).await?,
        None => Value::Null,
    };
    let mut waiting = Vec::with_capacity(queue.waiting.len());
    for entry in &queue.waiting {
        waiting.push(entry_json(state, entry).await?);
    }
    let mut expected = Vec::new();
    for entry in &state.store.expected_patients(&session.id).await? {
        expected.push(entry_json(state, entry).await?);
    }
    Ok(
        json!({"schedule": views::schedule(session), "current": current, "waiting": waiting, "expected": expected}),
    )
}

/// `GET /api/sessions/{id}/queue`.
pub async fn show_queue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let session = session_for(&state, &ctx, &id, "read").await?;
    let body = queue_json(&state, &session).await?;
    audit::record(
        &state,
        &ctx,
        "read",
        &format!("Schedule/{id}/queue"),
        SUCCESS,
        "",
    )
    .await?;
    Ok(Json(body).into_response())
}

fn call_error(err: CallError) -> ApiError {
    match err {
        CallError::NoSession => ApiError::not_found("Schedule"),
        CallError::Busy(current) => ApiError::conflict(Text::new(
            format!(
                "{} 号仍在诊室，请先标记“已就诊”或“过号”",
                current.queue_number
            ),
            format!(
                "Number {} is still called in; mark them seen or passed first",
                current.queue_number
            ),
        )),
        CallError::NobodyWaiting => ApiError::unprocessable(Text::new(
            "候诊队列中没有已签到的患者",
            "Nobody checked in is waiting",
        )),
        CallError::NobodyCalled => {
            ApiError::unprocessable(Text::new("当前没有已叫号的患者", "Nobody is called in"))
        }
        CallError::Store(e) => ApiError::from(e),
    }
}

/// `POST /api/sessions/{id}/call-next` | `recall` | `pass`.
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let session = session_for(&state, &ctx, &id, "update").await?;
    let now = huimin_store::now_micros();
    let rules = state.rules.current(&state.store).await?;
    let calling = &rules.department(&session.department_id).rules.calling;
    let done = match action.as_str() {
        "call-next" => {
            let ahead = calling.get_ready_when_ahead;
            state.store.call_next(&id, ahead, now).await
        }
        "recall" => state.store.recall(&id, now).await,
        "pass" => {
            let after = calling.pass_rejoin_after;
            state.store.pass_current(&id, after, now).await
        }
        _ => {
            return Err(ApiError::not_found(&format!("/api/sessions/{id}/{action}")));
        }
    }
    .map_err(call_error)?;
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("Appointment/{}", done.appointment_id),
        SUCCESS,
        &action,
    )
    .await?;
    let mut body = queue_json(&state, &session).await?;
    body["changed"] = entry_json(&state, &done).await?;
    Ok(Json(body).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityRequest {
    priority: bool,
    /// `elderly`, `disabled`, `military` (as the hospital allows) or `other` (the default).
    group: Option<String>,
}

/// `POST /api/appointments/{id}/priority` `{"priority": true, "group": "elderly"}` (triage
/// nurses, doctors, administrators): ahead of patients without priority.
pub async fn set_priority(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Nurse | Role::Doctor | Role::Admin) {
        return Err(ApiError::forbidden());
    }
    let request: PriorityRequest = crate::error::json_body(&body)?;
    let group = match request.group.as_deref() {
        None => PriorityGroup::Other,
        Some(code) => PriorityGroup::from_code(code).ok_or_else(|| {
            ApiError::unprocessable(Text::new(
                "优先类别须为 elderly、disabled、military 或 other",
                "group must be elderly, disabled, military or other",
            ))
            .at("group")
        })?,
    };
    // The line is its doctor's, the nurses' and administrators' to reorder.
    let appointment = super::operations::visible_appointment(&state, &ctx, &id, "update").await?;
    let session = state
        .store
        .clinic_session(&appointment.session_id)
        .await?
        .ok_or_else(ApiError::internal)?;
    if !may_run(&state, caller, &session).await? {
        audit::record(
            &state,
            &ctx,
            "update",
            &format!("Appointment/{id}"),
            DENIED,
            "priority",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let rules = state.rules.current(&state.store).await?;
    let groups = rules
        .department(&appointment.department_id)
        .rules
        .calling
        .priority_groups;
    if request.priority && !groups.allows(group) {
        return Err(ApiError::unprocessable(Text::new(
            format!("本院未设置“{}”优先", group.label().zh),
            format!(
                "This hospital does not call {} patients ahead",
                group.label().en.to_lowercase()
            ),
        ))
        .at("group"));
    }
    let level = if request.priority { group.stored() } else { 0 };
    if !state.store.set_priority(&id, level).await? {
        return Err(ApiError::conflict(Text::new(
            "只有已签到候诊的患者可以调整优先",
            "Only a checked-in patient waiting in line can be given priority",
        )));
    }
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("Appointment/{id}"),
        SUCCESS,
        "priority",
    )
    .await?;
    Ok(Json(
        json!({"appointment": format!("Appointment/{id}"), "priority": request.priority,
            "priority_group": request.priority.then(|| group.code())}),
    )
    .into_response())
}

/// `GET /api/appointments/{id}/queue`: where the patient stands (owner or staff).
pub async fn my_place(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let appointment = state.store.appointment(&id).await?;
    let Some(appointment) = appointment.filter(|a| match caller.role {
        Role::Patient => caller.patient_ids.contains(&a.patient_id),
        _ => caller.role.is_staff(),
    }) else {
        return Err(ApiError::not_found("Appointment"));
    };
    let session = state
        .store
        .clinic_session(&appointment.session_id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let queue = state.store.session_queue(&session.id).await?;
    let rules = state.rules.current(&state.store).await?;
    let rule = rules.department(&session.department_id).rules.calling;
    let called = queue.current.as_ref().filter(|c| c.appointment_id == id);
    let passes = called
        .into_iter()
        .chain(&queue.waiting)
        .find(|e| e.appointment_id == id)
        .map_or(0, |e| e.passes);
    let state_now = match (called, queue.ahead_of(&id)) {
        (Some(_), _) => Some(QueueState::Called),
        (None, Some(ahead)) => Some(QueueState::Waiting {
            ahead: u32::try_from(ahead).unwrap_or(u32::MAX),
        }),
        (None, None) => None,
    };
    let pools = state.store.session_pool_usage(&session.id).await?;
    let places: i64 = pools.iter().map(|p| p.1).sum();
    let minutes = (session.ends_at - session.starts_at) / 60_000_000;
    let mut body = json!({
        "appointment": format!("Appointment/{id}"),
        "status": appointment.status.code(),
        "number": appointment.queue_number,
        "room": session.room_id.as_ref().map(|r| format!("Location/{r}")),
        "now_serving": queue.current.as_ref().map(|c| c.queue_number),
        "passes": passes,
    });
    match state_now {
        Some(QueueState::Called) => {
            body["queue"] = json!("called");
            body["notice"] = json!(true);
        }
        Some(s @ QueueState::Waiting { ahead }) => {
            body["queue"] = json!("waiting");
            body["ahead"] = json!(ahead);
            body["estimated_minutes"] = json!(estimated_wait_minutes(ahead, minutes, places));
            body["notice"] = json!(s.needs_notice(&rule));
        }
        None => body["queue"] = json!("not-in-line"),
    }
    Ok(Json(body).into_response())
}

#[derive(Deserialize)]
pub struct CallsPage {
    /// How many calls (default 12, at most 50): a screen's live check asks for one.
    #[serde(rename = "_count")]
    count: Option<u32>,
}

/// `GET /api/departments/{id}/calls`: today's latest calls for a waiting-area screen, names
/// masked (张*), public like the screen itself.
pub async fn recent_calls(
    State(state): State<AppState>,
    Path(id): Path<String>,
    axum::extract::Query(page): axum::extract::Query<CallsPage>,
) -> Result<Response, ApiError> {
    let midnight = state
        .clock
        .now()
        .to_zoned(state.clock.zone().clone())
        .start_of_day()
        .map(|z| z.timestamp().as_microsecond())
        .unwrap_or(0);
    let count = match page.count {
        None => 12,
        Some(n @ 1..=50) => n,
        Some(_) => {
            return Err(ApiError::with_issues(
                StatusCode::BAD_REQUEST,
                vec![Issue::value(
                    Some("_count"),
                    Text::new(
                        "_count 须为 1 到 50 的整数",
                        "_count must be a whole number from 1 to 50",
                    ),
                )],
            ));
        }
    };
    let calls = state.store.recent_calls(&id, midnight, count).await?;
    let mut items = Vec::with_capacity(calls.len());
    for call in &calls {
        let room = match &call.room_id {
            Some(room) => super::day::room_names(&state, room)
                .await?
                .map(|name| json!({"zh": name.zh, "en": name.en})),
            None => None,
        };
        items.push(json!({
            "number": call.queue_number,
            "name": mask_name(&patient_name(&state, &call.patient_id).await?),
            "room": room,
            "kind": call.kind,
            "called_at": instant_text(call.called_at),
        }));
    }
    Ok(Json(json!({"department": format!("Organization/{id}"), "calls": items})).into_response())
}

/// `GET /api/me/sessions?date=`: the calling doctor's sessions of the day (today when left out).
pub async fn my_sessions(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(day): axum::extract::Query<super::day::DayQuery>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let date = day.day(&state.clock)?;
    let Some(practitioner) = caller.practitioner_id.clone() else {
        return Ok(Json(json!({"date": date, "sessions": []})).into_response());
    };
    let roles = super::find::roles_of(&state, &practitioner).await?;
    let sessions = state.store.sessions_of_roles_on(&roles, &date).await?;
    let mut items = Vec::new();
    for session in &sessions {
        let line = state.store.line_summary(&session.id).await?;
        items.push(json!({
            "schedule": views::schedule(session),
            "waiting": line.waiting,
            "now_serving": line.serving,
            "line_version": format!("{:016x}", line.version),
        }));
    }
    Ok(Json(json!({"date": date, "sessions": items})).into_response())
}
