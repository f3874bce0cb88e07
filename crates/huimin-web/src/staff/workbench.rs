//! The doctor's workbench: today's sessions, then one session's line with call next, recall,
//! pass (过号) and seen.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;

use crate::api::Api;
use crate::chrome::Chrome;
use crate::fmt;
use crate::patient::forms::render;
use crate::web::Web;

pub struct SessionRow {
    pub id: String,
    pub when: String,
    pub waiting: i64,
    pub serving: String,
}

#[derive(Template)]
#[template(path = "staff_today.html")]
struct TodayPage {
    c: Chrome,
    sessions: Vec<SessionRow>,
}

fn schedule_when(schedule: &Value, web: &Web) -> String {
    fmt::window(
        schedule["planningHorizon"]["start"]
            .as_str()
            .unwrap_or_default(),
        schedule["planningHorizon"]["end"]
            .as_str()
            .unwrap_or_default(),
        web.lang,
    )
}

pub async fn today(State(api): State<Api>, web: Web) -> Response {
    if !web.signed_in() {
        return web.to_login();
    }
    let reply = api.get(&web, "/api/me/sessions").await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let sessions = reply.body["sessions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| SessionRow {
            id: s["schedule"]["id"].as_str().unwrap_or_default().to_owned(),
            when: schedule_when(&s["schedule"], &web),
            waiting: s["waiting"].as_i64().unwrap_or(0),
            serving: s["now_serving"]
                .as_i64()
                .map(|n| n.to_string())
                .unwrap_or_else(|| "—".into()),
        })
        .collect();
    render(
        StatusCode::OK,
        &TodayPage {
            c: web.chrome(crate::i18n::t(web.lang, "staff.today")),
            sessions,
        },
    )
}

pub struct Patient {
    pub appointment: String,
    pub number: i64,
    pub name: String,
    pub priority: bool,
    pub passes: i64,
}

fn patient_of(entry: &Value) -> Patient {
    Patient {
        appointment: entry["appointment"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches("Appointment/")
            .to_owned(),
        number: entry["number"].as_i64().unwrap_or(0),
        name: entry["name"].as_str().unwrap_or_default().to_owned(),
        priority: entry["priority"].as_bool().unwrap_or(false),
        passes: entry["passes"].as_i64().unwrap_or(0),
    }
}

#[derive(Template)]
#[template(path = "staff_line.html")]
struct LinePage {
    c: Chrome,
    id: String,
    when: String,
    current: Option<Patient>,
    waiting: Vec<Patient>,
    problem: String,
}

async fn line_page(
    api: &Api,
    web: &Web,
    id: &str,
    problem: String,
    status: StatusCode,
) -> Response {
    if !web.signed_in() {
        return web.to_login();
    }
    let reply = api.get(web, &format!("/api/sessions/{id}/queue")).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        let text = reply.message();
        return render(
            reply.status,
            &crate::patient::directory::MessagePage {
                c: web.chrome(crate::i18n::t(web.lang, "staff.line")),
                heading: crate::i18n::t(web.lang, "staff.line").to_owned(),
                text,
                back: "/staff".into(),
            },
        );
    }
    let body = &reply.body;
    render(
        status,
        &LinePage {
            c: web.chrome(crate::i18n::t(web.lang, "staff.line")),
            id: id.to_owned(),
            when: schedule_when(&body["schedule"], web),
            current: (!body["current"].is_null()).then(|| patient_of(&body["current"])),
            waiting: body["waiting"]
                .as_array()
                .into_iter()
                .flatten()
                .map(patient_of)
                .collect(),
            problem,
        },
    )
}

pub async fn line(State(api): State<Api>, web: Web, Path(id): Path<String>) -> Response {
    line_page(&api, &web, &id, String::new(), StatusCode::OK).await
}

async fn after(api: &Api, web: &Web, id: &str, reply: crate::api::Reply) -> Response {
    if reply.ok() {
        return Redirect::to(&format!("/staff/sessions/{id}")).into_response();
    }
    let problem = reply.message();
    line_page(api, web, id, problem, reply.status).await
}

/// Call next, recall or pass.
pub async fn act(
    State(api): State<Api>,
    web: Web,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    if !matches!(action.as_str(), "call-next" | "recall" | "pass") {
        return StatusCode::NOT_FOUND.into_response();
    }
    let reply = api
        .call(
            &web,
            axum::http::Method::POST,
            &format!("/api/sessions/{id}/{action}"),
            None,
        )
        .await;
    after(&api, &web, &id, reply).await
}

/// The patient in the room has been seen.
pub async fn seen(
    State(api): State<Api>,
    web: Web,
    Path((id, appointment)): Path<(String, String)>,
) -> Response {
    let reply = api.set_status(&web, &appointment, "fulfilled").await;
    after(&api, &web, &id, reply).await
}
