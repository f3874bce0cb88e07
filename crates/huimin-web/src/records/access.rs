//! `/staff/break-glass`: for a department head (科主任), the break-the-glass reads of the
//! departments they head in the last 30 days, latest first, each with the doctor, the patient
//! (masked: the head judges the reason, not who the patient is) and the reason given.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::api::Api;
use crate::chrome::Chrome;
use crate::i18n::t;
use crate::patient::forms::render;
use crate::web::SignedIn;

pub struct Read {
    pub at: String,
    pub doctor: String,
    pub patient: String,
    pub department: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "staff_break_glass.html")]
struct ReadsPage {
    c: Chrome,
    rows: Vec<Read>,
}

/// `GET /staff/break-glass`.
pub async fn list(State(api): State<Api>, SignedIn(web): SignedIn) -> Response {
    let reply = api.get(&web, "/api/records/break-glass").await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(&web, "glass.title", &reply, "/staff");
    }
    let text = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
    let rows = reply.body["reads"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| Read {
            at: crate::fmt::moment(&text(r, "at"), web.lang),
            doctor: text(r, "practitioner_name"),
            patient: text(r, "patient_masked"),
            department: text(r, "department_name"),
            reason: text(r, "reason"),
        })
        .collect();
    render(
        StatusCode::OK,
        &ReadsPage {
            c: web.chrome(t(web.lang, "glass.title")),
            rows,
        },
    )
}
