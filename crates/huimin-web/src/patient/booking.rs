//! Booking a time slot: confirm who it is for, then hold it (a fee to pay) or book it (free);
//! a full slot offers the session's waitlist.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;

use super::account::{Member, members};
use super::directory::{MessagePage, display_name, extension, id_of, not_found};
use super::forms::render;
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fmt;
use crate::web::Web;

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
}

async fn name_of(api: &Api, web: &Web, kind: &str, id: Option<String>) -> String {
    let Some(id) = id else {
        return String::new();
    };
    let reply = api.get(web, &format!("/fhir/{kind}/{id}")).await;
    match kind {
        "PractitionerRole" => reply.body["practitioner"]["display"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        _ => display_name(&reply.body, web.lang),
    }
}

/// The facts of a slot and its session, from the API's `Slot` and `Schedule`.
pub async fn slot_facts(api: &Api, web: &Web, slot_id: &str) -> Option<SlotFacts> {
    let slot = api.get(web, &format!("/fhir/Slot/{slot_id}")).await;
    if !slot.ok() {
        return None;
    }
    let schedule_id = id_of(&slot.body["schedule"], "Schedule")?;
    let schedule = api.get(web, &format!("/fhir/Schedule/{schedule_id}")).await;
    let actor = |kind: &str| {
        schedule.body["actor"]
            .as_array()
            .and_then(|all| all.iter().find_map(|a| id_of(a, kind)))
    };
    let fee = extension(&schedule.body, "urn:huimin:ext:registration-fee")
        .and_then(|e| e["valueMoney"]["value"].as_f64())
        .unwrap_or(0.0);
    Some(SlotFacts {
        slot_id: slot_id.to_owned(),
        when: fmt::window(
            slot.body["start"].as_str().unwrap_or_default(),
            slot.body["end"].as_str().unwrap_or_default(),
            web.lang,
        ),
        doctor: name_of(api, web, "PractitionerRole", actor("PractitionerRole")).await,
        department: name_of(api, web, "Organization", actor("Organization")).await,
        room: name_of(api, web, "Location", actor("Location")).await,
        fee,
        fee_text: if fee > 0.0 {
            fmt::yuan(fee)
        } else {
            crate::i18n::t(web.lang, "book.free").to_owned()
        },
        remaining: extension(&slot.body, "urn:huimin:ext:slot-remaining")
            .and_then(|e| e["valueInteger"].as_i64())
            .unwrap_or(0),
        schedule_id,
    })
}

#[derive(Template)]
#[template(path = "book.html")]
struct BookPage {
    c: Chrome,
    slot: SlotFacts,
    patients: Vec<Member>,
    chosen: String,
    problem: String,
    /// The slot is full: offer the session's waitlist.
    offer_waitlist: bool,
}

async fn book_page(
    api: &Api,
    web: &Web,
    slot_id: &str,
    chosen: Option<String>,
    problem: String,
    offer_waitlist: bool,
    status: StatusCode,
) -> Response {
    if !web.signed_in() {
        return web.to_login();
    }
    let Some(slot) = slot_facts(api, web, slot_id).await else {
        return not_found(web);
    };
    let listed = api.get(web, "/fhir/Patient?_count=10").await;
    if listed.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let patients = members(&listed.body);
    let chosen = chosen
        .or_else(|| patients.first().map(|p| p.id.clone()))
        .unwrap_or_default();
    render(
        status,
        &BookPage {
            c: web.chrome(crate::i18n::t(web.lang, "book.title")),
            slot,
            patients,
            chosen,
            problem,
            offer_waitlist,
        },
    )
}

pub async fn confirm(State(api): State<Api>, web: Web, Path(slot): Path<String>) -> Response {
    book_page(
        &api,
        &web,
        &slot,
        None,
        String::new(),
        false,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct PatientChoice {
    #[serde(default)]
    patient: String,
}

/// Holds the place when there is a fee (paid at the desk or, later, online), books it
/// directly when there is none.
pub async fn place(
    State(api): State<Api>,
    web: Web,
    Path(slot_id): Path<String>,
    Form(choice): Form<PatientChoice>,
) -> Response {
    if !web.signed_in() {
        return web.to_login();
    }
    let Some(slot) = slot_facts(&api, &web, &slot_id).await else {
        return not_found(&web);
    };
    if choice.patient.is_empty() {
        let problem = crate::i18n::t(web.lang, "book.choose_patient").to_owned();
        return book_page(
            &api,
            &web,
            &slot_id,
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
        &slot_id,
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
    web: Web,
    Path(schedule): Path<String>,
    Form(choice): Form<PatientChoice>,
) -> Response {
    if !web.signed_in() {
        return web.to_login();
    }
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
