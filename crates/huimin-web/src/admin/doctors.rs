//! A department's doctors for administrators, and adding one: the Practitioner (the person)
//! and their PractitionerRole in the department (title, registration class and fee, room),
//! which is what rosters and sessions are opened for.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::directory::{PractitionerTitle, RegistrationClass};
use huimin_fhir::names::{REGISTRATION_CLASS_EXT, REGISTRATION_FEE_EXT, TITLE_SYSTEM};
use huimin_fhir::{Location, PractitionerRole};
use serde::Deserialize;
use serde_json::json;

use crate::api::{Api, Problem};
use crate::chrome::Chrome;
use crate::fhir::Named;
use crate::patient::directory::{Doctor, doctor_of};
use crate::patient::forms::{FieldProblems, render, required};
use crate::staff::common::{Choice, Coded, departments};
use crate::web::{SignedIn, Web};

#[derive(Deserialize, Default)]
pub struct DoctorForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    fee: String,
    #[serde(default)]
    room: String,
}

#[derive(Template)]
#[template(path = "admin_doctors.html")]
struct DoctorsPage {
    c: Chrome,
    departments: Vec<Choice>,
    department: String,
    doctors: Vec<Doctor>,
    titles: Vec<Coded>,
    classes: Vec<Coded>,
    rooms: Vec<Choice>,
    form: DoctorForm,
    problems: FieldProblems,
    added: bool,
}

#[derive(Deserialize, Default)]
pub struct Which {
    #[serde(default)]
    department: String,
    added: Option<String>,
}

async fn page(
    api: &Api,
    web: &Web,
    which: Which,
    form: DoctorForm,
    problems: FieldProblems,
    status: StatusCode,
) -> Response {
    let (mut doctors, mut rooms) = (Vec::new(), Vec::new());
    if !which.department.is_empty() {
        let roles = api
            .get(
                web,
                &format!(
                    "/fhir/PractitionerRole?organization=Organization/{}&_count=100",
                    which.department
                ),
            )
            .await;
        doctors = roles
            .entries::<PractitionerRole>()
            .iter()
            .map(|role| doctor_of(role, web.lang))
            .collect();
        doctors.sort_by(|a: &Doctor, b: &Doctor| a.name.cmp(&b.name));
        let found = api
            .get(
                web,
                &format!(
                    "/fhir/Location?organization=Organization/{}&_count=100",
                    which.department
                ),
            )
            .await;
        rooms = found
            .entries::<Location>()
            .into_iter()
            .map(|room| Choice {
                name: room.display_name(web.lang),
                id: room.id.unwrap_or_default(),
            })
            .collect();
    }
    render(
        status,
        &DoctorsPage {
            c: web.chrome(crate::i18n::t(web.lang, "admin.doctors")),
            departments: departments(api, web).await,
            department: which.department,
            added: which.added.is_some(),
            doctors,
            titles: PractitionerTitle::ALL
                .iter()
                .map(|t| Coded::new(t.code(), t.label(), web.lang))
                .collect(),
            classes: RegistrationClass::ALL
                .iter()
                .map(|c| Coded::new(c.code(), c.label(), web.lang))
                .collect(),
            rooms,
            form,
            problems,
        },
    )
}

/// `GET /admin/doctors?department=`.
pub async fn list(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(which): Query<Which>,
) -> Response {
    let form = DoctorForm {
        class: "ordinary".into(),
        title: "attending-physician".into(),
        ..DoctorForm::default()
    };
    page(
        &api,
        &web,
        which,
        form,
        FieldProblems::default(),
        StatusCode::OK,
    )
    .await
}

const FIELDS: &[(&str, &[&str])] = &[
    ("name", &["name"]),
    ("title", &["title", "code"]),
    ("class", &["class"]),
    ("fee", &["fee", "valueMoney"]),
    ("room", &["room", "location"]),
];

/// `POST /admin/doctors?department=`: the person and their post in the department, created
/// together by one FHIR transaction (a refusal leaves no half-added doctor behind).
pub async fn add(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(which): Query<Which>,
    Form(form): Form<DoctorForm>,
) -> Response {
    let mut problems = required(web.lang, &[("name", &form.name)]);
    let name = form.name.trim();
    let fee = match form.fee.trim().parse::<f64>() {
        Ok(fee) if fee >= 0.0 && (fee * 100.0).fract() == 0.0 => Some(fee),
        _ => {
            problems.push(Problem {
                field: Some("fee".into()),
                text: crate::i18n::t(web.lang, "admin.fee_format").to_owned(),
            });
            None
        }
    };
    if problems.is_empty() {
        let mut role = json!({"resourceType": "PractitionerRole", "active": true,
            "extension": [
                {"url": REGISTRATION_CLASS_EXT, "valueCode": form.class},
                {"url": REGISTRATION_FEE_EXT, "valueMoney": {"value": fee, "currency": "CNY"}}],
            "practitioner": {"reference": "urn:uuid:doctor", "display": name},
            "organization": {"reference": format!("Organization/{}", which.department)},
            "code": [{"coding": [{"system": TITLE_SYSTEM, "code": form.title}]}]});
        if !form.room.is_empty() {
            role["location"] = json!([{"reference": format!("Location/{}", form.room)}]);
        }
        // One FHIR transaction: a refused post leaves no doctor behind.
        let both = json!({"resourceType": "Bundle", "type": "transaction", "entry": [
            {"fullUrl": "urn:uuid:doctor",
             "resource": {"resourceType": "Practitioner", "active": true,
                          "name": [crate::fhir::human_name(name)]},
             "request": {"method": "POST", "url": "Practitioner"}},
            {"resource": role, "request": {"method": "POST", "url": "PractitionerRole"}},
        ]});
        let added = api.post_json(&web, "/fhir", &both).await;
        if added.status == StatusCode::UNAUTHORIZED {
            return web.to_login();
        }
        if added.ok() {
            let department = crate::web::encoded(&which.department);
            return Redirect::to(&format!("/admin/doctors?department={department}&added=1"))
                .into_response();
        }
        problems = added.problems();
    }
    let problems = FieldProblems::sort(problems, FIELDS);
    page(
        &api,
        &web,
        which,
        form,
        problems,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
