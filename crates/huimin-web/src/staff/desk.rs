//! The registrar's window (挂号窗口): find a patient by ID number, phone or name, or register
//! a walk-in; either leads to the patient's page ([`super::desk_patient`]).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use huimin_domain::identity::DocumentKind;
use huimin_fhir::{AdministrativeGender, Patient};
use serde::Deserialize;
use serde_json::{Value, json};

use super::common::Coded;
use crate::api::{Api, Reply};
use crate::chrome::Chrome;
use crate::fhir::{first_value, name_text};
use crate::patient::forms::{FieldProblems, render, required};
use crate::web::{SignedIn, Web};

/// How the search box is read: a phone number (in any notation the domain reads), an ID
/// document number, or a name.
pub fn search_path(q: &str) -> String {
    let encoded = crate::web::encoded;
    if let Ok(phone) = huimin_domain::phone::Phone::parse(q) {
        return format!("/fhir/Patient?phone={}&_count=20", encoded(phone.as_str()));
    }
    let compact: String = q
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if compact.chars().any(|c| c.is_ascii_digit()) {
        format!("/fhir/Patient?identifier={}&_count=20", encoded(&compact))
    } else {
        format!("/fhir/Patient?name={}&_count=20", encoded(q.trim()))
    }
}

/// The patients the search box finds, or the API's refusal.
pub async fn find_patients(api: &Api, web: &Web, q: &str) -> Result<Vec<Person>, Reply> {
    let reply = api.get(web, &search_path(q)).await;
    if !reply.ok() {
        return Err(reply);
    }
    Ok(reply
        .entries::<Patient>()
        .iter()
        .map(|p| person(p, web.lang))
        .collect())
}

/// A patient as the desk lists them.
pub struct Person {
    pub id: String,
    pub name: String,
    pub gender: String,
    pub birth: String,
    pub document: String,
    pub phone: String,
}

pub fn person(p: &Patient, lang: Lang) -> Person {
    let gender = match p.gender {
        Some(AdministrativeGender::Male) => crate::i18n::t(lang, "desk.male"),
        Some(AdministrativeGender::Female) => crate::i18n::t(lang, "desk.female"),
        _ => "",
    };
    let document = p
        .identifier
        .iter()
        .find_map(|i| {
            let kind = DocumentKind::from_fhir_system(i.system.as_deref()?)?;
            Some(format!(
                "{} {}",
                kind.label().get(lang),
                i.value.as_deref().unwrap_or_default()
            ))
        })
        .unwrap_or_default();
    Person {
        id: p.id.clone().unwrap_or_default(),
        name: name_text(p).to_owned(),
        gender: gender.to_owned(),
        birth: p.birth_date.clone().unwrap_or_default(),
        document,
        phone: first_value(p.telecom.iter().map(|t| &t.value)),
    }
}

fn kinds(lang: Lang) -> Vec<Coded> {
    DocumentKind::ALL
        .iter()
        .map(|k| Coded::new(k.code(), k.label(), lang))
        .collect()
}

#[derive(Deserialize, Default)]
pub struct WalkIn {
    #[serde(default)]
    name: String,
    #[serde(default)]
    document_type: String,
    #[serde(default)]
    document_number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    birth_date: String,
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    c: Chrome,
    q: String,
    found: Option<Vec<Person>>,
    kinds: Vec<Coded>,
    form: WalkIn,
    problems: FieldProblems,
    search_problem: String,
}

#[derive(Deserialize, Default)]
pub struct Search {
    q: Option<String>,
}

/// The sign-in page, when the visitor has no session or the API no longer takes it.
pub fn signed_out(web: &Web, reply: &Reply) -> Option<Response> {
    (!web.signed_in() || reply.status == StatusCode::UNAUTHORIZED).then(|| web.to_login())
}

/// `GET /desk?q=`.
pub async fn desk(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(search): Query<Search>,
) -> Response {
    let q = search.q.unwrap_or_default().trim().to_owned();
    let (mut found, mut search_problem) = (None, String::new());
    if !q.is_empty() {
        match find_patients(&api, &web, &q).await {
            Ok(people) => found = Some(people),
            Err(reply) => {
                if let Some(away) = signed_out(&web, &reply) {
                    return away;
                }
                search_problem = reply.message();
            }
        }
    }
    let form = WalkIn {
        document_type: DocumentKind::ResidentId.code().into(),
        ..WalkIn::default()
    };
    desk_page(
        &web,
        q,
        found,
        form,
        FieldProblems::default(),
        search_problem,
        StatusCode::OK,
    )
}

fn desk_page(
    web: &Web,
    q: String,
    found: Option<Vec<Person>>,
    form: WalkIn,
    problems: FieldProblems,
    search_problem: String,
    status: StatusCode,
) -> Response {
    render(
        status,
        &DeskPage {
            c: web.chrome(crate::i18n::t(web.lang, "desk.title")),
            q,
            found,
            kinds: kinds(web.lang),
            form,
            problems,
            search_problem,
        },
    )
}

const WALK_IN_FIELDS: &[(&str, &[&str])] = &[
    ("name", &["name"]),
    ("document_number", &["identifier", "document_number"]),
    ("phone", &["telecom"]),
    ("gender", &["gender"]),
    ("birth_date", &["birthDate"]),
];

/// The Patient a walk-in form describes.
fn walk_in_patient(form: &WalkIn) -> Value {
    let system = DocumentKind::from_code(&form.document_type)
        .unwrap_or(DocumentKind::ResidentId)
        .fhir_system();
    let mut patient = json!({
        "resourceType": "Patient",
        "active": true,
        "identifier": [{"system": system, "value": form.document_number.trim()}],
        "name": [crate::fhir::human_name(&form.name)],
    });
    if !form.phone.trim().is_empty() {
        patient["telecom"] =
            json!([{"system": "phone", "value": form.phone.trim(), "use": "mobile"}]);
    }
    if !form.gender.is_empty() {
        patient["gender"] = json!(form.gender);
    }
    if !form.birth_date.trim().is_empty() {
        patient["birthDate"] = json!(form.birth_date.trim());
    }
    patient
}

/// `POST /desk/patients`: registers a walk-in and opens their page.
pub async fn register(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Form(form): Form<WalkIn>,
) -> Response {
    // Real-name booking needs both; the API would accept a Patient without a document.
    let missing = required(
        web.lang,
        &[
            ("name", &form.name),
            ("document_number", &form.document_number),
        ],
    );
    let problems = if missing.is_empty() {
        let reply = api
            .post_json(&web, "/fhir/Patient", &walk_in_patient(&form))
            .await;
        if let Some(away) = signed_out(&web, &reply) {
            return away;
        }
        // The new record's id straight from the answer: once the Patient is created, the
        // registrar must be taken to it, whatever else the answer holds.
        if let (true, Some(id)) = (reply.ok(), reply.body["id"].as_str()) {
            return Redirect::to(&format!("/desk/patients/{id}?done=registered")).into_response();
        }
        reply.problems()
    } else {
        missing
    };
    desk_page(
        &web,
        String::new(),
        None,
        form,
        FieldProblems::sort(problems, WALK_IN_FIELDS),
        String::new(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

#[cfg(test)]
mod tests {
    use super::search_path;

    #[test]
    fn the_search_box_reads_documents_phones_and_names() {
        assert_eq!(
            search_path(" 11010519491231002x "),
            "/fhir/Patient?identifier=11010519491231002x&_count=20"
        );
        assert_eq!(
            search_path("+86 139-1111-0001"),
            "/fhir/Patient?phone=13911110001&_count=20"
        );
        assert_eq!(
            search_path("0086-139 1111 0001"),
            "/fhir/Patient?phone=13911110001&_count=20"
        );
        assert_eq!(
            search_path("12345678"),
            "/fhir/Patient?identifier=12345678&_count=20",
            "a Taiwan travel permit is no phone number"
        );
        assert_eq!(
            search_path("E12345678"),
            "/fhir/Patient?identifier=E12345678&_count=20"
        );
        assert_eq!(
            search_path("王小明"),
            "/fhir/Patient?name=%E7%8E%8B%E5%B0%8F%E6%98%8E&_count=20"
        );
    }
}
