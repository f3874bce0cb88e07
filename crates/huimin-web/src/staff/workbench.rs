//! The doctor's workbench: open critical values to acknowledge and the staff messages above a
//! day's sessions (today first), then one session's line with call next, recall, pass (过号)
//! and seen.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_fhir::names::QUEUE_NUMBER_EXT;
use serde_json::Value;

use super::common::InLine;
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fmt;
use crate::patient::forms::render;
use crate::web::{SignedIn, Web};

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
    day: DayShown,
    sessions: Vec<SessionRow>,
    /// A doctor's critical values and messages (`None` for other roles).
    alerts: Option<crate::results::staff::DoctorAlerts>,
}

/// The day whose sessions the workbench shows, and its neighbours for the day links.
struct DayShown {
    /// `YYYY-MM-DD`, for the date field.
    date: String,
    /// As staff read it: `12月3日 周四`.
    shown: String,
    previous: String,
    next: String,
    is_today: bool,
}

impl DayShown {
    fn of(date: jiff::civil::Date, today: jiff::civil::Date, web: &Web) -> Self {
        Self {
            date: date.to_string(),
            shown: fmt::day(date, web.lang),
            previous: date.yesterday().unwrap_or(date).to_string(),
            next: date.tomorrow().unwrap_or(date).to_string(),
            is_today: date == today,
        }
    }
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

#[derive(serde::Deserialize, Default)]
pub struct DayAsked {
    #[serde(default)]
    date: String,
    /// Set after a critical value was acknowledged.
    #[serde(default)]
    acknowledged: Option<String>,
}

/// `GET /staff?date=`: the signed-in doctor's sessions of a day ([`fmt::date_or_today`]).
pub async fn sessions_of_the_day(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    axum::extract::Query(asked): axum::extract::Query<DayAsked>,
) -> Response {
    if web.role.as_deref() == Some("pharmacist") {
        // A pharmacist's staff home is the pharmacy's review queue.
        return Redirect::to("/staff/pharmacy/reviews").into_response();
    }
    let (today, date) = (fmt::today(), fmt::date_or_today(&asked.date));
    let reply = api
        .get(&web, &format!("/api/me/sessions?date={date}"))
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return super::common::refusal(&web, "staff.today", &reply, "/staff");
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
    let alerts = match web.role.as_deref() {
        Some("doctor") => Some(
            crate::results::staff::doctor_alerts(&api, &web, asked.acknowledged.is_some()).await,
        ),
        _ => None,
    };
    let day = DayShown::of(date, today, &web);
    let title = match day.is_today {
        true => crate::i18n::t(web.lang, "staff.today").to_owned(),
        false => format!(
            "{} · {}",
            crate::i18n::t(web.lang, "staff.sessions_on"),
            day.shown
        ),
    };
    render(
        StatusCode::OK,
        &TodayPage {
            c: web.chrome(&title),
            day,
            sessions,
            alerts,
        },
    )
}

#[derive(Template)]
#[template(path = "staff_line.html")]
struct LinePage {
    c: Chrome,
    id: String,
    when: String,
    current: Option<InLine>,
    waiting: Vec<InLine>,
    problem: String,
    /// The extra-place (加号) search: what was typed and whom it found.
    find: String,
    matches: Option<Vec<super::desk::Person>>,
    /// The queue number of an extra place just added.
    added: Option<i64>,
    /// The live stream that says when the line changed.
    live: String,
}

/// The live stream of a session's line: it watches the department's day (counts and a
/// version of each line, no names), so nothing personal is read, or audited, every second;
/// the page re-reads the line (audited) only when it changed.
fn live_path(id: &str, schedule: &Value) -> String {
    let department = crate::fhir::department_of(schedule).unwrap_or_default();
    let date = schedule["comment"]
        .as_str()
        .and_then(|c| c.split(' ').next())
        .unwrap_or_default();
    format!(
        "/staff/sessions/{id}/live?department={}&date={}",
        crate::web::encoded(&department),
        crate::web::encoded(date)
    )
}

async fn line_page(
    api: &Api,
    web: &Web,
    id: &str,
    (find, added): (String, Option<i64>),
    problem: String,
    status: StatusCode,
) -> Response {
    let reply = api.get(web, &format!("/api/sessions/{id}/queue")).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return super::common::refusal(web, "staff.line", &reply, "/staff");
    }
    let body = &reply.body;
    let matches = if find.trim().is_empty() {
        None
    } else {
        // A refused search (signed out meanwhile) finds nobody; the page says so.
        Some(
            super::desk::find_patients(api, web, &find)
                .await
                .unwrap_or_default(),
        )
    };
    render(
        status,
        &LinePage {
            c: web.chrome(crate::i18n::t(web.lang, "staff.line")),
            id: id.to_owned(),
            when: schedule_when(&body["schedule"], web),
            current: InLine::one(&body["current"], web.lang),
            waiting: InLine::all(&body["waiting"], web.lang),
            problem,
            find,
            matches,
            added,
            live: live_path(id, &body["schedule"]),
        },
    )
}

#[derive(serde::Deserialize, Default)]
pub struct LiveAsked {
    #[serde(default)]
    department: String,
    #[serde(default)]
    date: String,
}

/// The part of a department's day that says whether this session's line changed.
fn line_event(id: &str, day: &Value) -> Value {
    day["sessions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["schedule"]["id"] == id)
        .map(|s| {
            serde_json::json!({"version": s["line_version"], "waiting": s["waiting"],
                "serving": s["now_serving"], "status": s["status"]})
        })
        .unwrap_or_default()
}

/// `GET /staff/sessions/{id}/live?department=&date=`.
pub async fn live(
    State(api): State<Api>,
    web: Web,
    Path(id): Path<String>,
    axum::extract::Query(asked): axum::extract::Query<LiveAsked>,
) -> Response {
    if !web.signed_in() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let path = format!(
        "/api/departments/{}/sessions?date={}",
        crate::web::encoded(&asked.department),
        crate::web::encoded(&asked.date),
    );
    crate::live::follow(api, web, path, move |_, day| line_event(&id, day)).into_response()
}

#[derive(serde::Deserialize, Default)]
pub struct Find {
    #[serde(default)]
    find: String,
    added: Option<i64>,
}

pub async fn line(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Find>,
) -> Response {
    line_page(
        &api,
        &web,
        &id,
        (q.find, q.added),
        String::new(),
        StatusCode::OK,
    )
    .await
}

async fn after(api: &Api, web: &Web, id: &str, reply: crate::api::Reply) -> Response {
    if reply.ok() {
        return Redirect::to(&format!("/staff/sessions/{id}")).into_response();
    }
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let problem = super::common::staff_message(&reply, web.lang);
    line_page(api, web, id, (String::new(), None), problem, reply.status).await
}

/// Call next, recall or pass.
pub async fn act(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
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
    SignedIn(web): SignedIn,
    Path((id, appointment)): Path<(String, String)>,
) -> Response {
    let reply = api.set_status(&web, &appointment, "fulfilled").await;
    after(&api, &web, &id, reply).await
}

#[derive(serde::Deserialize)]
pub struct ExtraForm {
    patient: String,
}

/// 加号: one more place in this session for the patient in front of the doctor.
pub async fn extra(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ExtraForm>,
) -> Response {
    let body = serde_json::json!({"patient": format!("Patient/{}", form.patient)});
    let reply = api
        .post_json(&web, &format!("/api/sessions/{id}/extra"), &body)
        .await;
    let number = crate::fhir::extension_int(&reply.body, QUEUE_NUMBER_EXT);
    match (reply.ok(), number) {
        (true, Some(n)) => Redirect::to(&format!("/staff/sessions/{id}?added={n}")).into_response(),
        _ => after(&api, &web, &id, reply).await,
    }
}
