//! The check-in scanner (扫码签到) of a desk or kiosk: a scanner types the QR code on a
//! patient's booking (or its number) and Enter; the page checks the booking in and shows who,
//! which number and where.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use huimin_fhir::Patient;
use serde::Deserialize;

use crate::api::{Api, Reply};
use crate::chrome::Chrome;
use crate::fhir::name_text;
use crate::patient::booking::{SlotFacts, slot_facts, slot_of};
use crate::patient::forms::{ok, render};
use crate::web::{SignedIn, Web};

/// What the scanner read: the booking's QR (`huimin:Appointment/<id>`) or a bare id.
pub fn appointment_in(code: &str) -> Option<&str> {
    let code = code.trim();
    let id = code
        .strip_prefix("huimin:Appointment/")
        .unwrap_or(code)
        .trim_start_matches("Appointment/");
    let plausible = !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    plausible.then_some(id)
}

pub struct Arrival {
    pub number: i64,
    pub name: String,
    pub slot: Option<SlotFacts>,
}

#[derive(Template)]
#[template(path = "checkin.html")]
struct ScanPage {
    c: Chrome,
    arrival: Option<Arrival>,
    problem: String,
}

/// `GET /checkin`: the scanner page of a desk or kiosk; a scanner types the code and Enter.
pub async fn scan_page(SignedIn(web): SignedIn) -> Response {
    ok(&ScanPage {
        c: web.chrome(crate::i18n::t(web.lang, "checkin.title")),
        arrival: None,
        problem: String::new(),
    })
}

#[derive(Deserialize)]
pub struct ScanForm {
    #[serde(default)]
    code: String,
}

fn scan_answer(
    web: &Web,
    arrival: Option<Arrival>,
    problem: String,
    status: StatusCode,
) -> Response {
    render(
        status,
        &ScanPage {
            c: web.chrome(crate::i18n::t(web.lang, "checkin.title")),
            arrival,
            problem,
        },
    )
}

/// `POST /checkin`: checks the scanned booking in and shows who, which number and where.
pub async fn scan(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Form(form): Form<ScanForm>,
) -> Response {
    let Some(id) = appointment_in(&form.code) else {
        let text = crate::i18n::t(web.lang, "checkin.unreadable").to_owned();
        return scan_answer(&web, None, text, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let reply: Reply = api.set_status(&web, id, "checked-in").await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return scan_answer(&web, None, reply.message(), reply.status);
    }
    let a = &reply.body;
    let patient = a["participant"]
        .as_array()
        .and_then(|ps| {
            ps.iter()
                .find_map(|p| p["actor"]["reference"].as_str()?.strip_prefix("Patient/"))
        })
        .unwrap_or_default();
    let name = api
        .get(&web, &format!("/fhir/Patient/{patient}"))
        .await
        .resource::<Patient>()
        .map(|p| name_text(&p).to_owned())
        .unwrap_or_default();
    let slot = match slot_of(a) {
        Some(slot) => slot_facts(&api, &web, &slot).await,
        None => None,
    };
    let arrival = Arrival {
        number: crate::fhir::queue_number(a),
        name,
        slot,
    };
    scan_answer(&web, Some(arrival), String::new(), StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::appointment_in;

    #[test]
    fn the_scanner_reads_the_booking_code_or_a_bare_id() {
        assert_eq!(
            appointment_in(" huimin:Appointment/ab-12 \n"),
            Some("ab-12")
        );
        assert_eq!(appointment_in("Appointment/ab-12"), Some("ab-12"));
        assert_eq!(appointment_in("ab-12"), Some("ab-12"));
        for bad in ["", "huimin:Appointment/", "../etc", "a b", "x?y=1"] {
            assert_eq!(appointment_in(bad), None, "{bad}");
        }
    }
}
