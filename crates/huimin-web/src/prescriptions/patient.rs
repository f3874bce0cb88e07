//! The patient's prescriptions on the phone (375 px first): what is being taken now across
//! visits, each prescription with where it stands in plain words (待药师审核 … 已取药) and each
//! line's instruction in large type; one prescription with its steps; and the prescriptions
//! part of the patient's visit page. Another family's prescription is the API's 404.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::i18n::Lang;
use serde_json::Value;

use super::{RxShown, both, rx_shown};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::i18n::t;
use crate::patient::forms::render;
use crate::web::{SignedIn, Web, encoded};

/// A medication being taken now.
pub struct MedicationRow {
    pub prescription: String,
    pub patient: String,
    pub name: String,
    pub specification: String,
    pub instruction: String,
    pub until: String,
}

#[derive(Template)]
#[template(path = "rx_mine.html")]
struct ListPage {
    c: Chrome,
    medications: Vec<MedicationRow>,
    list: Vec<RxShown>,
}

#[derive(Template)]
#[template(path = "rx_detail.html")]
struct DetailPage {
    c: Chrome,
    p: RxShown,
}

/// The prescriptions part of the patient's visit page.
#[derive(Default)]
pub struct VisitPrescriptions {
    pub list: Vec<RxShown>,
}

fn medication(v: &Value, lang: Lang) -> MedicationRow {
    let until = v["until"]
        .as_i64()
        .and_then(|us| jiff::Timestamp::from_microsecond(us).ok())
        .and_then(|ts| crate::fmt::local(&ts.to_string()))
        .map(|d| crate::fmt::day(d.date(), lang))
        .unwrap_or_default();
    MedicationRow {
        prescription: v["prescription"].as_str().unwrap_or_default().to_owned(),
        patient: String::new(),
        name: both(lang, &v["name"]),
        specification: v["specification"].as_str().unwrap_or_default().to_owned(),
        instruction: both(lang, &v["instruction"]),
        until,
    }
}

/// `GET /me/prescriptions`.
pub async fn list(State(api): State<Api>, SignedIn(web): SignedIn) -> Response {
    let reply = api.get(&web, "/api/me/prescriptions").await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(&web, "rx.mine", &reply, "/me");
    }
    let lang = web.lang;
    let list: Vec<RxShown> = reply.body["prescriptions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| rx_shown(p, lang))
        .collect();
    let current = api.get(&web, "/api/me/medications").await;
    let medications = current.body["medications"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let mut row = medication(m, lang);
            row.patient = list
                .iter()
                .find(|p| p.id == row.prescription)
                .map(|p| p.patient_name.clone())
                .unwrap_or_default();
            row
        })
        .collect();
    render(
        StatusCode::OK,
        &ListPage {
            c: web.chrome(t(lang, "rx.mine")),
            medications,
            list,
        },
    )
}

/// `GET /me/prescriptions/{id}`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let reply = api
        .get(&web, &format!("/api/prescriptions/{}", encoded(&id)))
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(&web, "rx.detail", &reply, "/me/prescriptions");
    }
    render(
        StatusCode::OK,
        &DetailPage {
            c: web.chrome(t(web.lang, "rx.detail")),
            p: rx_shown(&reply.body, web.lang),
        },
    )
}

/// A visit's prescriptions for the patient's visit page (none when the API refuses).
pub async fn of_visit(api: &Api, web: &Web, visit: &str) -> VisitPrescriptions {
    let reply = api
        .get(
            web,
            &format!("/api/visits/{}/prescriptions", encoded(visit)),
        )
        .await;
    let list = reply.body["prescriptions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["status"] != "cancelled")
        .map(|p| rx_shown(p, web.lang))
        .collect();
    VisitPrescriptions { list }
}
