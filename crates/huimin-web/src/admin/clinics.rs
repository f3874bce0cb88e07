//! Clinic sessions and roster templates for administrators: a department's sessions of a day
//! with stop-clinic (停诊, optionally moving the patients to another session), opening a
//! session, weekly roster templates (排班模板) and publishing sessions from them.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::{Api, Problem};
use crate::chrome::Chrome;
use crate::fmt;
use crate::patient::forms::{FieldProblems, render};
use crate::staff::common::{Choice, departments, doctors};
use crate::web::{SignedIn, Web};

#[derive(Deserialize, Default, Clone)]
pub struct Where {
    #[serde(default)]
    department: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    done: String,
}

impl Where {
    fn date(&self) -> String {
        fmt::date_or_today(&self.date).to_string()
    }

    fn query(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("department", &self.department);
        q.append_pair("date", &self.date());
        q.finish()
    }
}

pub struct SessionRow {
    pub id: String,
    pub doctor: String,
    pub room: String,
    pub when: String,
    pub active: bool,
    pub booked: i64,
}

/// The fields of the open-a-session form, kept when it comes back with problems.
#[derive(Deserialize, Default)]
pub struct OpenForm {
    #[serde(default)]
    practitioner_role: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    slot_minutes: String,
}

#[derive(Template)]
#[template(path = "admin_sessions.html")]
struct SessionsPage {
    c: Chrome,
    departments: Vec<Choice>,
    department: String,
    date: String,
    sessions: Vec<SessionRow>,
    doctors: Vec<Choice>,
    form: OpenForm,
    problems: FieldProblems,
    notice: String,
}

impl SessionsPage {
    pub fn others(&self, id: &str) -> Vec<&SessionRow> {
        self.sessions
            .iter()
            .filter(|s| s.active && s.id != id)
            .collect()
    }
}

async fn sessions_page(
    api: &Api,
    web: &Web,
    at: Where,
    form: OpenForm,
    problems: FieldProblems,
    status: StatusCode,
) -> Response {
    let date = at.date();
    let mut sessions = Vec::new();
    if !at.department.is_empty() {
        let day = api
            .get(
                web,
                &format!("/api/departments/{}/sessions?date={date}", at.department),
            )
            .await;
        if day.status == StatusCode::UNAUTHORIZED {
            return web.to_login();
        }
        for s in day.body["sessions"].as_array().into_iter().flatten() {
            let horizon = &s["schedule"]["planningHorizon"];
            sessions.push(SessionRow {
                id: s["schedule"]["id"].as_str().unwrap_or_default().to_owned(),
                doctor: s["doctor"].as_str().unwrap_or_default().to_owned(),
                room: crate::i18n::pick(
                    web.lang,
                    s["room"]["zh"].as_str().unwrap_or_default(),
                    s["room"]["en"].as_str().unwrap_or_default(),
                )
                .to_owned(),
                when: fmt::window(
                    horizon["start"].as_str().unwrap_or_default(),
                    horizon["end"].as_str().unwrap_or_default(),
                    web.lang,
                ),
                active: s["status"] == "active",
                booked: s["expected"].as_i64().unwrap_or(0) + s["waiting"].as_i64().unwrap_or(0),
            });
        }
    }
    let notice = match at.done.as_str() {
        "" => String::new(),
        done => crate::i18n::t(web.lang, &format!("admin.done.{done}")).to_owned(),
    };
    render(
        status,
        &SessionsPage {
            c: web.chrome(crate::i18n::t(web.lang, "admin.sessions")),
            departments: departments(api, web).await,
            doctors: doctors(api, web, &at.department).await,
            department: at.department,
            date,
            sessions,
            form,
            problems,
            notice,
        },
    )
}

/// `GET /admin/sessions?department=&date=`.
pub async fn sessions(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(at): Query<Where>,
) -> Response {
    let form = OpenForm {
        period: "morning".into(),
        ..OpenForm::default()
    };
    sessions_page(
        &api,
        &web,
        at,
        form,
        FieldProblems::default(),
        StatusCode::OK,
    )
    .await
}

const OPEN_FIELDS: &[(&str, &[&str])] = &[
    ("practitioner_role", &["practitioner_role"]),
    ("date", &["date"]),
    ("period", &["period"]),
    ("start", &["start"]),
    ("end", &["end"]),
    ("capacity", &["capacity"]),
    ("slot_minutes", &["slot_minutes"]),
];

/// A whole number typed in a form, or the problem with it.
fn number(field: &str, text: &str, web: &Web, problems: &mut Vec<Problem>) -> Option<Value> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<u32>() {
        Ok(n) => Some(Value::from(n)),
        Err(_) => {
            problems.push(Problem {
                field: Some(field.to_owned()),
                text: crate::i18n::t(web.lang, "admin.whole_number").to_owned(),
            });
            None
        }
    }
}

/// `POST /admin/sessions?department=&date=`: opens a session.
pub async fn open(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(at): Query<Where>,
    Form(form): Form<OpenForm>,
) -> Response {
    let mut problems = Vec::new();
    let mut body = json!({"practitioner_role": form.practitioner_role, "date": at.date(), "period": form.period});
    for (name, text) in [("start", &form.start), ("end", &form.end)] {
        if !text.trim().is_empty() {
            body[name] = json!(text.trim());
        }
    }
    // A missing capacity goes to the API as 0, which it names.
    body["capacity"] = number("capacity", &form.capacity, &web, &mut problems).unwrap_or(json!(0));
    if let Some(minutes) = number("slot_minutes", &form.slot_minutes, &web, &mut problems) {
        body["slot_minutes"] = minutes;
    }
    if problems.is_empty() {
        let reply = api.post_json(&web, "/api/admin/sessions", &body).await;
        if reply.status == StatusCode::UNAUTHORIZED {
            return web.to_login();
        }
        if reply.ok() {
            return Redirect::to(&format!("/admin/sessions?{}&done=opened", at.query()))
                .into_response();
        }
        problems = reply.problems();
    }
    let problems = FieldProblems::sort(problems, OPEN_FIELDS);
    sessions_page(
        &api,
        &web,
        at,
        form,
        problems,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct StopForm {
    #[serde(default)]
    move_to: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /admin/sessions/{id}/suspend?department=&date=`: stop-clinic, after a confirmation.
pub async fn suspend(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Query(at): Query<Where>,
    Form(form): Form<StopForm>,
) -> Response {
    if form.confirm != "yes" {
        let problems =
            FieldProblems::general_only(crate::i18n::t(web.lang, "admin.confirm_stop").to_owned());
        return sessions_page(
            &api,
            &web,
            at,
            OpenForm::default(),
            problems,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let body = if form.move_to.is_empty() {
        json!({})
    } else {
        json!({"move_to": form.move_to})
    };
    let reply = api
        .post_json(&web, &format!("/api/admin/sessions/{id}/suspend"), &body)
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        return Redirect::to(&format!("/admin/sessions?{}&done=suspended", at.query()))
            .into_response();
    }
    let problems = FieldProblems::general_only(reply.message());
    sessions_page(&api, &web, at, OpenForm::default(), problems, reply.status).await
}

pub struct RosterRow {
    pub id: String,
    pub doctor: String,
    pub weekday: String,
    pub hours: String,
    pub capacity: i64,
    pub slot_minutes: i64,
}

#[derive(Deserialize, Default)]
pub struct RosterForm {
    #[serde(default)]
    practitioner_role: String,
    #[serde(default)]
    weekday: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    slot_minutes: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Template)]
#[template(path = "admin_rosters.html")]
struct RostersPage {
    c: Chrome,
    departments: Vec<Choice>,
    department: String,
    rosters: Vec<RosterRow>,
    doctors: Vec<Choice>,
    weekdays: Vec<(String, String)>,
    form: RosterForm,
    problems: FieldProblems,
    notice: String,
}

fn weekday_name(n: i64, lang: huimin_domain::i18n::Lang) -> String {
    crate::i18n::t(lang, &format!("admin.weekday.{n}")).to_owned()
}

async fn rosters_page(
    api: &Api,
    web: &Web,
    at: Where,
    form: RosterForm,
    problems: FieldProblems,
    notice: String,
    status: StatusCode,
) -> Response {
    let doctors = doctors(api, web, &at.department).await;
    let mut rosters = Vec::new();
    if !doctors.is_empty() {
        // One list for the hospital, sorted out by doctor here.
        let listed = api.get(web, "/api/admin/rosters").await;
        if listed.status == StatusCode::UNAUTHORIZED {
            return web.to_login();
        }
        if !listed.ok() {
            return crate::staff::common::refusal(web, "admin.rosters", &listed, "/admin");
        }
        let all = listed.body["rosters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for doctor in &doctors {
            for r in all
                .iter()
                .filter(|r| r["practitioner_role"] == doctor.id.as_str())
            {
                rosters.push(RosterRow {
                    id: r["id"].as_str().unwrap_or_default().to_owned(),
                    doctor: doctor.name.clone(),
                    weekday: weekday_name(r["weekday"].as_i64().unwrap_or(0), web.lang),
                    hours: format!(
                        "{}–{}",
                        r["start"].as_str().unwrap_or_default(),
                        r["end"].as_str().unwrap_or_default()
                    ),
                    capacity: r["capacity"].as_i64().unwrap_or(0),
                    slot_minutes: r["slot_minutes"].as_i64().unwrap_or(0),
                });
            }
        }
    }
    render(
        status,
        &RostersPage {
            c: web.chrome(crate::i18n::t(web.lang, "admin.rosters")),
            departments: departments(api, web).await,
            department: at.department,
            rosters,
            doctors,
            weekdays: (1..=7)
                .map(|n| (n.to_string(), weekday_name(n, web.lang)))
                .collect(),
            form,
            problems,
            notice,
        },
    )
}

/// `GET /admin/rosters?department=`.
pub async fn rosters(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(at): Query<Where>,
) -> Response {
    let notice = match at.done.as_str() {
        "" => String::new(),
        done => crate::i18n::t(web.lang, &format!("admin.done.{done}")).to_owned(),
    };
    let today = fmt::today();
    let form = RosterForm {
        period: "morning".into(),
        weekday: "1".into(),
        from: today.tomorrow().map(|d| d.to_string()).unwrap_or_default(),
        to: today.saturating_add(jiff::Span::new().days(14)).to_string(),
        ..RosterForm::default()
    };
    rosters_page(
        &api,
        &web,
        at,
        form,
        FieldProblems::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

const ROSTER_FIELDS: &[(&str, &[&str])] = &[
    ("practitioner_role", &["practitioner_role"]),
    ("weekday", &["weekday"]),
    ("period", &["period"]),
    ("capacity", &["capacity"]),
    ("slot_minutes", &["slot_minutes"]),
    ("from", &["from"]),
    ("to", &["to"]),
];

/// `POST /admin/rosters/{add|generate}?department=`.
pub async fn roster_action(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(action): Path<String>,
    Query(at): Query<Where>,
    Form(form): Form<RosterForm>,
) -> Response {
    let mut problems = Vec::new();
    let (path, body) = match action.as_str() {
        "add" => {
            let mut body = json!({"practitioner_role": form.practitioner_role, "period": form.period,
                "weekday": form.weekday.parse::<u8>().unwrap_or(0)});
            body["capacity"] =
                number("capacity", &form.capacity, &web, &mut problems).unwrap_or(json!(0));
            if let Some(minutes) = number("slot_minutes", &form.slot_minutes, &web, &mut problems) {
                body["slot_minutes"] = minutes;
            }
            ("/api/admin/rosters", body)
        }
        "generate" => (
            "/api/admin/rosters/generate",
            json!({"from": form.from, "to": form.to}),
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut notice = String::new();
    if problems.is_empty() {
        let reply = api.post_json(&web, path, &body).await;
        if reply.status == StatusCode::UNAUTHORIZED {
            return web.to_login();
        }
        if reply.ok() && action == "add" {
            let department = crate::web::encoded(&at.department);
            return Redirect::to(&format!(
                "/admin/rosters?department={department}&done=roster-added"
            ))
            .into_response();
        }
        if reply.ok() {
            notice = crate::i18n::t(web.lang, "admin.done.generated")
                .replace("{created}", &reply.body["created"].to_string())
                .replace("{skipped}", &reply.body["skipped"].to_string());
        } else {
            problems = reply.problems();
        }
    }
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let problems = FieldProblems::sort(problems, ROSTER_FIELDS);
    rosters_page(&api, &web, at, form, problems, notice, status).await
}

/// `POST /admin/rosters/{id}/retire?department=`.
pub async fn retire(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Query(at): Query<Where>,
) -> Response {
    let reply = api
        .call(
            &web,
            Method::DELETE,
            &format!("/api/admin/rosters/{id}"),
            None,
        )
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(&web, "admin.rosters", &reply, "/admin/rosters");
    }
    let department = crate::web::encoded(&at.department);
    Redirect::to(&format!(
        "/admin/rosters?department={department}&done=roster-retired"
    ))
    .into_response()
}
