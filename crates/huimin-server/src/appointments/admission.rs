//! Whether a department takes a booking for a patient, asked before one is tried: the pages
//! show family members a department would refuse, and why (`GET /api/eligibility`); joining a
//! waitlist is refused as a booking would be; `$find` for a patient leaves out the sessions
//! they may not book. The rule is the domain's `check_admission`, the one booking applies
//! as it takes a place.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::{
    Booker, BookingRefusal, Channel, admission_dates, check_admission, takes_bookings,
};
use huimin_domain::directory::{DateWindow, PatientFacts, RegistrationClass};
use huimin_store::appointments::{Classes, Excluded, SessionRecord};
use serde_json::{Value, json};

use super::eligibility::booking_channel;
use super::errors::booking_error;
use super::parameters::bad;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::{Caller, Ctx};
use crate::error::ApiError;
use crate::state::AppState;
use crate::state::rule_book::RuleSet;

pub fn booker_of(channel: Channel) -> Booker {
    match channel {
        Channel::Window => Booker::Staff,
        Channel::App | Channel::Referral => Booker::Patient,
    }
}

/// The patient's facts, read for the caller (audited as a read of the patient).
async fn facts_of(
    state: &AppState,
    ctx: &Ctx,
    patient_ids: &[String],
    why: &str,
) -> Result<std::collections::HashMap<String, PatientFacts>, ApiError> {
    for id in patient_ids {
        audit::record(state, ctx, "read", &format!("Patient/{id}"), SUCCESS, why).await?;
    }
    Ok(state.store.patient_facts(patient_ids).await?)
}

/// The channel the caller books through for the patient; 403 (audited) when they may not.
async fn channel_for(
    state: &AppState,
    ctx: &Ctx,
    caller: &Caller,
    patient: &str,
) -> Result<Channel, ApiError> {
    if let Some(channel) = booking_channel(caller, patient) {
        return Ok(channel);
    }
    let resource = format!("Patient/{patient}");
    audit::record(
        state,
        ctx,
        "read",
        &resource,
        DENIED,
        "not the caller's patient",
    )
    .await?;
    Err(ApiError::forbidden())
}

/// The refusal a booking of `session` for the patient would meet, if any.
fn verdict(
    rules: &RuleSet,
    session: &SessionRecord,
    facts: &PatientFacts,
    booker: Booker,
) -> Result<(), BookingRefusal> {
    let visit = session
        .session_date
        .parse()
        .unwrap_or(jiff::civil::Date::MAX);
    check_admission(
        rules.directory().get(&session.department_id),
        RegistrationClass::from_code(&session.registration_class),
        facts,
        visit,
        booker,
    )
}

/// The facts of a patient the caller books for (403 otherwise), for `$find`.
pub async fn facts_for(
    state: &AppState,
    ctx: &Ctx,
    patient: &str,
) -> Result<PatientFacts, ApiError> {
    let caller = ctx.require()?;
    channel_for(state, ctx, caller, patient).await?;
    let ids = [patient.to_owned()];
    let facts = facts_of(state, ctx, &ids, "$find").await?;
    Ok(facts.get(patient).copied().unwrap_or_default())
}

/// Refuses, as a booking would, a patient the session's department does not take (joining
/// its waitlist).
pub async fn require_admitted(
    state: &AppState,
    ctx: &Ctx,
    session: &SessionRecord,
    patient: &str,
    channel: Channel,
) -> Result<(), ApiError> {
    let rules = state.rules.current(&state.store).await?;
    let ids = [patient.to_owned()];
    let facts = facts_of(state, ctx, &ids, "admission").await?;
    let facts = facts.get(patient).copied().unwrap_or_default();
    verdict(&rules, session, &facts, booker_of(channel))
        .map_err(|refusal| booking_error(refusal.into()))
}

/// `GET /api/eligibility?slot=…[&patient=…]`: whether each patient (the one named, or every
/// patient of a patient's account) may be booked into the slot's session, and why not.
pub async fn eligibility(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let (slot, patient) = eligibility_query(query.as_deref())?;
    let patients = match patient {
        Some(one) => vec![one],
        None => caller.patient_ids.clone(),
    };
    let mut channels = Vec::with_capacity(patients.len());
    for id in &patients {
        channels.push(channel_for(&state, &ctx, caller, id).await?);
    }
    let (_, session) = state
        .store
        .slot_and_session(&slot)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Slot/{slot}")))?;
    let rules = state.rules.current(&state.store).await?;
    let facts = facts_of(&state, &ctx, &patients, "eligibility").await?;
    let answers: Vec<Value> = patients
        .iter()
        .zip(channels)
        .map(|(id, channel)| {
            let known = facts.get(id).copied().unwrap_or_default();
            let mut answer = json!({"patient": format!("Patient/{id}"), "eligible": true});
            if let Err(refusal) = verdict(&rules, &session, &known, booker_of(channel)) {
                answer["eligible"] = false.into();
                answer["rule"] = refusal.rule_code().into();
                answer["message"] = refusal.message().get(ctx.lang).into();
            }
            answer
        })
        .collect();
    Ok(Json(json!({
        "slot": format!("Slot/{slot}"),
        "department": format!("Organization/{}", session.department_id),
        "patients": answers,
    }))
    .into_response())
}

/// `slot` and `patient` of `/api/eligibility`'s query (either as a bare id or a reference).
fn eligibility_query(query: Option<&str>) -> Result<(String, Option<String>), ApiError> {
    let (mut slot, mut patient) = (None, None);
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let id = |kind: &str| {
            value
                .strip_prefix(&format!("{kind}/"))
                .unwrap_or(&value)
                .to_owned()
        };
        match key.as_ref() {
            "slot" => slot = Some(id("Slot")),
            "patient" => patient = Some(id("Patient")),
            "lang" => {}
            other => {
                return Err(bad(
                    format!("不支持参数 {other}；可用 slot、patient"),
                    format!("No parameter {other}; use slot and patient"),
                ));
            }
        }
    }
    let slot = slot.ok_or_else(|| bad("请提供 slot".into(), "slot is required".into()))?;
    Ok((slot, patient))
}

/// `$find`'s exclusions: departments this booker may not book at all and, for a patient, the
/// dates their limits leave out (their own and each registration class's).
pub fn excluded(rules: &RuleSet, facts: Option<&PatientFacts>, booker: Booker) -> Vec<Excluded> {
    let dated = |dates: Option<DateWindow>| {
        dates.map(|(from, until)| (from.map(|d| d.to_string()), until.map(|d| d.to_string())))
    };
    let mut out = Vec::new();
    for (id, department) in rules.directory().iter() {
        let profile = &department.profile;
        let Some(facts) = facts else {
            if !takes_bookings(profile.kind, booker) {
                out.push(Excluded {
                    department_id: id.clone(),
                    classes: Classes::All,
                    open: None,
                });
            }
            continue;
        };
        let own: Vec<String> = profile
            .classes
            .keys()
            .map(|c| c.code().to_owned())
            .collect();
        let dates = admission_dates(Some(department), None, facts, booker);
        out.push(Excluded {
            department_id: id.clone(),
            classes: Classes::AllBut(own),
            open: dated(dates),
        });
        for class in profile.classes.keys() {
            let dates = admission_dates(Some(department), Some(*class), facts, booker);
            out.push(Excluded {
                department_id: id.clone(),
                classes: Classes::Only(class.code().to_owned()),
                open: dated(dates),
            });
        }
    }
    out
}
