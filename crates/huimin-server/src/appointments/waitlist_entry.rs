//! A waitlist entry (候补) as patients see and end it: the FHIR view (the session's date,
//! period, doctor and room, and the place in line while waiting), `GET /api/me/waitlist/{id}`
//! and `POST /api/me/waitlist/{id}/leave`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::i18n::Text;
use huimin_fhir::names::{
    PERIOD_SYSTEM, WAITLIST_END_SYSTEM, WAITLIST_POSITION_EXT, WAITLIST_SCHEDULE_EXT,
};
use huimin_store::appointments::{SessionRecord, WaitlistRecord};
use huimin_store::instant_text;
use serde_json::{Value, json};

use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::state::AppState;

fn reference(kind: &str, id: &str) -> Value {
    json!({"reference": format!("{kind}/{id}")})
}

/// A waitlist entry as a FHIR `Appointment` with status `waitlist` while it waits, else
/// `cancelled` with how it ended in `cancelationReason`: `booked` or `offered` (the place it
/// got is its own Appointment, named in `supportingInformation`, so one visit is one booked
/// Appointment), `left`, `skipped`, `lapsed`, `declined`. The session, when known, gives
/// `requestedPeriod`, the period and the doctor and room participants.
pub fn view(
    entry: &WaitlistRecord,
    session: Option<&SessionRecord>,
    position: Option<i64>,
) -> Value {
    let status = match entry.status.as_str() {
        "waiting" => "waitlist",
        _ => "cancelled",
    };
    let mut extension = vec![
        json!({"url": WAITLIST_SCHEDULE_EXT, "valueReference": reference("Schedule", &entry.session_id)}),
    ];
    if let Some(position) = position {
        extension.push(json!({"url": WAITLIST_POSITION_EXT, "valueInteger": position}));
    }
    let mut participants =
        vec![json!({"actor": reference("Patient", &entry.patient_id), "status": "accepted"})];
    let mut appointment = json!({
        "resourceType": "Appointment",
        "id": entry.id,
        "extension": extension,
        "status": status,
        "created": instant_text(entry.created_at),
    });
    if let Some(session) = session {
        if let Some(role) = &session.practitioner_role_id {
            participants
                .push(json!({"actor": reference("PractitionerRole", role), "status": "accepted"}));
        }
        if let Some(room) = &session.room_id {
            participants.push(json!({"actor": reference("Location", room), "required": "information-only", "status": "accepted"}));
        }
        appointment["serviceType"] =
            json!([{"coding": [{"system": PERIOD_SYSTEM, "code": session.period}]}]);
        appointment["requestedPeriod"] = json!([{"start": instant_text(session.starts_at), "end": instant_text(session.ends_at)}]);
    }
    appointment["participant"] = json!(participants);
    if status == "cancelled" {
        appointment["cancelationReason"] =
            json!({"coding": [{"system": WAITLIST_END_SYSTEM, "code": entry.status}]});
    }
    // R4's `basedOn` names only a ServiceRequest; `supportingInformation` may name any.
    if let Some(booked) = &entry.appointment_id {
        appointment["supportingInformation"] = json!([reference("Appointment", booked)]);
    }
    appointment
}

/// [`view`] with the entry's session and place in line read.
pub async fn full_view(state: &AppState, entry: &WaitlistRecord) -> Result<Value, ApiError> {
    let session = state.store.clinic_session(&entry.session_id).await?;
    let position = state.store.waitlist_position(entry).await?;
    Ok(view(entry, session.as_ref(), position))
}

/// `GET /fhir/Appointment/{id}` of a waitlist entry, for its owner and staff; `None` when no
/// entry has this id. Anyone else's is a 404 exactly like a missing one, and audited.
pub async fn read_entry(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
) -> Result<Option<Response>, ApiError> {
    let caller = ctx.require()?;
    let Some(entry) = state.store.waitlist_entry(id).await? else {
        return Ok(None);
    };
    let what = format!("Appointment/{id}");
    let allowed = match caller.role {
        huimin_domain::roles::Role::Patient => caller.patient_ids.contains(&entry.patient_id),
        role => role.is_staff(),
    };
    if !allowed {
        audit::record(state, ctx, "read", &what, DENIED, "").await?;
        return Err(ApiError::not_found(&what));
    }
    let body = full_view(state, &entry).await?;
    audit::record(state, ctx, "read", &what, SUCCESS, "waitlist").await?;
    Ok(Some(crate::fhir::fhir_response(StatusCode::OK, &body)))
}

/// The entry if it belongs to one of the caller's patients; anyone else's is a 404 exactly
/// like a missing one, and the attempt is audited.
async fn own_entry(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    action: &str,
) -> Result<WaitlistRecord, ApiError> {
    let caller = ctx.require()?;
    let what = format!("Waitlist/{id}");
    let entry = state.store.waitlist_entry(id).await?;
    match entry {
        Some(entry) if caller.patient_ids.contains(&entry.patient_id) => Ok(entry),
        other => {
            let outcome = if other.is_some() { DENIED } else { "not-found" };
            audit::record(state, ctx, action, &what, outcome, "").await?;
            Err(ApiError::not_found(&what))
        }
    }
}

/// `GET /api/me/waitlist/{id}`: one of the account's waitlist entries.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let entry = own_entry(&state, &ctx, &id, "read").await?;
    let body = full_view(&state, &entry).await?;
    audit::record(&state, &ctx, "read", &format!("Waitlist/{id}"), SUCCESS, "").await?;
    Ok(crate::fhir::fhir_response(StatusCode::OK, &body))
}

/// `POST /api/me/waitlist/{id}/leave`: takes a waiting entry off the waitlist (leaving twice
/// answers the same). An entry that got a place is ended by cancelling that appointment
/// instead, and one that ended otherwise cannot be left: `409`.
pub async fn leave(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    state.guard.check(&ctx)?;
    let entry = own_entry(&state, &ctx, &id, "update").await?;
    if entry.status != "left" && !state.store.leave_waitlist(&id).await? {
        // It no longer waited (perhaps promoted a moment ago): say what it is now.
        let now = state.store.waitlist_entry(&id).await?;
        return Err(cannot_leave(now.as_ref().unwrap_or(&entry)));
    }
    let entry = state
        .store
        .waitlist_entry(&id)
        .await?
        .ok_or_else(ApiError::internal)?;
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("Waitlist/{id}"),
        SUCCESS,
        "leave",
    )
    .await?;
    let body = full_view(&state, &entry).await?;
    Ok(crate::fhir::fhir_response(StatusCode::OK, &body))
}

fn cannot_leave(entry: &WaitlistRecord) -> ApiError {
    let (rule, text) = match entry.status.as_str() {
        "booked" | "offered" => (
            "waitlist-placed",
            Text::new(
                "候补已为您约到号源：如不需要，请取消该预约",
                "The waitlist already got you a place: cancel that appointment if you no longer need it",
            ),
        ),
        _ => (
            "waitlist-ended",
            Text::new(
                "该候补已结束，无需退出",
                "This waitlist entry has already ended",
            ),
        ),
    };
    ApiError::with_issues(
        StatusCode::CONFLICT,
        vec![Issue {
            code: "business-rule",
            text,
            expression: None,
            rule: Some(rule),
        }],
    )
}
