//! My appointments (我的预约): upcoming, the waitlist, cancelled and past, each row with its
//! date and time, doctor, department, patient and status, and a held place with the time left.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::appointment::{patient_names, patient_of, status_of};
use super::facts::{Countdown, KnownPosts, hold_countdown, known_post, participant};
use super::forms::ok;
use super::waitlist::{WaitRow, waitlist_rows};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fhir::queue_number;
use crate::fmt;
use crate::web::{SignedIn, Web};

pub struct Row {
    pub id: String,
    pub patient: String,
    pub when: String,
    pub doctor: String,
    pub department: String,
    pub number: i64,
    pub status: String,
    pub status_code: String,
    pub hold: Option<Countdown>,
}

/// One heading of the page and its appointments.
pub struct Group {
    /// `upcoming`, `cancelled` or `past`: the list's element id.
    pub name: &'static str,
    /// The keys of the heading and of what an empty group says.
    pub title: &'static str,
    pub empty: &'static str,
    pub rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage {
    c: Chrome,
    groups: Vec<Group>,
    waitlist: Vec<WaitRow>,
}

/// Where an appointment is filed: cancelled ones whatever their date, open ones until they
/// end, everything else (seen, missed, ended) in the past.
fn group_of(appointment: &Value, now: jiff::Timestamp) -> usize {
    let ended = appointment["end"]
        .as_str()
        .and_then(|e| e.parse::<jiff::Timestamp>().ok())
        .is_some_and(|end| end < now);
    match appointment["status"].as_str().unwrap_or_default() {
        "cancelled" => 1,
        "pending" | "booked" | "checked-in" if !ended => 0,
        _ => 2,
    }
}

async fn row(
    api: &Api,
    web: &Web,
    a: &Value,
    names: &HashMap<String, String>,
    posts: &mut KnownPosts,
) -> Row {
    let (doctor, department) = match participant(a, "PractitionerRole") {
        Some(role) => known_post(api, web, &role, posts).await,
        None => Default::default(),
    };
    Row {
        id: a["id"].as_str().unwrap_or_default().to_owned(),
        patient: names.get(&patient_of(a)).cloned().unwrap_or_default(),
        when: fmt::window(
            a["start"].as_str().unwrap_or_default(),
            a["end"].as_str().unwrap_or_default(),
            web.lang,
        ),
        doctor,
        department,
        number: queue_number(a),
        status: status_of(a, web.lang),
        status_code: a["status"].as_str().unwrap_or_default().to_owned(),
        hold: hold_countdown(a, web.lang),
    }
}

pub async fn mine(State(api): State<Api>, SignedIn(web): SignedIn) -> Response {
    let listed = api.get(&web, "/fhir/Appointment?_count=50").await;
    if listed.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let names = patient_names(&api, &web).await;
    let now = fmt::now();
    let mut groups = [
        ("upcoming", "mine.upcoming", "mine.none"),
        ("cancelled", "mine.cancelled", "mine.no_cancelled"),
        ("past", "mine.past", "mine.no_past"),
    ]
    .map(|(name, title, empty)| Group {
        name,
        title,
        empty,
        rows: Vec::new(),
    });
    let mut posts = KnownPosts::new();
    for entry in listed.body["entry"].as_array().into_iter().flatten() {
        let a = &entry["resource"];
        let row = row(&api, &web, a, &names, &mut posts).await;
        groups[group_of(a, now)].rows.push(row);
    }
    // The API lists the latest visit first: the next one comes first.
    groups[0].rows.reverse();
    ok(&MinePage {
        c: web.chrome(crate::i18n::t(web.lang, "mine.title")),
        waitlist: waitlist_rows(&api, &web, &names).await,
        groups: groups.into(),
    })
}
