//! HTTP handlers of the booking API.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::appointments::SlotFilter;
use serde_json::Value;

use super::operations::{
    Placement, appointment_response, change_status, confirm, place, visible_appointment,
};
use super::parameters::{Parameter, ParametersError, parse as parse_parameters};
use super::views;
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

fn bad(zh: String, en: String) -> ApiError {
    ApiError::bad_request(Text::new(zh, en))
}

/// A FHIR `Parameters` body's parameters, or a localised 400 saying what is wrong with it.
pub(super) fn parameters(body: &[u8]) -> Result<Vec<Parameter>, ApiError> {
    parse_parameters(body).map_err(|err| match err {
        ParametersError::Malformed(e) => bad(
            format!("JSON 格式错误：{e}"),
            format!("Malformed JSON: {e}"),
        ),
        ParametersError::NotParameters => bad(
            "请求体须为 Parameters 资源".into(),
            "The body must be a Parameters resource".into(),
        ),
        ParametersError::Unnamed => bad("参数缺少 name".into(), "A parameter has no name".into()),
    })
}

/// The id in `parameter[name].valueReference.reference` = `Kind/id`.
fn reference_param(
    params: &[Parameter],
    name: &str,
    kind: &str,
) -> Result<Option<String>, ApiError> {
    let Some(parameter) = params.iter().find(|p| p.name == name) else {
        return Ok(None);
    };
    let id = parameter
        .reference
        .as_deref()
        .and_then(|r| r.strip_prefix(kind))
        .and_then(|r| r.strip_prefix('/'));
    match id {
        Some(id) if crate::fhir::kinds::is_valid_id(id) => Ok(Some(id.to_owned())),
        _ => Err(bad(
            format!("参数 {name} 须为 {kind}/<id> 引用"),
            format!("Parameter {name} must reference {kind}/<id>"),
        )
        .at(format!("Parameters.parameter[{name}]"))),
    }
}

fn required(value: Option<String>, name: &str) -> Result<String, ApiError> {
    value.ok_or_else(|| {
        bad(
            format!("缺少参数 {name}"),
            format!("The {name} parameter is required"),
        )
        .at(format!("Parameters.parameter[{name}]"))
    })
}

/// Patients book directly only free sessions; others are held and paid first.
async fn check_direct_booking(state: &AppState, ctx: &Ctx, slot_id: &str) -> Result<(), ApiError> {
    if ctx.require()?.role != Role::Patient {
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
            "该号源需付费：请先锁号（$hold），支付后确认",
            "This slot has a fee: hold it first ($hold), then confirm after payment",
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

/// A required reference parameter: the id of its `Kind/id`.
pub(super) fn required_reference(
    params: &[Parameter],
    name: &str,
    kind: &str,
) -> Result<String, ApiError> {
    required(reference_param(params, name, kind)?, name)
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

/// `$find`: bookable slots by department, doctor, dates and class; public.
pub async fn find(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let today = state.clock.today();
    // By default up to the furthest day any department books ahead.
    let window_days = state
        .rules
        .current(&state.store)
        .await?
        .longest_window_days();
    let mut filter = SlotFilter {
        from_date: today.to_string(),
        to_date: today
            .saturating_add(jiff::Span::new().days(i64::from(window_days)))
            .to_string(),
        starts_after: state.clock.now().as_microsecond(),
        only_available: true,
        count_total: true,
        limit: 50,
        ..SlotFilter::default()
    };
    let id_of = |v: &str, kind: &str| v.strip_prefix(&format!("{kind}/")).unwrap_or(v).to_owned();
    for (key, value) in &pairs {
        let date = |v: &str| {
            v.parse::<jiff::civil::Date>()
                .map(|d| d.to_string())
                .map_err(|_| {
                    bad(
                        format!("{key} 须为 YYYY-MM-DD"),
                        format!("{key} must be YYYY-MM-DD"),
                    )
                })
        };
        match key.as_str() {
            "department" => filter.department_id = Some(id_of(value, "Organization")),
            "practitioner" => filter.practitioner_role_id = Some(id_of(value, "PractitionerRole")),
            "class" => filter.registration_class = Some(value.clone()),
            "start" => filter.from_date = date(value)?,
            "end" => filter.to_date = date(value)?,
            "available" => filter.only_available = value != "false",
            "_count" => {
                filter.limit = value
                    .parse::<u32>()
                    .map_err(|_| {
                        bad(
                            "_count 须为整数".into(),
                            "_count must be a whole number".into(),
                        )
                    })?
                    .min(100)
            }
            "_offset" => {
                filter.offset = value.parse().map_err(|_| {
                    bad(
                        "_offset 须为整数".into(),
                        "_offset must be a whole number".into(),
                    )
                })?
            }
            "_total" => {
                filter.count_total = match value.as_str() {
                    "accurate" | "estimate" => true,
                    "none" => false,
                    _ => {
                        return Err(bad(
                            "_total 须为 none、estimate 或 accurate".into(),
                            "_total must be none, estimate or accurate".into(),
                        ));
                    }
                }
            }
            "lang" => {}
            other => {
                return Err(bad(
                    format!("$find 不支持参数 {other}"),
                    format!(
                        "$find has no parameter {other}; use department, practitioner, start, end, class, available, _count, _offset, _total"
                    ),
                ));
            }
        }
    }
    // Staff booking in person may book the slot under way (slots are at most 30 minutes).
    if ctx.caller.as_ref().is_some_and(|c| c.role.is_staff()) {
        let now = state.clock.now().as_microsecond();
        filter.starts_after = now - 30 * 60 * 1_000_000 - 1;
        filter.ends_after = Some(now);
    }
    // The walk along the time index stops at the end of the last day asked for.
    let tz = &state.settings.booking.time_zone;
    filter.starts_before = filter
        .to_date
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.tomorrow().ok())
        .and_then(|d| {
            tz.to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .ok()
        })
        .map(|t| t.as_microsecond());
    let (total, found) = state.store.find_slots(&filter).await?;
    let base = crate::fhir::base_url(&headers);
    let entries: Vec<Value> = found
        .iter()
        .map(|(session, slot)| serde_json::json!({"fullUrl": format!("{base}/Slot/{}", slot.id), "resource": views::slot(session, slot), "search": {"mode": "match"}}))
        .collect();
    let mut bundle = serde_json::json!({"resourceType": "Bundle", "type": "searchset"});
    if let Some(total) = total {
        bundle["total"] = total.into();
    }
    if !entries.is_empty() {
        bundle["entry"] = Value::Array(entries);
    }
    Ok(crate::fhir::fhir_response(StatusCode::OK, &bundle))
}

/// Public; a bad token is still refused (401).
pub async fn read_slot(
    State(state): State<AppState>,
    _: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found(&format!("Slot/{id}"));
    let (slot, session) = state
        .store
        .slot_and_session(&id)
        .await?
        .ok_or_else(not_found)?;
    Ok(crate::fhir::fhir_response(
        StatusCode::OK,
        &views::slot(&session, &slot),
    ))
}

/// Public; a bad token is still refused (401).
pub async fn read_schedule(
    State(state): State<AppState>,
    _: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let session = state
        .store
        .clinic_session(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Schedule/{id}")))?;
    Ok(crate::fhir::fhir_response(
        StatusCode::OK,
        &views::schedule(&session),
    ))
}

/// `GET /fhir/Appointment?patient=Patient/<id>&_count=&_offset=`: a patient's appointments,
/// latest visit first. Patient accounts see their own patients' (all of them when `patient`
/// is left out); staff name the patient. Another account's patient is an empty result, as a
/// missing one is.
pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let (mut patient, mut count, mut offset) = (None, 20u32, 0u32);
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let number = || {
            value.parse::<u32>().map_err(|_| {
                bad(
                    format!("{name} 须为非负整数"),
                    format!("{name} must be a non-negative integer"),
                )
            })
        };
        match name.as_ref() {
            "patient" => {
                patient = Some(value.trim_start_matches("Patient/").to_owned());
            }
            "_count" => count = number()?.clamp(1, 100),
            "_offset" => offset = number()?,
            "lang" => {}
            other => {
                return Err(bad(
                    format!("预约查询不支持参数 {other}"),
                    format!(
                        "Appointment search has no parameter {other}; use patient, _count, _offset"
                    ),
                ));
            }
        }
    }
    let patients: Vec<String> = match (caller.role, patient) {
        (Role::Patient, None) => caller.patient_ids.clone(),
        (Role::Patient, Some(p)) => caller
            .patient_ids
            .iter()
            .filter(|own| **own == p)
            .cloned()
            .collect(),
        (role, Some(p)) if role.is_staff() => vec![p],
        (role, None) if role.is_staff() => {
            return Err(bad(
                "请指定患者 patient".into(),
                "Name the patient: patient=Patient/<id>".into(),
            ));
        }
        _ => return Err(ApiError::forbidden()),
    };
    let (records, total) = state
        .store
        .appointments_of(&patients, count, offset)
        .await?;
    let mut resources = Vec::with_capacity(records.len());
    for record in &records {
        let (slot, session) = state
            .store
            .slot_and_session(&record.slot_id)
            .await?
            .ok_or_else(ApiError::internal)?;
        resources.push((
            record.id.clone(),
            views::appointment(record, &session, &slot),
        ));
    }
    let what = patients
        .iter()
        .map(|p| format!("Patient/{p}"))
        .collect::<Vec<_>>()
        .join(",");
    audit::record(
        &state,
        &ctx,
        "search",
        "Appointment?patient",
        SUCCESS,
        &what,
    )
    .await?;
    let base = crate::fhir::base_url(&headers);
    let filters: Vec<(String, String)> = patients
        .first()
        .filter(|_| patients.len() == 1)
        .map(|p| vec![("patient".to_owned(), format!("Patient/{p}"))])
        .unwrap_or_default();
    let page = crate::fhir::http::Page {
        base: &base,
        resource_type: "Appointment",
        filters: &filters,
        count,
        offset,
        total,
    };
    Ok(crate::fhir::fhir_response(
        StatusCode::OK,
        &page.bundle(resources),
    ))
}
