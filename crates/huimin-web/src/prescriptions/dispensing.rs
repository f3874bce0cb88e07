//! `/staff/pharmacy/dispensing`: the pharmacy counter. Paid prescriptions wait to be
//! dispensed (发药: the lots are taken, first expiring first, and named); dispensed ones wait
//! for the patient (已取药). A drug that needs a skin test waits for its result, recorded
//! here. A refusal (a skin test not yet negative, an expired lot) shows on that
//! prescription.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::{RxShown, rx_shown};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::i18n::t;
use crate::patient::forms::render;
use crate::web::{SignedIn, Web, encoded};

#[derive(Template)]
#[template(path = "rx_dispensing.html")]
struct CounterPage {
    c: Chrome,
    to_dispense: Vec<RxShown>,
    to_hand_over: Vec<RxShown>,
    /// (prescription, why the step was refused).
    refused: (String, String),
    notice: String,
}

impl CounterPage {
    fn refusal(&self, id: &str) -> &str {
        match self.refused.0 == id {
            true => &self.refused.1,
            false => "",
        }
    }

    /// A refusal about a prescription no longer on the counter: above the lists.
    fn elsewhere(&self) -> &str {
        let shown = self
            .to_dispense
            .iter()
            .chain(&self.to_hand_over)
            .any(|p| p.id == self.refused.0);
        match shown {
            true => "",
            false => &self.refused.1,
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    dispensed: String,
    #[serde(default)]
    collected: String,
    #[serde(default)]
    tested: String,
}

async fn page(
    api: &Api,
    web: &Web,
    refused: (String, String),
    notice: String,
    status: StatusCode,
) -> Response {
    let reply = api.get(web, "/api/pharmacy/dispensing").await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(web, "rx.dispensing", &reply, "/");
    }
    let all: Vec<RxShown> = reply.body["prescriptions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| rx_shown(p, web.lang))
        .collect();
    let (to_dispense, to_hand_over) = all.into_iter().partition(|p| p.status == "paid");
    render(
        status,
        &CounterPage {
            c: web.chrome(t(web.lang, "rx.dispensing")),
            to_dispense,
            to_hand_over,
            refused,
            notice,
        },
    )
}

/// `GET /staff/pharmacy/dispensing?dispensed=&collected=` (the number just done).
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(done): Query<Done>,
) -> Response {
    let lang = web.lang;
    let notice = match (done.dispensed.as_str(), done.collected.as_str()) {
        ("", "") if done.tested.is_empty() => String::new(),
        ("", "") => format!("{}{}", t(lang, "rx.tested_notice"), done.tested),
        (number, "") => format!("{}{number}", t(lang, "rx.dispensed_notice")),
        (_, number) => format!("{}{number}", t(lang, "rx.collected_notice")),
    };
    page(&api, &web, Default::default(), notice, StatusCode::OK).await
}

async fn step(api: &Api, web: &Web, id: &str, step: &str, done: &str) -> Response {
    let path = format!("/api/prescriptions/{}/{step}", encoded(id));
    let reply = api.call(web, Method::POST, &path, None).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        let number = reply.body["number"].as_str().unwrap_or_default();
        let to = format!("/staff/pharmacy/dispensing?{done}={}", encoded(number));
        return Redirect::to(&to).into_response();
    }
    let refused = (id.to_owned(), reply.message());
    page(api, web, refused, String::new(), reply.status).await
}

/// `POST /staff/prescriptions/{id}/dispense`.
pub async fn dispense(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    step(&api, &web, &id, "dispense", "dispensed").await
}

/// `POST /staff/prescriptions/{id}/hand-over`.
pub async fn hand_over(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    step(&api, &web, &id, "hand-over", "collected").await
}

/// `POST /staff/prescriptions/{id}/skin-test`: `drug` and `result` (`negative`, `positive`),
/// recorded on the prescription's visit.
pub async fn skin_test(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<SkinTest>,
) -> Response {
    let rx = api
        .get(&web, &format!("/api/prescriptions/{}", encoded(&id)))
        .await;
    if rx.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let reply = match rx.body["encounter"].as_str() {
        Some(visit) if rx.ok() => {
            let body = serde_json::json!({"drug": form.drug, "result": form.result});
            let path = format!("/api/visits/{}/skin-tests", encoded(visit));
            api.post_json(&web, &path, &body).await
        }
        _ => rx,
    };
    if reply.ok() {
        let result = match form.result.as_str() {
            "negative" => t(web.lang, "rx.negative"),
            _ => t(web.lang, "rx.positive"),
        };
        let to = format!("/staff/pharmacy/dispensing?tested={}", encoded(result));
        return Redirect::to(&to).into_response();
    }
    page(
        &api,
        &web,
        (id, reply.message()),
        String::new(),
        reply.status,
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct SkinTest {
    #[serde(default)]
    drug: String,
    #[serde(default)]
    result: String,
}
