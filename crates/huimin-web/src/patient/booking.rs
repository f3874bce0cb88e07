//! Booking a time slot: confirm who it is for, then book it in one step (free, or the fee paid
//! at the desk) or, where fees are paid online, hold it until paid; a full session offers its
//! waitlist (`waitlist.rs`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_fhir::names::{CANCEL_BY_EXT, SLOT_REMAINING_EXT};
use serde::Deserialize;
use serde_json::Value;

use super::account::{Member, members_of};
use super::directory::not_found;
use super::eligible::{Refused, split};
/// Pages listing many slots (the desk's too) share one lookup per session.
pub use super::facts::KnownSessions;
use super::facts::{deadline, known_session};
use super::forms::render;
use super::place::Place;
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fhir::{extension_int, id_of};
use crate::fmt;
use crate::web::{SignedIn, Web};

/// What a slot is: when, with whom, where, for how much.
pub struct SlotFacts {
    pub slot_id: String,
    pub schedule_id: String,
    pub when: String,
    pub doctor: String,
    pub department: String,
    /// The department's Organization id.
    pub department_id: String,
    pub room: String,
    pub fee: f64,
    pub fee_text: String,
    /// The fee is paid online while the place is held (else at the desk after booking).
    pub pay_online: bool,
    pub remaining: i64,
    /// The last moment a booking of it may be cancelled online, as patients read it.
    pub cancel_by: String,
    /// That moment has passed: a booking now cannot be cancelled online.
    pub cancel_closed: bool,
    /// The campus, building and floor of the room (or of the department's clinic).
    pub place: Option<Place>,
}

impl SlotFacts {
    /// Booking it holds the place until the fee is paid online.
    pub fn holds(&self) -> bool {
        self.fee > 0.0 && self.pay_online
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
    let session = known_session(api, web, &schedule_id, known).await;
    let (cancel_by, cancel_closed) = deadline(&slot.body, CANCEL_BY_EXT, web.lang);
    Some(SlotFacts {
        slot_id: slot_id.to_owned(),
        when: fmt::window(
            slot.body["start"].as_str().unwrap_or_default(),
            slot.body["end"].as_str().unwrap_or_default(),
            web.lang,
        ),
        doctor: session.doctor,
        department: session.department,
        department_id: session.department_id,
        room: session.room,
        fee: session.fee,
        fee_text: session.fee_text,
        pay_online: session.pay_online,
        remaining: extension_int(&slot.body, SLOT_REMAINING_EXT).unwrap_or(0),
        cancel_by,
        cancel_closed,
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
    // The account holder comes first, so they are the default whoever was added since.
    let Some(patients) = members_of(api, web).await else {
        return web.to_login();
    };
    let (patients, refused) = split(api, web, &slot.slot_id, patients).await;
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
    pub patient: String,
}

/// Books the place in one request (free, or the fee paid at the desk); where fees are paid
/// online, holds it until paid.
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
    let operation = if slot.holds() { "$hold" } else { "$book" };
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

/// The slot a booked appointment points at.
pub fn slot_of(appointment: &Value) -> Option<String> {
    id_of(&appointment["slot"][0], "Slot")
}
