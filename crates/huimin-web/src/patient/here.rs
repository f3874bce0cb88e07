//! Where the waiting-area QR code leads (扫码签到): the phone shows the account's bookings
//! for that department today, and one tap on 确认签到 checks one in (the API applies the
//! check-in window, the on-site code scanned and, where the hospital asks, payment first).
//! A visitor not signed in is asked to sign in and comes back here; the code is kept for 20
//! minutes meanwhile.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_fhir::Organization;
use serde_json::Value;

use super::appointment::{patient_names, status_of};
use super::booking::{KnownSessions, SlotFacts, slot_facts_with, slot_of};
use super::forms::render;
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fhir::{Named, queue_number};
use crate::web::{HERE_COOKIE, SignedIn, Web, encoded};

/// One of today's bookings in the department.
pub struct Today {
    pub id: String,
    pub patient: String,
    pub number: i64,
    pub status: String,
    pub status_code: String,
    pub slot: SlotFacts,
}

#[derive(Template)]
#[template(path = "here.html")]
struct HerePage {
    c: Chrome,
    department_id: String,
    department: String,
    signed_in: bool,
    /// The visitor is a patient (staff accounts have no bookings to check in).
    patient: bool,
    bookings: Vec<Today>,
    problem: String,
    /// The booking whose check-in was refused.
    refused: String,
}

#[derive(serde::Deserialize, Default)]
pub struct Scanned {
    #[serde(default)]
    code: String,
}

/// The code as kept: letters and digits only, at most 16.
fn kept(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect()
}

/// The account's bookings (pending excluded: not confirmed) in `department` on today's date.
async fn bookings_today(api: &Api, web: &Web, department: &str) -> Vec<Today> {
    let listed = api.get(web, "/fhir/Appointment?_count=50").await;
    let today = crate::fmt::today();
    let names = patient_names(api, web).await;
    let mut known = KnownSessions::new();
    let mut found = Vec::new();
    for entry in listed.body["entry"].as_array().into_iter().flatten() {
        let a: &Value = &entry["resource"];
        let code = a["status"].as_str().unwrap_or_default();
        let on_day = crate::fmt::local(a["start"].as_str().unwrap_or_default())
            .is_some_and(|start| start.date() == today);
        if !on_day || !matches!(code, "booked" | "checked-in" | "fulfilled") {
            continue;
        }
        let Some(slot) = slot_of(a) else { continue };
        let Some(facts) = slot_facts_with(api, web, &slot, &mut known).await else {
            continue;
        };
        if facts.department_id != department {
            continue;
        }
        found.push(Today {
            id: a["id"].as_str().unwrap_or_default().to_owned(),
            patient: names
                .get(&super::appointment::patient_of(a))
                .cloned()
                .unwrap_or_default(),
            number: queue_number(a),
            status: status_of(a, web.lang),
            status_code: code.to_owned(),
            slot: facts,
        });
    }
    found.sort_by(|a, b| a.slot.when.cmp(&b.slot.when));
    found
}

async fn page(
    api: &Api,
    web: &Web,
    department: &str,
    (problem, refused): (String, String),
    status: StatusCode,
) -> Response {
    let org = api
        .get(web, &format!("/fhir/Organization/{department}"))
        .await;
    let Some(org) = org.resource::<Organization>().filter(|_| org.ok()) else {
        return super::directory::not_found(web);
    };
    let patient = web.signed_in() && web.is_patient();
    let bookings = match patient {
        true => bookings_today(api, web, department).await,
        false => Vec::new(),
    };
    render(
        status,
        &HerePage {
            c: web.chrome(crate::i18n::t(web.lang, "here.title")),
            department_id: department.to_owned(),
            department: org.display_name(web.lang),
            signed_in: web.signed_in(),
            patient,
            bookings,
            problem,
            refused,
        },
    )
}

/// `GET /here/{department}?code=`: keeps a scanned code for 20 minutes (the API decides
/// whether it is right when the patient checks in) and shows today's bookings there.
/// Public: a patient may scan before signing in.
pub async fn show(
    State(api): State<Api>,
    web: Web,
    Path(department): Path<String>,
    Query(scanned): Query<Scanned>,
) -> Response {
    let code = kept(&scanned.code);
    if code.is_empty() {
        return page(&api, &web, &department, Default::default(), StatusCode::OK).await;
    }
    // The code leaves the address (bookmarks, shared links) once kept.
    let mut response = Redirect::to(&format!("/here/{}", encoded(&department))).into_response();
    response.headers_mut().append(
        axum::http::header::SET_COOKIE,
        web.set_cookie(HERE_COOKIE, &code, 20 * 60),
    );
    response
}

/// `POST /here/{department}/check-in/{appointment}`: the one tap; on success the booking's
/// page shows the patient's place in line.
pub async fn check_in(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path((department, id)): Path<(String, String)>,
) -> Response {
    let reply = super::appointment::check_in_on_site(&api, &web, &id).await;
    if reply.ok() {
        return Redirect::to(&format!("/appointments/{id}")).into_response();
    }
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let said = (reply.message(), id);
    page(&api, &web, &department, said, reply.status).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_scanned_code_keeps_letters_and_digits_only() {
        assert_eq!(super::kept("ab12-CD;<x>"), "ab12CDx");
        assert_eq!(super::kept(&"A".repeat(40)).len(), 16);
    }
}
