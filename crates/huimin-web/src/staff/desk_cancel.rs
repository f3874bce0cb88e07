//! 退号 at the registrar's window asks first: a page says whose visit, which one, and what
//! happens to the money, with 确认退号 and 返回. A form post without the confirmation shows
//! this page, so the step holds without scripts.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use huimin_fhir::Patient;

use crate::api::Api;
use crate::billing::VisitMoney;
use crate::chrome::Chrome;
use crate::fhir::{name_text, queue_number};
use crate::patient::booking::{SlotFacts, slot_facts, slot_of};
use crate::patient::forms::render;
use crate::web::Web;

#[derive(Template)]
#[template(path = "desk_cancel.html")]
struct ConfirmPage {
    c: Chrome,
    appointment: String,
    patient: String,
    name: String,
    number: i64,
    slot: Option<SlotFacts>,
    /// What becomes of the money, in the visitor's words.
    money: String,
}

fn money_words(web: &Web, money: &VisitMoney) -> String {
    let held = money.held();
    if held > 0 {
        crate::i18n::t(web.lang, "desk.cancel.refund").replace("{amount}", &crate::fmt::fen(held))
    } else {
        crate::i18n::t(web.lang, "desk.cancel.nothing_paid").to_owned()
    }
}

/// The confirmation page of cancelling `appointment` of `patient`.
pub async fn confirm_page(api: &Api, web: &Web, appointment: &str, patient: &str) -> Response {
    let reply = api
        .get(web, &format!("/fhir/Appointment/{appointment}"))
        .await;
    if let Some(away) = super::desk::signed_out(web, &reply) {
        return away;
    }
    if !reply.ok() {
        return super::common::refusal(web, "desk.cancel.title", &reply, "/desk");
    }
    let a = &reply.body;
    let slot = match slot_of(a) {
        Some(slot) => slot_facts(api, web, &slot).await,
        None => None,
    };
    let name = api
        .get(web, &format!("/fhir/Patient/{patient}"))
        .await
        .resource::<Patient>()
        .map(|p| name_text(&p).to_owned())
        .unwrap_or_default();
    let bill = api
        .get(web, &format!("/api/appointments/{appointment}/bill"))
        .await;
    let money = VisitMoney::read(&bill.body, web.lang);
    render(
        StatusCode::OK,
        &ConfirmPage {
            c: web.chrome(crate::i18n::t(web.lang, "desk.cancel.title")),
            appointment: appointment.to_owned(),
            patient: patient.to_owned(),
            name,
            number: queue_number(a),
            slot,
            money: money_words(web, &money),
        },
    )
}
