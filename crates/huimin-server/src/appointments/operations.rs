//! `$hold`, `$book`, direct booking, and the appointment's later changes (cancel, check-in,
//! seen). Patients act for the Patient records of their account; window staff for anyone.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use huimin_domain::appointments::permissions::{Standing, may_change};
use huimin_domain::appointments::{AppointmentStatus, Channel, CheckInBy, CheckInFacts};
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::appointments::{AppointmentRecord, BookingMode, PlaceRequest, Replay};
use sha2::{Digest, Sha256};

use super::eligibility::booking_channel;
use super::errors::booking_error;
use super::views;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::{Caller, Ctx};
use crate::error::ApiError;
use crate::state::AppState;

/// The `Idempotency-Key` header with a hash of what was asked, so a reused key with a
/// different request is caught.
fn idempotency(headers: &HeaderMap, operation: &str, parts: &[&str]) -> Option<(String, String)> {
    let key = headers.get("idempotency-key")?.to_str().ok()?.trim();
    if key.is_empty() || key.len() > 200 {
        return None;
    }
    let mut hash = Sha256::new();
    hash.update(operation.as_bytes());
    for part in parts {
        hash.update([0x1f]);
        hash.update(part.as_bytes());
    }
    let digest: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Some((key.to_owned(), digest))
}

pub struct Placement<'a> {
    pub slot_id: &'a str,
    pub patient_id: &'a str,
    pub hold: bool,
    /// A doctor's extra place: booked through the window channel on the doctor's authority.
    pub extra: bool,
}

/// The channel the caller books through for the patient: a doctor's extra place through the
/// window, patients for their own, window staff for anyone; 403 (audited) for anyone else.
async fn channel_for(
    state: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    p: &Placement<'_>,
) -> Result<Channel, ApiError> {
    let channel = if p.extra {
        Some(Channel::Window)
    } else {
        booking_channel(caller, p.patient_id)
    };
    if let Some(channel) = channel {
        return Ok(channel);
    }
    audit::record(
        state,
        ctx,
        "create",
        &format!("Appointment?patient=Patient/{}", p.patient_id),
        DENIED,
        "not the caller's patient",
    )
    .await?;
    Err(ApiError::forbidden())
}

/// Takes the place, or finds the answer given before to the same idempotency key. In a flash
/// crowd most attempts find the slot sold out: those are answered at once. The patient's
/// real-name identity and birth date are checked by the store as it takes the place, from the
/// Patient's index rows (no read of the sealed record).
async fn take(
    state: &AppState,
    ctx: &Ctx,
    request: PlaceRequest<'_>,
    operation: &str,
) -> Result<Replay, ApiError> {
    let early = state
        .store
        .sold_out_answer(&request)
        .await
        .map_err(booking_error)?;
    if let Some(replayed) = early {
        let resource = format!("Appointment/{}", replayed.appointment().id);
        audit::record(state, ctx, "create", &resource, SUCCESS, operation).await?;
        return Ok(replayed);
    }
    // Written by the store with the place (its resource becomes the appointment); built only
    // now, since most attempts in a crowd are answered above.
    let audit_record = audit::new_record(ctx, "create", "Appointment", SUCCESS, operation);
    let request = PlaceRequest {
        audit: Some(&audit_record),
        ..request
    };
    state
        .store
        .take_place(&request)
        .await
        .map_err(booking_error)
}

/// Holds or books a place and answers with the Appointment (201, or 200 for a replay); the
/// attempt's outcome and time are recorded (`huimin_bookings_total`, `/metrics`).
pub async fn place(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    p: Placement<'_>,
) -> Result<Response, ApiError> {
    let started = std::time::Instant::now();
    let (operation, hold) = (operation_of(&p), p.hold);
    let answer = place_unmeasured(state, ctx, headers, p).await;
    crate::metrics::booking(operation, hold, &answer, started.elapsed());
    answer
}

fn operation_of(p: &Placement<'_>) -> &'static str {
    match (p.hold, p.extra) {
        (_, true) => "extra-slot",
        (true, false) => "$hold",
        (false, false) => "$book",
    }
}

async fn place_unmeasured(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    p: Placement<'_>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    state.guard.check(ctx)?;
    let channel = channel_for(state, ctx, caller, &p).await?;
    // Holds, quotas, bans and the elderly age are set for the whole hospital.
    let rules = state.rules.current(&state.store).await?;
    let settings = rules.hospital();
    let now = state.clock.now();
    let mode = if p.hold {
        BookingMode::Hold {
            expires_at: settings.rules.hold.expires_at(now).as_microsecond(),
        }
    } else {
        BookingMode::Book
    };
    let operation = operation_of(&p);
    let key = idempotency(headers, operation, &[p.slot_id, p.patient_id]);
    let request = PlaceRequest {
        slot_id: p.slot_id,
        patient_id: p.patient_id,
        account_id: Some(&caller.username),
        channel,
        elderly: &settings.rules.elderly,
        has_referral: false,
        mode,
        on_site: caller.role.is_staff(),
        now,
        tz: &settings.time_zone,
        quota: &settings.rules.quota,
        bans: &settings.rules.bans,
        idempotency: key.as_ref().map(|(k, h)| (k.as_str(), h.as_str())),
        audit: None,
        departments: rules.directory(),
    };
    let outcome = take(state, ctx, request, operation).await?;
    let status = match outcome {
        Replay::Fresh(..) => StatusCode::CREATED,
        Replay::Replayed(_) => StatusCode::OK,
    };
    if state.guard.note_booking(ctx, p.patient_id) {
        let detail = "many distinct patients booked from this address within an hour";
        audit::record(
            state,
            ctx,
            "flag",
            &format!("Address/{}", ctx.ip),
            "flagged",
            detail,
        )
        .await?;
        tracing::warn!("booking address flagged for review");
    }
    match outcome.taken_in() {
        // A fresh place comes with its slot and session: no read before answering; it was not
        // moved, so its deadline is the cut-off.
        Some((slot, session)) => {
            let cancel_by = super::terms::slot_cancel_by(state, session, slot).await?;
            let body = views::appointment(outcome.appointment(), session, slot, Some(cancel_by));
            Ok(appointment_answer(
                outcome.appointment(),
                &body,
                status,
                headers,
            ))
        }
        None => appointment_response(state, outcome.appointment(), status, headers).await,
    }
}

pub async fn appointment_response(
    state: &AppState,
    record: &AppointmentRecord,
    status: StatusCode,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let body = appointment_view(state, record).await?;
    Ok(appointment_answer(record, &body, status, headers))
}

/// The Appointment resource of a booking, as a read answers it.
pub async fn appointment_view(
    state: &AppState,
    record: &AppointmentRecord,
) -> Result<serde_json::Value, ApiError> {
    let (slot, session) = state
        .store
        .slot_and_session(&record.slot_id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let cancel_by = super::terms::cancel_by(state, record, &slot).await?;
    Ok(views::appointment(record, &session, &slot, cancel_by))
}

fn appointment_answer(
    record: &AppointmentRecord,
    body: &serde_json::Value,
    status: StatusCode,
    headers: &HeaderMap,
) -> Response {
    let mut response = crate::fhir::fhir_response(status, body);
    if status == StatusCode::CREATED {
        let location = format!(
            "{}/Appointment/{}",
            crate::fhir::base_url(headers),
            record.id
        );
        if let Ok(value) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
    }
    response
}

/// The appointment if the caller may see it; a patient asking for another's gets 404.
pub async fn visible_appointment(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    action: &str,
) -> Result<AppointmentRecord, ApiError> {
    let caller = ctx.require()?;
    let reference = format!("Appointment/{id}");
    let record = state.store.appointment(id).await?;
    let allowed = match (&record, caller.role) {
        (None, _) => false,
        (Some(r), Role::Patient) => caller.patient_ids.contains(&r.patient_id),
        (Some(_), _) => caller.role.is_staff(),
    };
    if !allowed {
        let outcome = if record.is_some() {
            DENIED
        } else {
            "not-found"
        };
        audit::record(state, ctx, action, &reference, outcome, "").await?;
        return Err(ApiError::not_found(&reference));
    }
    Ok(record.expect("checked"))
}

/// Confirms a hold (`$book` with an appointment). Until online payment exists the patient
/// confirms and pays at the desk.
pub async fn confirm(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    id: &str,
) -> Result<Response, ApiError> {
    state.guard.check(ctx)?;
    visible_appointment(state, ctx, id, "update").await?;
    let record = state
        .store
        .confirm_hold(id, state.clock.now())
        .await
        .map_err(booking_error)?;
    audit::record(
        state,
        ctx,
        "update",
        &format!("Appointment/{id}"),
        SUCCESS,
        "$book",
    )
    .await?;
    appointment_response(state, &record, StatusCode::OK, headers).await
}

/// A status change asked for by PUT or PATCH.
pub async fn change_status(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    id: &str,
    to: &str,
) -> Result<Response, ApiError> {
    state.guard.check(ctx)?;
    let current = visible_appointment(state, ctx, id, "update").await?;
    let caller = ctx.require()?;
    let Some(to) = AppointmentStatus::from_code(to) else {
        return Err(ApiError::bad_request(Text::new(
            format!("未知的预约状态：{to}"),
            format!("Unknown appointment status: {to}"),
        ))
        .at("Appointment.status"));
    };
    let now = state.clock.now();
    // One permission table (`appointments::permissions`) for every path that changes a status.
    let standing = Standing {
        // `visible_appointment` answered 404 for another family's appointment.
        own_family: caller.role == Role::Patient,
        own_session: caller.role == Role::Doctor
            && runs_own_session(state, caller, &current).await?,
    };
    if !may_change(caller.role, standing, to) {
        audit::record(
            state,
            ctx,
            "update",
            &format!("Appointment/{id}"),
            DENIED,
            to.code(),
        )
        .await?;
        return Err(refused_change(caller.role, to));
    }
    let rules = state.rules.current(&state.store).await?;
    let department = rules.department(&current.department_id);
    let mut arrival_priority = 0;
    if to == AppointmentStatus::CheckedIn && current.status == AppointmentStatus::Booked {
        let on_site = super::site::shows_code(state, headers, &current.department_id, now);
        check_in_window(state, caller, &current, department, (now, on_site)).await?;
        arrival_priority = arrival_priority_of(state, department, &current, now).await?;
    }
    let record = if to == current.status {
        current
    } else if to == AppointmentStatus::Cancelled {
        // Patients keep to the cancellation cut-off; the desk may cancel later (e.g. 停诊).
        let rule = (caller.role == Role::Patient).then_some(&department.rules.cancellation);
        state
            .store
            .cancel_appointment(id, now, rule)
            .await
            .map_err(booking_error)?
    } else {
        state
            .store
            .transition_appointment(id, to, now, arrival_priority)
            .await
            .map_err(booking_error)?
    };
    audit::record(
        state,
        ctx,
        "update",
        &format!("Appointment/{id}"),
        SUCCESS,
        to.code(),
    )
    .await?;
    if to == AppointmentStatus::Cancelled {
        // A place came free: the waitlist gets it at once.
        if let Err(err) = super::waitlist::promote(state, &record.session_id).await {
            tracing::warn!(error = %err, "waitlist promotion failed");
        }
    }
    appointment_response(state, &record, StatusCode::OK, headers).await
}

/// Whether the calling doctor holds the post whose session the appointment is in.
async fn runs_own_session(
    state: &AppState,
    caller: &Caller,
    appointment: &AppointmentRecord,
) -> Result<bool, ApiError> {
    let Some(practitioner) = caller.practitioner_id.as_deref() else {
        return Ok(false);
    };
    let Some(session) = state.store.clinic_session(&appointment.session_id).await? else {
        return Ok(false);
    };
    match session.practitioner_role_id.as_deref() {
        Some(role) => super::extra::runs_session(state, practitioner, role).await,
        None => Ok(false),
    }
}

/// The refusal of a status change the caller's role may not make, saying who may.
fn refused_change(role: Role, to: AppointmentStatus) -> ApiError {
    let text = match (role, to) {
        (Role::Doctor, _) => Text::new(
            "只能处理本人出诊的预约",
            "A doctor may change only the appointments of their own sessions",
        ),
        (_, AppointmentStatus::Cancelled) => Text::new(
            "退号由患者本人、挂号窗口或接诊医生办理",
            "Cancelling is for the patient, the desk or the session's doctor",
        ),
        (_, AppointmentStatus::Fulfilled) => Text::new(
            "只有接诊医生可以标记就诊完成",
            "Only the session's doctor marks an appointment as seen",
        ),
        _ => Text::new(
            "您的角色不能办理签到",
            "Your role does not check patients in",
        ),
    };
    ApiError::new(StatusCode::FORBIDDEN, "forbidden", text).at("Appointment.status")
}

/// The priority a patient checking in gets on arrival: `elderly` when the hospital calls the
/// elderly ahead and does so at check-in (`calling.elderly_first_at_check_in`), else none.
async fn arrival_priority_of(
    state: &AppState,
    department: &crate::state::booking::BookingSettings,
    appointment: &AppointmentRecord,
    now: jiff::Timestamp,
) -> Result<i64, ApiError> {
    let calling = department.rules.calling;
    if !(calling.elderly_first_at_check_in && calling.priority_groups.elderly) {
        return Ok(0);
    }
    let today = department.time_zone.to_datetime(now).date();
    let elderly = state
        .store
        .read_resource("Patient", &appointment.patient_id)
        .await?
        .and_then(|p| p.content["birthDate"].as_str().map(str::to_owned))
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        .is_some_and(|birth| department.rules.elderly.applies(birth, today));
    Ok(if elderly {
        huimin_domain::appointments::PriorityGroup::Elderly.stored()
    } else {
        0
    })
}

/// Check-in 签到 only within its window: patients from a set time before their slot until it
/// ends, staff (late arrivals) until the session ends; and, where the hospital asks for
/// payment first, only once nothing is due.
async fn check_in_window(
    state: &AppState,
    caller: &Caller,
    appointment: &AppointmentRecord,
    department: &crate::state::booking::BookingSettings,
    (now, on_site): (jiff::Timestamp, bool),
) -> Result<(), ApiError> {
    let (slot, session) = state
        .store
        .slot_and_session(&appointment.slot_id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let at =
        |micros: i64| jiff::Timestamp::from_microsecond(micros).map_err(|_| ApiError::internal());
    let rule = &department.rules.check_in;
    let due_fen = if rule.payment_first {
        // No bill yet: nothing was paid, the whole fee is due.
        match state.store.bill_of_appointment(&appointment.id).await? {
            Some(sheet) => sheet.numbers().due().max(0),
            None => session.fee_fen,
        }
    } else {
        0
    };
    let facts = CheckInFacts {
        slot_start: at(slot.starts_at)?,
        slot_end: at(slot.ends_at)?,
        session_end: at(session.ends_at)?,
        due_fen,
    };
    let by = if caller.role == Role::Patient {
        CheckInBy::Patient { on_site }
    } else {
        CheckInBy::Staff
    };
    rule.check(by, facts, now)
        .map_err(|refusal| booking_error(refusal.into()))
}
