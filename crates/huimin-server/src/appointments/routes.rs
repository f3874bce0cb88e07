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
    Placement, appointment_response, appointment_view, change_status, confirm, place,
    visible_appointment,
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

/// PUT: the whole Appointment as read, with only its status changed (cancel, check in, seen).
/// Any other element that differs is refused naming it: moving a booking is a cancellation
/// and a new booking, never an edit.
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let wanted: Value = serde_json::from_slice(&body).map_err(|e| {
        bad(
            format!("JSON 格式错误：{e}"),
            format!("Malformed JSON: {e}"),
        )
    })?;
    if wanted.get("id").and_then(Value::as_str) != Some(id.as_str()) {
        return Err(bad(
            "资源 id 须与地址中的 id 一致".into(),
            "The resource id must match the id in the URL".into(),
        )
        .at("Appointment.id"));
    }
    let current = visible_appointment(&state, &ctx, &id, "update").await?;
    let current = appointment_view(&state, &current).await?;
    let status = only_the_status(&current, &wanted)?;
    change_status(&state, &ctx, &headers, &id, &status).await
}

/// PATCH with a JSON Patch (RFC 6902: `test`, `add`, `remove`, `replace`, …) applied to the
/// Appointment as read; the result is held to what a PUT may change.
pub async fn patch(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ops: json_patch::Patch = serde_json::from_slice(&body).map_err(|e| {
        bad(
            format!("JSON Patch 格式错误：{e}"),
            format!("Malformed JSON Patch: {e}"),
        )
    })?;
    let current = visible_appointment(&state, &ctx, &id, "update").await?;
    let current = appointment_view(&state, &current).await?;
    let mut wanted = current.clone();
    json_patch::patch(&mut wanted, &ops).map_err(|e| {
        let path = e.path.to_string();
        let text = match e.kind {
            json_patch::PatchErrorKind::TestFailed => Text::new(
                format!("JSON Patch 第 {} 步 test 不成立：{path} 的值已不是所给的值", e.operation + 1),
                format!(
                    "JSON Patch operation {}: the test failed: {path} no longer holds the given value",
                    e.operation + 1
                ),
            ),
            _ => Text::new(
                format!("JSON Patch 第 {} 步无法执行：路径 {path} 无效", e.operation + 1),
                format!(
                    "JSON Patch operation {} cannot be applied: the path {path} is not valid",
                    e.operation + 1
                ),
            ),
        };
        ApiError::unprocessable(text).at(format!("Appointment{}", path.replace('/', ".")))
    })?;
    let status = only_the_status(&current, &wanted)?;
    change_status(&state, &ctx, &headers, &id, &status).await
}

/// The status `wanted` asks for, when nothing but the status (and the `meta` and narrative a
/// client sends back) differs from `current`.
fn only_the_status(current: &Value, wanted: &Value) -> Result<String, ApiError> {
    const FREE: [&str; 3] = ["status", "meta", "text"];
    let empty = serde_json::Map::new();
    let before = current.as_object().unwrap_or(&empty);
    let after = wanted.as_object().ok_or_else(|| {
        bad(
            "请求体须为 Appointment 资源".into(),
            "The body must be an Appointment resource".into(),
        )
    })?;
    let keys = before
        .keys()
        .chain(after.keys().filter(|k| !before.contains_key(*k)));
    for key in keys {
        if FREE.contains(&key.as_str()) || before.get(key) == after.get(key) {
            continue;
        }
        return Err(ApiError::unprocessable(Text::new(
            format!("预约的 {key} 不能修改：只能修改状态（取消、签到、就诊完成）；改期请取消后重新预约"),
            format!(
                "Appointment.{key} cannot be changed: only the status may (cancel, check in, seen); to move a booking, cancel it and book again"
            ),
        ))
        .at(format!("Appointment.{key}")));
    }
    after
        .get("status")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| {
            bad("缺少 status".into(), "The status is missing".into()).at("Appointment.status")
        })
}
