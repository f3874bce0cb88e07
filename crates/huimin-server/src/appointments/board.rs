//! The waiting-area call screen's board (叫号屏): for each of a department's lines today, who
//! is called in and the next few waiting (`calling.screen_waiting`, default 5), names masked,
//! and what the screen says aloud for each call. Public like the screen itself; the
//! department's check-in code comes with it for staff and for the department's screen. A
//! passed patient leaves the screen until called again.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::call_speech;
use huimin_domain::masking::mask_name;
use huimin_store::appointments::{QueueEntry, SessionRecord};
use huimin_store::instant_text;
use serde_json::{Value, json};

use super::calling::patient_name;
use super::screens::{ScreenKey, screen_key};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

async fn shown(state: &AppState, entry: &QueueEntry) -> Result<Value, ApiError> {
    Ok(json!({
        "number": entry.queue_number,
        "name": mask_name(&patient_name(state, &entry.patient_id).await?),
    }))
}

/// One line: its doctor and room, who is called in (also returned in `calls`) and the
/// first `waiting_shown` waiting.
async fn line(
    state: &AppState,
    session: &SessionRecord,
    waiting_shown: usize,
    calls: &mut Vec<Value>,
) -> Result<Option<Value>, ApiError> {
    let queue = state.store.session_queue(&session.id).await?;
    let ended = session.ends_at <= state.clock.now().as_microsecond();
    if ended && queue.current.is_none() && queue.waiting.is_empty() {
        return Ok(None);
    }
    let (doctor, room) = super::day::doctor_and_room(state, session).await?;
    let current = match &queue.current {
        Some(entry) => {
            let mut called = shown(state, entry).await?;
            let name = called["name"].as_str().unwrap_or_default().to_owned();
            let at = entry.called_at.unwrap_or_default();
            let call = json!({
                "id": format!("{}@{at}", entry.appointment_id),
                "number": entry.queue_number,
                "name": name,
                "room": {"zh": room.zh, "en": room.en},
                "called_at": instant_text(at),
                "speech": call_speech(entry.queue_number, &name, &room.zh),
            });
            called["called_at"] = call["called_at"].clone();
            calls.push(call);
            called
        }
        None => Value::Null,
    };
    // A passed patient (过号) leaves the screen: they were told on their phone where they
    // stand, and the screen shows them again when they are called.
    let next: Vec<&QueueEntry> = queue.waiting.iter().filter(|e| e.passes == 0).collect();
    let mut waiting = Vec::new();
    for entry in next.iter().take(waiting_shown) {
        waiting.push(shown(state, entry).await?);
    }
    Ok(Some(json!({
        "schedule": format!("Schedule/{}", session.id),
        "doctor": doctor,
        "room": {"zh": room.zh, "en": room.en},
        "current": current,
        "waiting": waiting,
        "waiting_total": next.len(),
    })))
}

/// `GET /api/departments/{id}/board`: today's active lines (those ended and empty left out),
/// `calls` latest first; `check_in_code` for staff and the department's screen token, and
/// `screen: "refused"` when the token sent is not (or no longer) good for this department.
pub async fn board(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let today = state.clock.today().to_string();
    let rules = state.rules.current(&state.store).await?;
    let waiting_shown = rules.department(&id).rules.calling.screen_waiting as usize;
    let sessions = state.store.sessions_of_department_on(&id, &today).await?;
    let (mut lines, mut calls) = (Vec::new(), Vec::new());
    for session in sessions.iter().filter(|s| s.status == "active") {
        if let Some(line) = line(&state, session, waiting_shown, &mut calls).await? {
            lines.push(line);
        }
    }
    calls.sort_by(|a, b| b["called_at"].as_str().cmp(&a["called_at"].as_str()));
    let mut body = json!({
        "department": format!("Organization/{id}"),
        "date": today,
        "calls": calls,
        "lines": lines,
    });
    let staff = ctx.caller.as_ref().is_some_and(|c| c.role.is_staff());
    match (staff, screen_key(&state, &headers, &id).await?) {
        (true, _) | (false, ScreenKey::Valid(_)) => {
            body["check_in_code"] = super::site::code_json(&state, &id)?;
        }
        (false, ScreenKey::Refused) => body["screen"] = json!("refused"),
        (false, ScreenKey::Absent) => {}
    }
    Ok(Json(body).into_response())
}
