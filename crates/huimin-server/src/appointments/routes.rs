//! HTTP handlers of the booking API that place and change appointments: `$hold`, `$book`,
//! direct booking, reads and status changes of an `Appointment`. `$find` is in `find.rs`, the
//! searches and reads of `Slot` and `Schedule` in `search.rs`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use serde_json::Value;

use super::operations::{
    Placement, appointment_response, change_status, confirm, place, visible_appointment,
};
use super::parameters::{Parameter, bad, parameters, reference_param, required_reference};
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

/// With online payment, patients book directly only free sessions: a paid place is held until
/// it is paid. Without it (the default) they book at once and pay at the desk.
async fn check_direct_booking(state: &AppState, ctx: &Ctx, slot_id: &str) -> Result<(), ApiError> {
    if !state.settings.online_payment || ctx.require()?.role != Role::Patient {
        return Ok(());
    }
    let Some(slot) = state.store.slot(slot_id).await? else {
        return Ok(());
    };
    let Some(session) = state.store.clinic_session(&slot.session_id).await? else {
        return Ok(());
    };
    if session.fee_fen > 0 {
        return Err(ApiError::unprocessable(Text::new(
            "该号源需在线支付：请先锁号（$hold），支付后确认",
            "This slot is paid online: hold it first ($hold), then confirm after payment",
        )));
    }
    Ok(())
}

pub async fn hold(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = parameters(&body)?;
    let (slot, patient) = slot_and_patient(&params)?;
    hold_or_book(&state, &ctx, &headers, &slot, &patient, true).await
}

pub async fn book(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = parameters(&body)?;
    if let Some(appointment) = reference_param(&params, "appointment", "Appointment")? {
        return confirm(&state, &ctx, &headers, &appointment).await;
    }
    let (slot, patient) = slot_and_patient(&params)?;
    hold_or_book(&state, &ctx, &headers, &slot, &patient, false).await
}

/// The `slot` and `patient` parameters, both required.
fn slot_and_patient(params: &[Parameter]) -> Result<(String, String), ApiError> {
    let slot = required_reference(params, "slot", "Slot")?;
    let patient = required_reference(params, "patient", "Patient")?;
    Ok((slot, patient))
}

/// Holds, or books directly (which patients may only do for free slots).
async fn hold_or_book(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    slot: &str,
    patient: &str,
    hold: bool,
) -> Result<Response, ApiError> {
    if !hold {
        check_direct_booking(state, ctx, slot).await?;
    }
    let placement = Placement {
        slot_id: slot,
        patient_id: patient,
        hold,
        extra: false,
    };
    place(state, ctx, headers, placement).await
}

/// `POST /fhir/Appointment` with `status` `booked` (or `pending` to hold), one `slot` and a
/// Patient participant.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        bad(
            format!("JSON 格式错误：{e}"),
            format!("Malformed JSON: {e}"),
        )
    })?;
    if value.get("resourceType").and_then(Value::as_str) != Some("Appointment") {
        return Err(bad(
            "resourceType 应为 Appointment".into(),
            "resourceType must be Appointment".into(),
        ));
    }
    let status = value.get("status").and_then(Value::as_str).unwrap_or("");
    let hold = match status {
        "booked" => false,
        "pending" => true,
        other => {
            return Err(ApiError::unprocessable(Text::new(
                format!("新预约的状态须为 booked 或 pending，收到 {other}"),
                format!("A new appointment's status must be booked or pending, got {other}"),
            ))
            .at("Appointment.status"));
        }
    };
    let slot = value
        .pointer("/slot/0/reference")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("Slot/"))
        .map(str::to_owned);
    let patient = value
        .get("participant")
        .and_then(Value::as_array)
        .and_then(|ps| {
            ps.iter().find_map(|p| {
                p.pointer("/actor/reference")
                    .and_then(Value::as_str)?
                    .strip_prefix("Patient/")
                    .map(str::to_owned)
            })
        });
    let slot = slot.ok_or_else(|| {
        ApiError::unprocessable(Text::new(
            "须引用一个号源 Slot",
            "One Slot reference is required",
        ))
        .at("Appointment.slot")
    })?;
    let patient = patient.ok_or_else(|| {
        ApiError::unprocessable(Text::new(
            "须有一个患者参与者",
            "A Patient participant is required",
        ))
        .at("Appointment.participant")
    })?;
    hold_or_book(&state, &ctx, &headers, &slot, &patient, hold).await
}

pub async fn read(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // A waitlist entry is an Appointment too (status `waitlist`), kept in its own table.
    if state.store.appointment(&id).await?.is_none()
        && let Some(entry) = super::waitlist_entry::read_entry(&state, &ctx, &id).await?
    {
        return Ok(entry);
    }
    let record = visible_appointment(&state, &ctx, &id, "read").await?;
    audit::record(
        &state,
        &ctx,
        "read",
        &format!("Appointment/{id}"),
        SUCCESS,
        "",
    )
    .await?;
    appointment_response(&state, &record, StatusCode::OK, &headers).await
}

/// PUT: only the status may change (cancel, check in, seen).
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        bad(
            format!("JSON 格式错误：{e}"),
            format!("Malformed JSON: {e}"),
        )
    })?;
    if value.get("id").and_then(Value::as_str) != Some(id.as_str()) {
        return Err(bad(
            "资源 id 须与地址中的 id 一致".into(),
            "The resource id must match the id in the URL".into(),
        )
        .at("Appointment.id"));
    }
    let status = value
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    change_status(&state, &ctx, &headers, &id, &status).await
}

/// PATCH with a JSON Patch replacing `/status`.
pub async fn patch(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ops: Value = serde_json::from_slice(&body).map_err(|e| {
        bad(
            format!("JSON 格式错误：{e}"),
            format!("Malformed JSON: {e}"),
        )
    })?;
    let status = ops
        .as_array()
        .filter(|ops| ops.len() == 1)
        .and_then(|ops| ops.first())
        .filter(|op| op["op"] == "replace" && op["path"] == "/status")
        .and_then(|op| op["value"].as_str())
        .ok_or_else(|| {
            bad(
                "仅支持替换 /status 的 JSON Patch".into(),
                "Only a JSON Patch replacing /status is supported".into(),
            )
        })?
        .to_owned();
    change_status(&state, &ctx, &headers, &id, &status).await
}
