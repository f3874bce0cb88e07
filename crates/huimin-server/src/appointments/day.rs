//! A department's day for its staff (triage desk, administrators): every session of a date
//! with its doctor, room, status and line, so the triage desk can check patients in and move
//! them, and administrators can stop a clinic.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_store::appointments::SessionRecord;
use serde::Deserialize;
use serde_json::json;

use super::views;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

/// A session's doctor (name as recorded) and room (Chinese and English names).
pub async fn doctor_and_room(
    state: &AppState,
    session: &SessionRecord,
) -> Result<(String, Text), ApiError> {
    let role = match &session.practitioner_role_id {
        Some(role) => state.store.read_resource("PractitionerRole", role).await?,
        None => None,
    };
    let practitioner = match role
        .as_ref()
        .and_then(|r| r.content["practitioner"]["reference"].as_str())
        .and_then(|r| r.strip_prefix("Practitioner/"))
    {
        Some(id) => state.store.read_resource("Practitioner", id).await?,
        None => None,
    };
    let doctor = practitioner
        .and_then(|p| p.content["name"][0]["text"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let room = match &session.room_id {
        Some(room) => room_names(state, room).await?,
        None => None,
    }
    .unwrap_or_else(|| Text::new("", ""));
    Ok((doctor, room))
}

/// A room's name in Chinese and English (its first ASCII alias, else the Chinese name).
pub async fn room_names(state: &AppState, room_id: &str) -> Result<Option<Text>, ApiError> {
    Ok(state
        .store
        .read_resource("Location", room_id)
        .await?
        .map(|l| {
            let zh = l.content["name"].as_str().unwrap_or_default().to_owned();
            let en = l.content["alias"]
                .as_array()
                .and_then(|a| a.iter().filter_map(|v| v.as_str()).find(|s| s.is_ascii()))
                .map(str::to_owned)
                .unwrap_or_else(|| zh.clone());
            Text::new(zh, en)
        }))
}

#[derive(Deserialize)]
pub struct DayQuery {
    /// `YYYY-MM-DD`, today (hospital time) when left out.
    date: Option<String>,
}

impl DayQuery {
    /// The day asked for as `YYYY-MM-DD`, or today; 400 when it is not a date.
    pub fn day(&self, clock: &huimin_clock::Clock) -> Result<String, ApiError> {
        let date = match self.date.as_deref() {
            None | Some("") => clock.today(),
            Some(text) => text.parse::<jiff::civil::Date>().map_err(|_| {
                ApiError::bad_request(Text::new("date 须为 YYYY-MM-DD", "date must be YYYY-MM-DD"))
            })?,
        };
        Ok(date.to_string())
    }
}

/// `GET /api/departments/{id}/sessions?date=`: staff only.
pub async fn department_sessions(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<DayQuery>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !caller.role.is_staff() {
        return Err(ApiError::forbidden());
    }
    let date = query.day(&state.clock)?;
    let sessions = state.store.sessions_of_department_on(&id, &date).await?;
    let mut items = Vec::with_capacity(sessions.len());
    for session in &sessions {
        let line = state.store.line_summary(&session.id).await?;
        let (doctor, room) = doctor_and_room(&state, session).await?;
        items.push(json!({
            "schedule": views::schedule(session),
            "status": session.status,
            "doctor": doctor,
            "room": {"zh": room.zh, "en": room.en},
            "waiting": line.waiting,
            "expected": line.expected,
            "now_serving": line.serving,
            "line_version": format!("{:016x}", line.version),
        }));
    }
    Ok(
        Json(json!({"department": format!("Organization/{id}"), "date": date, "sessions": items}))
            .into_response(),
    )
}
