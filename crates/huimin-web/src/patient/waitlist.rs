//! The waitlist (候补) from the patient's side: joining a full session straight from its page,
//! the entries on My appointments, and an entry's page, from which it can be left.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use huimin_fhir::names::{WAITLIST_POSITION_EXT, WAITLIST_SCHEDULE_EXT};
use serde_json::Value;

use super::account::{Member, members};
use super::appointment::patient_of;
use super::booking::PatientChoice;
use super::directory::not_found;
use super::facts::{KnownSessions, SessionFacts, known_session, session_facts, session_when};
use super::forms::render;
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fhir::{extension, extension_int, id_of};
use crate::i18n::t;
use crate::web::{SignedIn, Web};

/// An entry as My appointments lists it.
pub struct WaitRow {
    pub id: String,
    pub patient: String,
    pub when: String,
    pub doctor: String,
    pub department: String,
    pub status: String,
    pub status_code: String,
    /// The place in line while waiting; 0 when not known.
    pub position: i64,
}

/// The session an entry waits for.
fn schedule_of(entry: &Value) -> String {
    extension(entry, WAITLIST_SCHEDULE_EXT)
        .and_then(|e| id_of(&e["valueReference"], "Schedule"))
        .unwrap_or_default()
}

/// An entry's state: `waitlist`, how it ended (`booked`, `offered`, `left`, …), or
/// `cancelled` when the API does not say.
fn state_of(entry: &Value) -> &str {
    let status = entry["status"].as_str().unwrap_or_default();
    match entry["cancelationReason"]["coding"][0]["code"].as_str() {
        Some(end) if status == "cancelled" => end,
        _ => status,
    }
}

/// An entry's status as patients read it; an ended one says how it ended.
fn status_text(entry: &Value, lang: Lang) -> String {
    let key = match state_of(entry) {
        "booked" => "waitlist.status.booked".to_owned(),
        "offered" => "waitlist.status.pending".to_owned(),
        end @ ("left" | "skipped" | "lapsed" | "declined") => format!("waitlist.ended.{end}"),
        other => format!("waitlist.status.{other}"),
    };
    t(lang, &key).to_owned()
}

/// The status class the pages style an entry with, as they style an appointment.
fn status_code(entry: &Value) -> String {
    match state_of(entry) {
        "offered" => "pending",
        "booked" => "booked",
        "waitlist" => "waitlist",
        _ => "cancelled",
    }
    .to_owned()
}

/// Whether the session an entry waits for is still to end.
fn still_ahead(entry: &Value) -> bool {
    entry["requestedPeriod"][0]["end"]
        .as_str()
        .and_then(|e| e.parse::<jiff::Timestamp>().ok())
        .is_none_or(|end| end > crate::fmt::now())
}

/// The account's waitlist entries for sessions still to come, newest first.
pub async fn waitlist_rows(api: &Api, web: &Web, names: &HashMap<String, String>) -> Vec<WaitRow> {
    let listed = api.get(web, "/api/me/waitlist").await;
    let mut known = KnownSessions::new();
    let mut rows = Vec::new();
    for e in listed.body["entries"].as_array().into_iter().flatten() {
        if !still_ahead(e) {
            continue;
        }
        let session = known_session(api, web, &schedule_of(e), &mut known).await;
        rows.push(WaitRow {
            id: e["id"].as_str().unwrap_or_default().to_owned(),
            patient: names.get(&patient_of(e)).cloned().unwrap_or_default(),
            when: session_when(e, web.lang),
            doctor: session.doctor,
            department: session.department,
            status: status_text(e, web.lang),
            status_code: status_code(e),
            position: extension_int(e, WAITLIST_POSITION_EXT).unwrap_or(0),
        });
    }
    rows
}

#[derive(Template)]
#[template(path = "waitlist_join.html")]
struct JoinPage {
    c: Chrome,
    schedule: String,
    session: SessionFacts,
    patients: Vec<Member>,
    chosen: String,
    problem: String,
}

async fn join_page(
    api: &Api,
    web: &Web,
    schedule: &str,
    (chosen, problem): (Option<String>, String),
    status: StatusCode,
) -> Response {
    let read = api.get(web, &format!("/fhir/Schedule/{schedule}")).await;
    if !read.ok() {
        return not_found(web);
    }
    let listed = api.get(web, "/fhir/Patient?_count=10").await;
    if listed.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let patients = members(&listed);
    let chosen = chosen
        .or_else(|| patients.first().map(|p| p.id.clone()))
        .unwrap_or_default();
    let page = JoinPage {
        c: web.chrome(t(web.lang, "waitlist.join")),
        schedule: schedule.to_owned(),
        session: session_facts(api, web, schedule).await,
        patients,
        chosen,
        problem,
    };
    render(status, &page)
}

/// `GET /waitlist/{schedule}`: a full session's waitlist, offered from its page.
pub async fn join_form(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(schedule): Path<String>,
) -> Response {
    join_page(&api, &web, &schedule, (None, String::new()), StatusCode::OK).await
}

/// `POST /waitlist/{schedule}`: joins, then shows the entry with its place in line.
pub async fn join(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(schedule): Path<String>,
    Form(choice): Form<PatientChoice>,
) -> Response {
    if choice.patient.is_empty() {
        let problem = t(web.lang, "book.choose_patient").to_owned();
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return join_page(&api, &web, &schedule, (None, problem), status).await;
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
    if let (true, Some(id)) = (reply.ok(), reply.body["id"].as_str()) {
        return Redirect::to(&format!("/me/waitlist/{id}")).into_response();
    }
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let problem = reply.message();
    join_page(
        &api,
        &web,
        &schedule,
        (Some(choice.patient), problem),
        reply.status,
    )
    .await
}

#[derive(Template)]
#[template(path = "waitlist_entry.html")]
struct EntryPage {
    c: Chrome,
    id: String,
    status: String,
    status_code: String,
    position: i64,
    patient: String,
    when: String,
    session: SessionFacts,
    /// The appointment the waitlist got the patient, if any.
    appointment: String,
    problem: String,
}

async fn entry_page(
    api: &Api,
    web: &Web,
    id: &str,
    problem: String,
    status: StatusCode,
) -> Response {
    let reply = api.get(web, &format!("/api/me/waitlist/{id}")).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return not_found(web);
    }
    let e = &reply.body;
    let names = super::appointment::patient_names(api, web).await;
    let page = EntryPage {
        c: web.chrome(t(web.lang, "waitlist.title")),
        id: id.to_owned(),
        status: status_text(e, web.lang),
        status_code: status_code(e),
        position: extension_int(e, WAITLIST_POSITION_EXT).unwrap_or(0),
        patient: names.get(&patient_of(e)).cloned().unwrap_or_default(),
        when: session_when(e, web.lang),
        session: session_facts(api, web, &schedule_of(e)).await,
        appointment: id_of(&e["supportingInformation"][0], "Appointment").unwrap_or_default(),
        problem,
    };
    render(status, &page)
}

/// `GET /me/waitlist/{id}`.
pub async fn entry(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    entry_page(&api, &web, &id, String::new(), StatusCode::OK).await
}

/// `POST /me/waitlist/{id}/leave`: the confirm button of "leave the waitlist".
pub async fn leave(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/api/me/waitlist/{id}/leave");
    let reply = api.call(&web, Method::POST, &path, None).await;
    if reply.ok() {
        return Redirect::to(&format!("/me/waitlist/{id}")).into_response();
    }
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    entry_page(&api, &web, &id, reply.message(), reply.status).await
}
