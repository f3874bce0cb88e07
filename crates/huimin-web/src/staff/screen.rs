//! The waiting-area call screen (叫号屏) of a department: the latest calls, large enough to
//! read across a room, names masked; it reloads itself when a call is made.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use huimin_fhir::Organization;
use serde_json::{Value, json};

use crate::api::Api;
use crate::chrome::Chrome;
use crate::fhir::Named;
use crate::fmt;
use crate::patient::forms::ok;
use crate::web::Web;

pub struct Call {
    pub number: i64,
    pub name: String,
    pub room: String,
    pub time: String,
    pub recall: bool,
}

#[derive(Template)]
#[template(path = "screen.html")]
struct ScreenPage {
    c: Chrome,
    department: String,
    department_id: String,
    latest: Option<Call>,
    earlier: Vec<Call>,
    /// The check-in QR code (扫码签到), shown when the screen is signed in as staff.
    scan_qr: String,
}

pub async fn show(State(api): State<Api>, web: Web, Path(department): Path<String>) -> Response {
    let org = api
        .get(&web, &format!("/fhir/Organization/{department}"))
        .await;
    let Some(org) = org.resource::<Organization>().filter(|_| org.ok()) else {
        return crate::patient::directory::not_found(&web);
    };
    let name = org.display_name(web.lang);
    let calls = api
        .get(&web, &format!("/api/departments/{department}/calls"))
        .await;
    let mut all: Vec<Call> = calls.body["calls"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| Call {
            number: c["number"].as_i64().unwrap_or(0),
            name: c["name"].as_str().unwrap_or_default().to_owned(),
            room: room_name(&web, &c["room"]),
            time: fmt::local(c["called_at"].as_str().unwrap_or_default())
                .map(|t| t.strftime("%H:%M").to_string())
                .unwrap_or_default(),
            recall: c["kind"] == "recall",
        })
        .collect();
    let latest = (!all.is_empty()).then(|| all.remove(0));
    let scan_qr = if web.signed_in() && !web.is_patient() {
        let code = api
            .get(
                &web,
                &format!("/api/departments/{department}/check-in-code"),
            )
            .await;
        match code.body["code"].as_str() {
            Some(code) => {
                let scheme = if web.https { "https" } else { "http" };
                crate::qr::svg(&format!(
                    "{scheme}://{}/here/{department}?code={code}",
                    web.host
                ))
            }
            _ => String::new(),
        }
    } else {
        String::new()
    };
    ok(&ScreenPage {
        c: web.chrome(format!(
            "{name} · {}",
            crate::i18n::t(web.lang, "screen.title")
        )),
        department: name,
        department_id: department,
        latest,
        earlier: all,
        scan_qr,
    })
}

fn room_name(web: &Web, room: &Value) -> String {
    let zh = room["zh"].as_str().unwrap_or_default();
    let en = room["en"].as_str().unwrap_or_default();
    crate::i18n::pick(web.lang, zh, en).to_owned()
}

fn latest_call(_: &Web, body: &Value) -> Value {
    json!({"latest": body["calls"][0]["called_at"]})
}

pub async fn live(State(api): State<Api>, web: Web, Path(department): Path<String>) -> Response {
    crate::live::follow(
        api,
        web,
        // Only whether the latest call changed: one call, not the screen's dozen.
        format!("/api/departments/{department}/calls?_count=1"),
        latest_call,
    )
    .into_response()
}
