//! What several staff pages share: the hospital's departments for a picker, the message page
//! for an API refusal.

use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::directory::DepartmentCode;

use crate::api::{Api, Reply};
use crate::patient::directory::{MessagePage, display_name};
use crate::patient::forms::render;
use crate::web::Web;

pub struct Choice {
    pub id: String,
    pub name: String,
}

/// The clinical departments (those with a national department code), by name.
pub async fn departments(api: &Api, web: &Web) -> Vec<Choice> {
    let reply = api.get(web, "/fhir/Organization?_count=100").await;
    let mut all: Vec<Choice> = reply.body["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["resource"])
        .filter(|org| {
            org["type"][0]["coding"][0]["code"] == "dept"
                && org["identifier"][0]["value"]
                    .as_str()
                    .is_some_and(|c| DepartmentCode::parse(c).is_ok())
        })
        .map(|org| Choice {
            id: org["id"].as_str().unwrap_or_default().to_owned(),
            name: display_name(org, web.lang),
        })
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

/// A page saying what the API refused, with a way back.
pub fn refusal(web: &Web, title_key: &str, reply: &Reply, back: &str) -> Response {
    let status = if reply.status.is_success() {
        StatusCode::OK
    } else {
        reply.status
    };
    render(
        status,
        &MessagePage {
            c: web.chrome(crate::i18n::t(web.lang, title_key)),
            heading: crate::i18n::t(web.lang, title_key).to_owned(),
            text: reply.message(),
            back: back.to_owned(),
        },
    )
}

/// A department's doctors (their PractitionerRoles), by name.
pub async fn doctors(api: &Api, web: &Web, department: &str) -> Vec<Choice> {
    if department.is_empty() {
        return Vec::new();
    }
    let reply = api
        .get(
            web,
            &format!("/fhir/PractitionerRole?organization=Organization/{department}&_count=100"),
        )
        .await;
    let mut all: Vec<Choice> = reply.body["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["resource"])
        .map(|role| Choice {
            id: role["id"].as_str().unwrap_or_default().to_owned(),
            name: role["practitioner"]["display"]
                .as_str()
                .or(role["id"].as_str())
                .unwrap_or_default()
                .to_owned(),
        })
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}
