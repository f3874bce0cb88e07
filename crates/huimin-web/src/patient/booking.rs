//! Booking a time slot: confirm who it is for, then hold it (a fee to pay) or book it (free);
//! a full slot offers the session's waitlist.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_fhir::names::{REGISTRATION_FEE_EXT, SLOT_REMAINING_EXT};
use huimin_fhir::{Location, Organization, PractitionerRole};
use serde::Deserialize;
use serde_json::Value;

use super::account::{Member, members};
use super::directory::{MessagePage, doctor_name, not_found};
use super::eligible::{Refused, split};
use super::forms::render;
use super::place::{Place, department_place, place_of};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fhir::{Named, extension, extension_int, id_of};
use crate::fmt;
use crate::web::{SignedIn, Web};

/// What a slot is: when, with whom, where, for how much.
pub struct SlotFacts {
    pub slot_id: String,
    pub schedule_id: String,
    pub when: String,
    pub doctor: String,
    pub department: String,
    pub room: String,
    pub fee: f64,
    pub fee_text: String,
    pub remaining: i64,
    /// The campus, building and floor of the room (or of the department's clinic).
    pub place: Option<Place>,
}

/// The resource `T` with `id`, if there is one and it can be read.
async fn read<T: huimin_fhir::FhirResource>(api: &Api, web: &Web, id: Option<String>) -> Option<T> {
    let reply = api.get(web, &format!("/fhir/{}/{}", T::TYPE, id?)).await;
    reply.resource()
}

/// Who, where and for how much: the same for every slot of a clinic session.
#[derive(Clone)]
pub struct SessionFacts {
    doctor: String,
    department: String,
    room: String,
    fee: f64,
    fee_text: String,
    place: Option<Place>,
}

/// Session facts already looked up for a page, by Schedule id: a page listing many slots or
/// appointments of few sessions asks for each session once.
pub type KnownSessions = HashMap<String, SessionFacts>;

async fn session_facts(api: &Api, web: &Web, schedule_id: &str) -> SessionFacts {
    let schedule = api.get(web, &format!("/fhir/Schedule/{schedule_id}")).await;
    let actor = |kind: &str| {
        schedule.body["actor"]
            .as_array()
            .and_then(|all| all.iter().find_map(|a| id_of(a, kind)))
    };
    let fee = extension(&schedule.body, REGISTRATION_FEE_EXT)
        .and_then(|e| e["valueMoney"]["value"].as_f64())
        .unwrap_or(0.0);
    let doctor = read::<PractitionerRole>(api, web, actor("PractitionerRole")).await;
    let department = read::<Organization>(api, web, actor("Organization")).await;
    let place = match actor("Location") {
        Some(room) => place_of(api, web, &room).await,
        None => None,
    };
    let place = match (place, actor("Organization")) {
        (None, Some(department)) => department_place(api, web, &department).await,
        (place, _) => place,
    };
    let room = read::<Location>(api, web, actor("Location")).await;
    SessionFacts {
        place,
        doctor: doctor
            .as_ref()
            .map(doctor_name)
            .unwrap_or_default()
            .to_owned(),
        department: department
            .map(|d| d.display_name(web.lang))
            .unwrap_or_default(),
        room: room.map(|r| r.display_name(web.lang)).unwrap_or_default(),
        fee,
        fee_text: if fee > 0.0 {
            fmt::yuan(fee)
        } else {
            crate::i18n::t(web.lang, "book.free").to_owned()
        },
    }
}

/// The facts of a slot and its session, from the API's `Slot` and `Schedule`.
pub async fn slot_facts(api: &Api, web: &Web, slot_id: &str) -> Option<SlotFacts> {
    slot_facts_with(api, web, slot_id, &mut KnownSessions::new()).await
}

/// [`slot_facts`], looking each session up once per page.
pub async fn slot_facts_with(
    api: &Api,
    web: &Web,
    slot_id: &str,
    known: &mut KnownSessions,
) -> Option<SlotFacts> {
    let slot = api.get(web, &format!("/fhir/Slot/{slot_id}")).await;
    if !slot.ok() {
        return None;
    }
    let schedule_id = id_of(&slot.body["schedule"], "Schedule")?;
    let session = match known.get(&schedule_id) {
        Some(found) => found.clone(),
        None => {
            let found = session_facts(api, web, &schedule_id).await;
            known.insert(schedule_id.clone(), found.clone());
            found
        }
    };
    Some(SlotFacts {
        slot_id: slot_id.to_owned(),
        when: fmt::window(
            slot.body["start"].as_str().unwrap_or_default(),
            slot.body["end"].as_str().unwrap_or_default(),
            web.lang,
        ),
        doctor: session.doctor,
        department: session.department,
        room: session.room,
        fee: session.fee,
        fee_text: session.fee_text,
        remaining: extension_int(&slot.body, SLOT_REMAINING_EXT).unwrap_or(0),
        place: session.place,
        schedule_id,
    })
}

#[derive(Template)]
#[template(path = "book.html")]
struct BookPage {
    c: Chrome,
    slot: SlotFacts,
    patients: Vec<Member>,
    /// Family members the department does not take, with the reason.
    refused: Vec<Refused>,
    chosen: String,
    problem: String,
    /// The slot is full: offer the session's waitlist.
    offer_waitlist: bool,
}

async fn book_page(
    api: &Api,
    web: &Web,
    slot: SlotFacts,
    chosen: Option<String>,
    problem: String,
    offer_waitlist: bool,
    status: StatusCode,
) -> Response {
    let listed = api.get(web, "/fhir/Patient?_count=10").await;
    if listed.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let (patients, refused) = split(api, web, &slot.slot_id, members(&listed)).await;
    let chosen = chosen
        .or_else(|| patients.first().map(|p| p.id.clone()))
        .unwrap_or_default();
    render(
        status,
        &BookPage {
            c: web.chrome(crate::i18n::t(web.lang, "book.title")),
            slot,
            patients,
            refused,
            chosen,
            problem,
            offer_waitlist,
        },
    )
}

pub async fn confirm(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(slot): Path<String>,
) -> Response {
    let Some(slot) = slot_facts(&api, &web, &slot).await else {
        return not_found(&web);
    };
    book_page(&api, &web, slot, None, String::new(), false, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct PatientChoice {
    #[serde(default)]
    patient: String,
}

/// Holds the place when there is a fee (paid at the desk), books it directly when there is
/// none.
pub async fn place(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(slot_id): Path<String>,
    Form(choice): Form<PatientChoice>,
) -> Response {
    let Some(slot) = slot_facts(&api, &web, &slot_id).await else {
        return not_found(&web);
    };
    if choice.patient.is_empty() {
        let problem = crate::i18n::t(web.lang, "book.choose_patient").to_owned();
        return book_page(
            &api,
            &web,
            slot,
            None,
            problem,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let operation = if slot.fee > 0.0 { "$hold" } else { "$book" };
    let reply = api
        .operation(
            &web,
            &format!("/fhir/Appointment/{operation}"),
            &[
                ("slot", format!("Slot/{slot_id}")),
                ("patient", format!("Patient/{}", choice.patient)),
            ],
        )
        .await;
    if let (true, Some(id)) = (reply.ok(), reply.body["id"].as_str()) {
        return Redirect::to(&format!("/appointments/{id}")).into_response();
    }
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let problem = reply.message();
    let full = reply.status == StatusCode::CONFLICT;
    book_page(
        &api,
        &web,
        slot,
        Some(choice.patient),
        problem,
        full,
        reply.status,
    )
    .await
}

/// Joins a full session's waitlist (候补).
pub async fn wait(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(schedule): Path<String>,
    Form(choice): Form<PatientChoice>,
) -> Response {
    let reply = api
        .operation(
            &web,
            "/fhir/Appointment/$waitlist",
            &[
                ("schedule", format!("Schedule/{schedule}")),
                ("patient", format!("Patient/{}", choice.patient)),
            ],
        )
        .await;
    let (heading, text) = if reply.ok() {
        (
            crate::i18n::t(web.lang, "waitlist.joined").to_owned(),
            crate::i18n::t(web.lang, "waitlist.joined_text").to_owned(),
        )
    } else {
        (
            crate::i18n::t(web.lang, "waitlist.failed").to_owned(),
            reply.message(),
        )
    };
    let status = if reply.ok() {
        StatusCode::OK
    } else {
        reply.status
    };
    render(
        status,
        &MessagePage {
            c: web.chrome(heading.clone()),
            heading,
            text,
            back: "/me".into(),
        },
    )
}

/// The slot a booked appointment points at.
pub fn slot_of(appointment: &Value) -> Option<String> {
    id_of(&appointment["slot"][0], "Slot")
}
