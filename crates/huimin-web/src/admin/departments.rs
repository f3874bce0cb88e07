//! The hospital's clinical departments for administrators: the list with their national
//! department codes (诊疗科目), and adding one under the hospital.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_fhir::Organization;
use huimin_fhir::names::DEPARTMENT_CODE_SYSTEM;
use serde::Deserialize;
use serde_json::json;

use crate::api::Api;
use crate::chrome::Chrome;
use crate::fhir::{Named, department_code, first_code, identifier_value};
use crate::patient::forms::{FieldProblems, render, required};
use crate::web::{SignedIn, Web};

pub struct Row {
    pub id: String,
    pub name: String,
    pub code: String,
    pub catalogue: String,
    /// Its kind and whom it sees, as one line (`门诊（可预约）· 仅接诊 14 岁以下患者`).
    pub profile: String,
}

#[derive(Deserialize, Default)]
pub struct DepartmentForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    english: String,
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "admin_departments.html")]
struct DepartmentsPage {
    c: Chrome,
    departments: Vec<Row>,
    form: DepartmentForm,
    problems: FieldProblems,
    added: bool,
    saved: bool,
}

#[derive(Deserialize, Default)]
pub struct Added {
    added: Option<String>,
    saved: Option<String>,
}

/// The hospital (the organisation of type `prov`) and its departments.
async fn directory(api: &Api, web: &Web) -> (Option<String>, Vec<Row>) {
    let reply = api.get(web, "/fhir/Organization?_count=100").await;
    let profiles = api.get(web, "/api/departments").await;
    let mut hospital = None;
    let mut rows = Vec::new();
    for org in reply.entries::<Organization>() {
        let id = org.id.clone().unwrap_or_default();
        match first_code(&org.r#type) {
            Some("prov") if hospital.is_none() => hospital = Some(id),
            Some("dept") => {
                let code = identifier_value(&org.identifier, DEPARTMENT_CODE_SYSTEM)
                    .unwrap_or_default()
                    .to_owned();
                rows.push(Row {
                    profile: profile_line(&profiles.body, &id, web.lang),
                    catalogue: department_code(&org)
                        .map(|c| c.catalog_name().get(web.lang).to_owned())
                        .unwrap_or_default(),
                    name: org.display_name(web.lang),
                    code,
                    id,
                });
            }
            _ => {}
        }
    }
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    (hospital, rows)
}

/// A department's kind and limits from `/api/departments`, as one line.
fn profile_line(listed: &serde_json::Value, id: &str, lang: huimin_domain::i18n::Lang) -> String {
    let wanted = format!("Organization/{id}");
    let Some(found) = listed["departments"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["department"] == wanted.as_str())
    else {
        return String::new();
    };
    let limits = found["eligibility"]["text"]
        .as_str()
        .unwrap_or(crate::i18n::t(lang, "profile.open"));
    let kind = found["kindText"].as_str().unwrap_or_default();
    if found["kind"] == "clinic" {
        format!("{kind} · {limits}")
    } else {
        kind.to_owned()
    }
}

fn page(
    web: &Web,
    departments: Vec<Row>,
    form: DepartmentForm,
    problems: FieldProblems,
    ((added, saved), status): ((bool, bool), StatusCode),
) -> Response {
    render(
        status,
        &DepartmentsPage {
            c: web.chrome(crate::i18n::t(web.lang, "admin.departments")),
            departments,
            form,
            problems,
            added,
            saved,
        },
    )
}

/// `GET /admin/departments`.
pub async fn list(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(q): Query<Added>,
) -> Response {
    let (_, departments) = directory(&api, &web).await;
    let (form, problems) = (DepartmentForm::default(), FieldProblems::default());
    page(
        &web,
        departments,
        form,
        problems,
        ((q.added.is_some(), q.saved.is_some()), StatusCode::OK),
    )
}

/// `_name` (the English name) first: it contains `name`.
const FIELDS: &[(&str, &[&str])] = &[
    ("english", &["_name"]),
    ("name", &["name"]),
    ("code", &["identifier", "code"]),
];

/// `POST /admin/departments`: a department under the hospital, checked against the national
/// catalogue by the API.
pub async fn add(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Form(form): Form<DepartmentForm>,
) -> Response {
    let (hospital, departments) = directory(&api, &web).await;
    let mut problems = required(web.lang, &[("name", &form.name), ("code", &form.code)]);
    if problems.is_empty() {
        let mut org = json!({"resourceType": "Organization", "active": true, "name": form.name.trim(),
            "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "dept", "display": "Hospital Department"}]}],
            "identifier": [{"system": DEPARTMENT_CODE_SYSTEM, "value": form.code.trim()}]});
        if let Some(english) = super::department_edit::english_json(&form.english) {
            org["_name"] = english;
        }
        if let Some(hospital) = hospital {
            org["partOf"] = json!({"reference": format!("Organization/{hospital}")});
        }
        let reply = api.post_json(&web, "/fhir/Organization", &org).await;
        if reply.status == StatusCode::UNAUTHORIZED {
            return web.to_login();
        }
        if reply.ok() {
            return Redirect::to("/admin/departments?added=1").into_response();
        }
        problems = reply.problems();
    }
    let problems = FieldProblems::sort(problems, FIELDS);
    let refused = ((false, false), StatusCode::UNPROCESSABLE_ENTITY);
    page(&web, departments, form, problems, refused)
}
