//! Waitlist (候补): join a full session; when a place frees, the first waiting patient is
//! booked automatically under all the usual rules (setting `book`), or the place is held for
//! them to confirm within a set time (setting `offer`; a lapsed offer frees the place for the
//! next one), and told. A patient a rule refuses (quota, ban) is skipped and told why, and the
//! next one is tried.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::{BookingRefusal, Channel, WaitlistMode};
use huimin_domain::directory::Departments;
use huimin_domain::i18n::Text;
use huimin_store::appointments::{
    BookingError, BookingMode, JoinRefusal, PlaceRequest, Promotion, Replay, WaitlistRecord,
};
use huimin_store::messages::NewEvent;
use serde_json::{Value, json};

use super::eligibility::{booking_channel, require_verified};
use super::parameters::{parameters, required_reference};
use super::waitlist_entry::full_view;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::state::AppState;
use crate::state::booking::BookingSettings;

/// `POST /fhir/Appointment/$waitlist` with `Parameters{schedule, patient}`.
pub async fn join(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    state.guard.check(&ctx)?;
    // The same `Parameters` reader as `$hold` and `$book`.
    let params = parameters(&body)?;
    let session = required_reference(&params, "schedule", "Schedule")?;
    let patient = required_reference(&params, "patient", "Patient")?;
    let Some(channel) = booking_channel(caller, &patient) else {
        audit::record(
            &state,
            &ctx,
            "create",
            &format!("Appointment?waitlist=Patient/{patient}"),
            DENIED,
            "not the caller's patient",
        )
        .await?;
        return Err(ApiError::forbidden());
    };
    require_verified(&state, &patient).await?;
    // Refused now, as the booking it waits for would be, rather than skipped later.
    if let Some(found) = state.store.clinic_session(&session).await? {
        super::admission::require_admitted(&state, &ctx, &found, &patient, channel).await?;
    }
    let entry = match state
        .store
        .join_waitlist(&session, &patient, Some(&caller.username))
        .await?
    {
        Ok(entry) => entry,
        Err(JoinRefusal::NoSuchSession) => {
            return Err(ApiError::not_found(&format!("Schedule/{session}")));
        }
        Err(refusal) => {
            let (code, text) = match refusal {
                JoinRefusal::PlacesAvailable => (
                    "places-available",
                    Text::new(
                        "该出诊仍有号源，请直接预约",
                        "This session still has places; book one instead",
                    ),
                ),
                _ => (
                    "session-suspended",
                    Text::new(
                        "该出诊已停诊，不能候补",
                        "This session is suspended; its waitlist is closed",
                    ),
                ),
            };
            let issue = Issue {
                code: "business-rule",
                text,
                expression: None,
                rule: Some(code),
            };
            return Err(ApiError::with_issues(
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![issue],
            ));
        }
    };
    audit::record(
        &state,
        &ctx,
        "create",
        &format!("Waitlist/{}", entry.id),
        SUCCESS,
        "",
    )
    .await?;
    let body = full_view(&state, &entry).await?;
    let mut response = crate::fhir::fhir_response(StatusCode::CREATED, &body);
    let location = format!(
        "{}/Appointment/{}",
        crate::fhir::base_url(&headers),
        entry.id
    );
    if let Ok(value) = axum::http::HeaderValue::from_str(&location) {
        response
            .headers_mut()
            .insert(axum::http::header::LOCATION, value);
    }
    Ok(response)
}

/// `GET /api/me/waitlist`: the waitlist entries of the caller's patients, newest first.
pub async fn mine(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let entries = state.store.patient_waitlist(&caller.patient_ids).await?;
    let mut items: Vec<Value> = Vec::with_capacity(entries.len());
    for entry in &entries {
        items.push(full_view(&state, entry).await?);
    }
    Ok(Json(json!({"total": items.len(), "entries": items})).into_response())
}

/// Books waiting patients into the session's free places, in order; how many were booked.
pub async fn promote(
    state: &AppState,
    session_id: &str,
) -> Result<usize, huimin_store::StoreError> {
    let rules = state.rules.current(&state.store).await?;
    let Some(session) = state.store.clinic_session(session_id).await? else {
        return Ok(0);
    };
    let settings = rules.department(&session.department_id);
    let mut booked = 0;
    for _ in 0..100 {
        let (Some(entry), Some(slot)) = (
            state.store.first_waiting(session_id).await?,
            state.store.free_slot(session_id).await?,
        ) else {
            break;
        };
        match take_place(state, (settings, rules.directory()), &entry, &slot).await {
            Ok(Some(_)) => booked += 1,
            // The patient left the waitlist meanwhile: nothing was taken.
            Ok(None) => {}
            Err(BookingError::Refused(BookingRefusal::SlotFull)) => continue,
            Err(BookingError::Refused(refusal)) => {
                skip_refused(state, &entry, session_id, &refusal).await?
            }
            // Patients are never deleted, but an entry whose patient is gone must not hold up
            // the line behind it.
            Err(BookingError::UnknownPatient(_)) => {
                state
                    .store
                    .settle_waitlist_entry(&entry.id, "skipped", None, None)
                    .await?;
            }
            Err(BookingError::Store(e)) => return Err(e),
            Err(_) => break,
        }
    }
    Ok(booked)
}

/// Takes `slot` for the first waiting patient, booked or offered as the department's rules say.
/// The place, the entry's new status, the patient's message and the audit record are one
/// transaction.
async fn take_place(
    state: &AppState,
    (settings, departments): (&BookingSettings, &Departments),
    entry: &WaitlistRecord,
    slot: &str,
) -> Result<Option<Replay>, BookingError> {
    let now = state.clock.now();
    let offer_minutes = i64::from(settings.rules.waitlist.offer_minutes);
    let offer_until = now + jiff::SignedDuration::from_mins(offer_minutes);
    let (mode, status) = match settings.rules.waitlist.mode {
        WaitlistMode::Book => (BookingMode::Book, "booked"),
        WaitlistMode::Offer => (
            BookingMode::Hold {
                expires_at: offer_until.as_microsecond(),
            },
            "offered",
        ),
    };
    // The place is taken on the patient's behalf by the system, not by a caller.
    let audit_record = huimin_store::NewAuditRecord {
        actor: "system:waitlist".into(),
        role: "system".into(),
        action: "create".into(),
        resource: "Appointment".into(),
        source_ip: String::new(),
        outcome: crate::audit::SUCCESS.into(),
        detail: format!("waitlist {}", entry.id),
    };
    let request = PlaceRequest {
        slot_id: slot,
        patient_id: &entry.patient_id,
        account_id: entry.account_id.as_deref(),
        channel: Channel::App,
        elderly: &settings.rules.elderly,
        has_referral: false,
        mode,
        now,
        tz: &settings.time_zone,
        quota: &settings.rules.quota,
        bans: &settings.rules.bans,
        on_site: false,
        idempotency: None,
        audit: Some(&audit_record),
        departments,
    };
    let promotion = Promotion {
        entry_id: &entry.id,
        status,
    };
    state.store.take_waitlist_place(&request, &promotion).await
}

/// A waiting patient the rules refuse the place to (a quota, a ban) is skipped, and told why.
async fn skip_refused(
    state: &AppState,
    entry: &WaitlistRecord,
    session_id: &str,
    refusal: &BookingRefusal,
) -> Result<(), huimin_store::StoreError> {
    let message = refusal.message();
    let event = NewEvent {
        kind: "waitlist-skipped",
        patient_id: entry.patient_id.clone(),
        reference: format!("Schedule/{session_id}"),
        params: json!({"session": session_id, "reason": {"zh": message.zh, "en": message.en}}),
    };
    state
        .store
        .settle_waitlist_entry(&entry.id, "skipped", None, Some(&event))
        .await?;
    Ok(())
}
