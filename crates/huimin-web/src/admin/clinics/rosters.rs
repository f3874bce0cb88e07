//! Weekly roster templates (排班模板) of a department's doctors: adding and retiring one, and
//! publishing the sessions they describe over a span of days.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::{Where, number};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fmt;
use crate::patient::forms::{FieldProblems, render};
use crate::staff::common::{Choice, departments, doctors};
use crate::web::{SignedIn, Web};

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
