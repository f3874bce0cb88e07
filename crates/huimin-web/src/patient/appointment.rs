//! One appointment with its check-in code, and what a patient does with it: confirm a hold,
//! cancel (until the deadline it states), check in.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use huimin_fhir::names::CANCEL_BY_EXT;
use serde_json::Value;

use super::account::members;
use super::booking::{SlotFacts, slot_facts, slot_of};
use super::directory::not_found;
use super::facts::{Countdown, deadline, hold_countdown};
use super::forms::render;
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fhir::queue_number;
use crate::qr;
use crate::web::{SignedIn, Web};

pub fn status_name(code: &str, lang: Lang) -> String {
    crate::i18n::t(lang, &format!("status.{code}")).to_owned()
}

/// An Appointment's status as patients read it: a hold that lapsed and a booking that was
/// moved have their own words rather than "cancelled".
pub fn status_of(appointment: &Value, lang: Lang) -> String {
    let code = appointment["status"].as_str().unwrap_or_default();
    match super::visit::own_status(appointment) {
        Some(reason) => crate::i18n::t(lang, &format!("status.cancelled.{reason}")).to_owned(),
        None => status_name(code, lang),
    }
}

pub(super) fn patient_of(appointment: &Value) -> String {
    appointment["participant"]
        .as_array()
        .and_then(|ps| {
            ps.iter().find_map(|p| {
                p["actor"]["reference"]
                    .as_str()?
                    .strip_prefix("Patient/")
                    .map(str::to_owned)
            })
        })
        .unwrap_or_default()
}

/// The names of the account's patients (就诊人), by Patient id.
pub(super) async fn patient_names(api: &Api, web: &Web) -> HashMap<String, String> {
    members(&api.get(web, "/fhir/Patient?_count=10").await)
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect()
}

#[derive(Template)]
#[template(path = "appointment.html")]
struct AppointmentPage {
    c: Chrome,
    id: String,
    status: String,
    status_code: String,
    number: i64,
    patient: String,
    slot: Option<SlotFacts>,
    hold: Option<Countdown>,
    /// A fee to pay online (else at the desk).
    pay_online: bool,
    /// "挂号费 ¥25.00 到院后在挂号窗口缴纳" while a desk-paid fee is unpaid.
    pay_at_desk: String,
    cancel_by: String,
    cancel_closed: bool,
    paid: String,
    reason: String,
    moves: super::visit::MoveCard,
    qr_svg: String,
    problem: String,
    line: Line,
    charges: super::charges::Charges,
    /// The order the patient came back from paying (`?order=`), as it stands.
    order: Option<super::pay::OrderBanner>,
}

/// Where a checked-in patient stands, as the waiting panel shows it (and the live stream
/// sends it).
#[derive(Default)]
pub struct Line {
    pub state: String,
    pub ahead: i64,
    pub eta: i64,
    pub serving: String,
    pub ready: bool,
    /// Passed (过号) at least once and waiting again.
    pub passed: bool,
}

impl Line {
    fn from_api(body: &Value) -> Self {
        Line {
            state: body["queue"].as_str().unwrap_or("not-in-line").to_owned(),
            ahead: body["ahead"].as_i64().unwrap_or(0),
            eta: body["estimated_minutes"].as_i64().unwrap_or(0),
            serving: body["now_serving"]
                .as_i64()
                .map(|n| n.to_string())
                .unwrap_or_else(|| "—".into()),
            ready: body["notice"].as_bool().unwrap_or(false) && body["queue"] == "waiting",
            passed: body["passes"].as_i64().unwrap_or(0) > 0 && body["queue"] == "waiting",
        }
    }
}

/// The live stream's shape of `GET /api/appointments/{id}/queue`.
fn line_event(_: &Web, body: &Value) -> Value {
    let line = Line::from_api(body);
    serde_json::json!({"state": line.state, "ahead": line.ahead, "eta": line.eta,
        "serving": line.serving, "ready": line.ready, "passed": line.passed})
}

/// `GET /appointments/{id}/live`: the waiting panel's updates.
pub async fn live(State(api): State<Api>, web: Web, Path(id): Path<String>) -> Response {
    if !web.signed_in() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    crate::live::follow(
        api,
        web,
        format!("/api/appointments/{id}/queue"),
        line_event,
    )
    .into_response()
}

pub(super) async fn show_page(
    api: &Api,
    web: &Web,
    id: &str,
    problem: String,
    status: StatusCode,
) -> Response {
    show_order(api, web, id, (problem, status), "").await
}

/// The page, with the banner of pay order `order` when one is named.
async fn show_order(
    api: &Api,
    web: &Web,
    id: &str,
    (problem, status): (String, StatusCode),
    order: &str,
) -> Response {
    let order = match order {
        "" => None,
        order => super::pay::read_order(api, web, order).await,
    };
    let reply = api.get(web, &format!("/fhir/Appointment/{id}")).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return not_found(web);
    }
    let a = &reply.body;
    let code = a["status"].as_str().unwrap_or_default().to_owned();
    let slot = match slot_of(a) {
        Some(slot) => slot_facts(api, web, &slot).await,
        None => None,
    };
    let names = patient_names(api, web).await;
    let paid = super::visit::money_line(api, web, id).await;
    let reason = super::visit::cancel_reason(a, web.lang);
    let moves = super::visit::move_card(api, web, id).await;
    let hold = hold_countdown(a, web.lang);
    let charges = super::charges::read(api, web, id, &code, &patient_of(a)).await;
    let order = order
        .zip(charges.invoice.as_deref())
        .and_then(|(order, invoice)| super::pay::banner_of(&order, invoice, web.lang));
    let (cancel_by, cancel_closed) = deadline(a, CANCEL_BY_EXT, web.lang);
    let pay_online = slot.as_ref().is_some_and(|s| s.pay_online);
    let pay_at_desk = match &slot {
        Some(s)
            if s.fee > 0.0
                && !pay_online
                && paid.is_empty()
                && matches!(code.as_str(), "pending" | "booked") =>
        {
            let t = |key| crate::i18n::t(web.lang, key);
            format!(
                "{}{}{}",
                t("appointment.desk_fee_before"),
                s.fee_text,
                t("appointment.desk_fee_after")
            )
        }
        _ => String::new(),
    };
    // Shown to be scanned at check-in: once checked in, the waiting panel takes its place.
    let qr_svg = if code == "booked" {
        qr::svg(&qr::check_in_payload(id))
    } else {
        String::new()
    };
    let line = if code == "checked-in" {
        Line::from_api(
            &api.get(web, &format!("/api/appointments/{id}/queue"))
                .await
                .body,
        )
    } else {
        Line::default()
    };
    render(
        status,
        &AppointmentPage {
            c: web.chrome(crate::i18n::t(web.lang, "appointment.title")),
            id: id.to_owned(),
            status: status_of(a, web.lang),
            status_code: code,
            number: queue_number(a),
            patient: names.get(&patient_of(a)).cloned().unwrap_or_default(),
            slot,
            hold,
            pay_online,
            pay_at_desk,
            cancel_by,
            cancel_closed,
            paid,
            reason,
            moves,
            qr_svg,
            problem,
            line,
            charges,
            order,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct ShowQuery {
    /// The pay order the gateway sent the patient back from.
    #[serde(default)]
    order: String,
}

pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Response {
    let ok = (String::new(), StatusCode::OK);
    show_order(&api, &web, &id, ok, &query.order).await
}

/// Answers an action: back to the appointment, or the appointment with what went wrong.
pub(super) async fn after(api: &Api, web: &Web, id: &str, reply: crate::api::Reply) -> Response {
    if reply.ok() {
        return Redirect::to(&format!("/appointments/{id}")).into_response();
    }
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let problem = reply.message();
    show_page(api, web, id, problem, reply.status).await
}

/// Confirms a hold; the fee is paid at the desk.
pub async fn confirm(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let reply = api
        .operation(
            &web,
            "/fhir/Appointment/$book",
            &[("appointment", format!("Appointment/{id}"))],
        )
        .await;
    after(&api, &web, &id, reply).await
}

pub async fn cancel(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let reply = api.set_status(&web, &id, "cancelled").await;
    after(&api, &web, &id, reply).await
}

/// Checks in, showing the waiting-area code scanned on site (if any) to the API.
pub async fn check_in(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let reply = check_in_on_site(&api, &web, &id).await;
    after(&api, &web, &id, reply).await
}

/// Asks the API to check the appointment in, showing the waiting-area code the visitor
/// scanned on site (if any): the API's proof that the patient is at the hospital.
pub(super) async fn check_in_on_site(api: &Api, web: &Web, id: &str) -> crate::api::Reply {
    let code = web.here_code.clone().unwrap_or_default();
    let headers: &[(&str, &str)] = if code.is_empty() {
        &[]
    } else {
        &[("x-huimin-on-site", code.as_str())]
    };
    api.set_status_with(web, id, "checked-in", headers).await
}
