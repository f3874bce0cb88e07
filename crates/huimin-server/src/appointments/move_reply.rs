//! A patient's answer to a stop-clinic move (`POST /api/appointments/{id}/move-reply`,
//! `{"accept": true|false}`): accepting keeps the new appointment; declining cancels it with
//! a full refund, whatever the cancellation cut-off. `GET /api/appointments/{id}/move` shows
//! the move that made or replaced an appointment.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_store::appointments::MoveRecord;
use huimin_store::instant_text;
use serde::Deserialize;
use serde_json::{Value, json};

use super::errors::booking_error;
use super::operations::visible_appointment;
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

fn move_json(m: &MoveRecord, now: i64) -> Value {
    json!({
        "from": format!("Appointment/{}", m.from_appointment),
        "to": format!("Appointment/{}", m.to_appointment),
        "kind": m.kind,
        "reply": m.reply_at(now),
        "reply_by": m.reply_by.map(instant_text),
        "replied_at": m.replied_at.map(instant_text),
        "moved_at": instant_text(m.created_at),
    })
}

/// `GET /api/appointments/{id}/move`: `{"into": move|null, "out_of": move|null}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    visible_appointment(&state, &ctx, &id, "read").await?;
    let now = state.clock.now().as_microsecond();
    let into = state.store.move_into_appointment(&id).await?;
    let out_of = state.store.move_out_of_appointment(&id).await?;
    audit::record(
        &state,
        &ctx,
        "read",
        &format!("Appointment/{id}/move"),
        SUCCESS,
        "",
    )
    .await?;
    Ok(Json(json!({
        "into": into.map(|m| move_json(&m, now)),
        "out_of": out_of.map(|m| move_json(&m, now)),
    }))
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    accept: bool,
}

pub async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    visible_appointment(&state, &ctx, &id, "update").await?;
    let request: Reply = crate::error::json_body(&body)?;
    let moved = state
        .store
        .move_into_appointment(&id)
        .await?
        .filter(|m| m.kind == "stop-clinic")
        .ok_or_else(|| {
            ApiError::conflict(Text::new(
                "该预约不是停诊改约，无需答复",
                "This appointment was not moved by a stop-clinic: there is nothing to answer",
            ))
        })?;
    let now = state.clock.now();
    if request.accept {
        state.store.accept_move(&id, now.as_microsecond()).await?;
    } else {
        let rules = state.rules.current(&state.store).await?;
        let record = state.store.appointment(&id).await?;
        let department = record.map(|r| r.department_id).unwrap_or_default();
        let rule = rules.department(&department).rules.cancellation;
        // The store waives the cut-off for a patient moved by a stop-clinic.
        state
            .store
            .cancel_appointment(&id, now, Some(&rule))
            .await
            .map_err(booking_error)?;
    }
    let answer = if request.accept {
        "accepted"
    } else {
        "declined"
    };
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("Appointment/{id}"),
        SUCCESS,
        &format!("stop-clinic move {answer}"),
    )
    .await?;
    let latest = state
        .store
        .move_into_appointment(&id)
        .await?
        .unwrap_or(moved);
    Ok(Json(move_json(&latest, now.as_microsecond())).into_response())
}
