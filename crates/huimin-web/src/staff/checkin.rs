//! The check-in scanner (扫码签到) of a desk or kiosk: a scanner types the QR code on a
//! patient's booking and Enter, or the desk chooses the doctor's session and types the queue
//! number printed on the patient's ticket (就诊序号); the page checks the booking in and shows
//! who, which number and where.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use huimin_fhir::Patient;
use serde::Deserialize;
use serde_json::{Value, json};

use super::common::{Choice, departments};
use crate::api::{Api, Reply};
use crate::chrome::Chrome;
use crate::fhir::name_text;
use crate::patient::booking::{SlotFacts, slot_facts, slot_of};
use crate::patient::forms::render;
use crate::web::{SignedIn, Web};

/// What the scanner read or the desk typed.
#[derive(Debug, PartialEq, Eq)]
pub enum Scanned<'a> {
    /// The booking's QR code (`huimin:Appointment/<id>`).
    Booking(&'a str),
    /// The queue number on the ticket, within a session.
    Number(&'a str),
}

pub fn read_code(code: &str) -> Option<Scanned<'_>> {
    let code = code.trim();
    if code.chars().all(|c| c.is_ascii_digit()) && (1..=6).contains(&code.len()) {
        return Some(Scanned::Number(code));
    }
    let id = code
        .strip_prefix("huimin:Appointment/")
        .or_else(|| code.strip_prefix("Appointment/"))?;
    let plausible = !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    plausible.then_some(Scanned::Booking(id))
}

pub struct Arrival {
    pub number: i64,
    pub name: String,
    pub slot: Option<SlotFacts>,
}

/// The form's choices: a department, and one of its sessions today.
#[derive(Deserialize, Default)]
pub struct Where {
    #[serde(default)]
    department: String,
    #[serde(default)]
    session: String,
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "checkin.html")]
struct ScanPage {
    c: Chrome,
    arrival: Option<Arrival>,
    problem: String,
    /// The problem belongs to the session field (a number needs a session).
    session_problem: String,
    departments: Vec<Choice>,
    department: String,
    sessions: Vec<Choice>,
    session: String,
}

/// The department's sessions today, as the ticket names them: doctor, room, hours.
async fn sessions_today(api: &Api, web: &Web, department: &str) -> Vec<Choice> {
    if department.is_empty() {
        return Vec::new();
    }
    let path = format!(
        "/api/departments/{}/sessions",
        crate::web::encoded(department)
    );
    let day = api.get(web, &path).await;
    day.body["sessions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["status"] == "active")
        .map(|s| {
            let schedule = &s["schedule"];
            let room = crate::i18n::pick(
                web.lang,
                s["room"]["zh"].as_str().unwrap_or_default(),
                s["room"]["en"].as_str().unwrap_or_default(),
            );
            let when = crate::fmt::window(
                schedule["planningHorizon"]["start"]
                    .as_str()
                    .unwrap_or_default(),
                schedule["planningHorizon"]["end"]
                    .as_str()
                    .unwrap_or_default(),
                web.lang,
            );
            let doctor = s["doctor"].as_str().unwrap_or_default();
            Choice {
                id: schedule["id"].as_str().unwrap_or_default().to_owned(),
                name: [doctor, room, when.as_str()]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
            }
        })
        .collect()
}

async fn page(
    api: &Api,
    web: &Web,
    at: &Where,
    (arrival, problem, session_problem): (Option<Arrival>, String, String),
    status: StatusCode,
) -> Response {
    render(
        status,
        &ScanPage {
            c: web.chrome(crate::i18n::t(web.lang, "checkin.title")),
            arrival,
            problem,
            session_problem,
            departments: departments(api, web).await,
            department: at.department.clone(),
            sessions: sessions_today(api, web, &at.department).await,
            session: at.session.clone(),
        },
    )
}

/// `GET /checkin?department=&session=`: the scanner page of a desk or kiosk.
pub async fn scan_page(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(at): Query<Where>,
) -> Response {
    page(
        &api,
        &web,
        &at,
        (None, String::new(), String::new()),
        StatusCode::OK,
    )
    .await
}

/// Who was checked in, from the API's answer.
async fn arrival(api: &Api, web: &Web, a: &Value) -> Arrival {
    let patient = a["participant"]
        .as_array()
        .and_then(|ps| {
            ps.iter()
                .find_map(|p| p["actor"]["reference"].as_str()?.strip_prefix("Patient/"))
        })
        .unwrap_or_default();
    let name = api
        .get(web, &format!("/fhir/Patient/{patient}"))
        .await
        .resource::<Patient>()
        .map(|p| name_text(&p).to_owned())
        .unwrap_or_default();
    let slot = match slot_of(a) {
        Some(slot) => slot_facts(api, web, &slot).await,
        None => None,
    };
    Arrival {
        number: crate::fhir::queue_number(a),
        name,
        slot,
    }
}

/// `POST /checkin`: checks the scanned booking (or the ticket's number in the chosen
/// session) in and shows who, which number and where.
pub async fn scan(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Form(at): Form<Where>,
) -> Response {
    let t = |key| crate::i18n::t(web.lang, key).to_owned();
    let refused = StatusCode::UNPROCESSABLE_ENTITY;
    let reply: Reply = match read_code(&at.code) {
        None => {
            let said = (None, t("checkin.unreadable"), String::new());
            return page(&api, &web, &at, said, refused).await;
        }
        Some(Scanned::Number(_)) if at.session.is_empty() => {
            let said = (None, String::new(), t("checkin.need_session"));
            return page(&api, &web, &at, said, refused).await;
        }
        Some(Scanned::Number(number)) => {
            let path = format!(
                "/api/sessions/{}/check-in",
                crate::web::encoded(&at.session)
            );
            api.post_json(&web, &path, &json!({"number": number})).await
        }
        Some(Scanned::Booking(id)) => api.set_status(&web, id, "checked-in").await,
    };
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        let said = (
            None,
            super::common::staff_message(&reply, web.lang),
            String::new(),
        );
        return page(&api, &web, &at, said, reply.status).await;
    }
    let arrived = arrival(&api, &web, &reply.body).await;
    let said = (Some(arrived), String::new(), String::new());
    page(&api, &web, &at, said, StatusCode::OK).await
}

#[cfg(test)]
mod tests {
    use super::{Scanned, read_code};

    #[test]
    fn the_scanner_reads_the_booking_code_or_the_tickets_number() {
        assert_eq!(
            read_code(" huimin:Appointment/ab-12 \n"),
            Some(Scanned::Booking("ab-12"))
        );
        assert_eq!(
            read_code("Appointment/ab-12"),
            Some(Scanned::Booking("ab-12"))
        );
        assert_eq!(read_code(" 12 "), Some(Scanned::Number("12")));
        for bad in [
            "",
            "huimin:Appointment/",
            "../etc",
            "a b",
            "x?y=1",
            "ab-12",
            "1234567",
        ] {
            assert_eq!(read_code(bad), None, "{bad}");
        }
    }
}
