//! Editing a department's names: its Chinese name, its English name (the translation English
//! pages show) and the other names the directory search finds it by. Its national code stays:
//! it says what the department is.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_fhir::names::DEPARTMENT_CODE_SYSTEM;
use huimin_fhir::{Organization, PrimitiveExtension};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::{Api, Reply};
use crate::chrome::Chrome;
use crate::fhir::{Named, identifier_value};
use crate::patient::directory::not_found;
use crate::patient::forms::{FieldProblems, render, required};
use crate::web::{SignedIn, Web};

#[derive(Deserialize, Default)]
pub struct NamesForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    english: String,
    /// Other names, one per line or separated by commas (、，,).
    #[serde(default)]
    aliases: String,
}

#[derive(Template)]
#[template(path = "admin_department_names.html")]
struct DepartmentPage {
    c: Chrome,
    id: String,
    code: String,
    form: NamesForm,
    problems: FieldProblems,
}

/// `_name` (the English name) first: it contains `name`.
const FIELDS: &[(&str, &[&str])] = &[
    ("english", &["_name"]),
    ("name", &["name"]),
    ("aliases", &["alias"]),
];

/// The English name as a FHIR translation of `name`, or nothing when left blank (the API then
/// gives the national code's English name).
pub fn english_json(english: &str) -> Option<Value> {
    let english = english.trim();
    (!english.is_empty()).then(|| {
        serde_json::to_value(PrimitiveExtension::translation("en", english)).unwrap_or_default()
    })
}

fn split_aliases(text: &str) -> Vec<String> {
    let mut aliases: Vec<String> = text
        .split(['\n', ',', '，', '、', ';', '；'])
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    aliases.dedup();
    aliases
}

async fn read(api: &Api, web: &Web, id: &str) -> Reply {
    api.get(web, &format!("/fhir/Organization/{id}")).await
}

fn page(web: &Web, id: String, org: &Value, form: NamesForm, problems: FieldProblems) -> Response {
    let status = if problems.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let code = serde_json::from_value::<Organization>(org.clone())
        .ok()
        .and_then(|o| identifier_value(&o.identifier, DEPARTMENT_CODE_SYSTEM).map(str::to_owned))
        .unwrap_or_default();
    render(
        status,
        &DepartmentPage {
            c: web.chrome(form.name.clone()),
            id,
            code,
            form,
            problems,
        },
    )
}

/// `GET /admin/departments/{id}/names`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let reply = read(&api, &web, &id).await;
    let Some(org) = reply.resource::<Organization>().filter(|_| reply.ok()) else {
        return not_found(&web);
    };
    let form = NamesForm {
        name: org.name().to_owned(),
        english: org.english().unwrap_or_default().to_owned(),
        aliases: org.alias.join("、"),
    };
    page(&web, id, &reply.body, form, FieldProblems::default())
}

/// `POST /admin/departments/{id}/names`: the names, written over the version just read.
pub async fn save(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<NamesForm>,
) -> Response {
    let reply = read(&api, &web, &id).await;
    if !reply.ok() {
        return not_found(&web);
    }
    let mut org = reply.body.clone();
    let mut problems = required(web.lang, &[("name", &form.name)]);
    if problems.is_empty() {
        org["name"] = json!(form.name.trim());
        let object = org.as_object_mut().expect("a resource is an object");
        match english_json(&form.english) {
            Some(english) => object.insert("_name".into(), english),
            None => object.remove("_name"),
        };
        match split_aliases(&form.aliases) {
            aliases if aliases.is_empty() => object.remove("alias"),
            aliases => object.insert("alias".into(), json!(aliases)),
        };
        let version = org["meta"]["versionId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let body = Some(("application/fhir+json", org.to_string()));
        let path = format!("/fhir/Organization/{id}");
        let if_match = format!("W/\"{version}\"");
        let saved = api
            .call_with(&web, Method::PUT, &path, body, &[("if-match", &if_match)])
            .await;
        if saved.status == StatusCode::UNAUTHORIZED {
            return web.to_login();
        }
        if saved.ok() {
            return Redirect::to("/admin/departments?saved=1").into_response();
        }
        problems = saved.problems();
    }
    let problems = FieldProblems::sort(problems, FIELDS);
    page(&web, id, &reply.body, form, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_names_split_on_commas_and_lines() {
        assert_eq!(
            split_aliases("心内、心内科\n 心脏科 ,,"),
            ["心内", "心内科", "心脏科"]
        );
        assert!(split_aliases(" ， ").is_empty());
    }

    #[test]
    fn a_blank_english_name_is_left_to_the_api() {
        assert!(english_json("  ").is_none());
        assert_eq!(
            english_json(" Cardiology ").unwrap()["extension"][0]["extension"][1]["valueString"],
            "Cardiology"
        );
    }
}
