//! The hospital home (departments by category, with search), a department's doctors, and a
//! doctor's sessions for the booking window with places left and release times.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::directory::{PractitionerTitle, RegistrationClass};
use huimin_domain::i18n::Lang;
use huimin_fhir::names::{
    REGISTRATION_CLASS_EXT, REGISTRATION_FEE_EXT, RELEASE_AT_EXT, SLOT_REMAINING_EXT,
    SPECIALTY_SYSTEM, TITLE_SYSTEM,
};
use huimin_fhir::{Organization, PractitionerRole};
use serde::Deserialize;
use serde_json::Value;

use super::forms::{ok, render};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fhir::{
    Named, code_in, concept_text, department_code, extension, extension_int, id_of, is_department,
    referenced_id, typed_extension,
};
use crate::fmt;
use crate::web::Web;

pub struct Department {
    pub id: String,
    pub name: String,
}

pub struct Category {
    pub name: String,
    pub departments: Vec<Department>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    q: String,
    /// What is wrong with the query (none here: the search page says it).
    problem: String,
    categories: Vec<Category>,
}

#[derive(Deserialize, Default)]
pub struct Search {
    q: Option<String>,
}

/// Departments grouped by the national catalogue: specialties under their discipline
/// (呼吸内科 under 内科), single-discipline departments together.
/// With a query, what the directory search finds instead (`search.rs`).
pub async fn home(State(api): State<Api>, web: Web, Query(search): Query<Search>) -> Response {
    let q = search.q.unwrap_or_default().trim().to_owned();
    if !q.is_empty() {
        return super::search::results(&api, &web, &q).await;
    }
    let reply = api.get(&web, "/fhir/Organization?_count=100").await;
    let profiles = super::profiles::Profiles::read(&api, &web).await;
    let mut categories: Vec<Category> = Vec::new();
    let other = crate::i18n::t(web.lang, "home.other").to_owned();
    for org in reply.entries::<Organization>() {
        let Some(code) = department_code(&org).filter(|_| is_department(&org)) else {
            continue;
        };
        // Laboratory and imaging work on doctors' orders: not clinics to choose from.
        if !profiles.is_listed(org.id.as_deref().unwrap_or_default()) {
            continue;
        }
        let category = code
            .parent()
            .map(|p| p.catalog_name().get(web.lang).to_owned())
            .unwrap_or_else(|| other.clone());
        let department = Department {
            name: org.display_name(web.lang),
            id: org.id.unwrap_or_default(),
        };
        match categories.iter_mut().find(|c| c.name == category) {
            Some(c) => c.departments.push(department),
            None => categories.push(Category {
                name: category,
                departments: vec![department],
            }),
        }
    }
    // Disciplines first, in catalogue order of their first department; the rest last.
    categories.sort_by_key(|c| c.name == other);
    for c in &mut categories {
        c.departments.sort_by(|a, b| a.name.cmp(&b.name));
    }
    ok(&HomePage {
        c: web.chrome(crate::i18n::t(web.lang, "home.title")),
        q,
        problem: String::new(),
        categories,
    })
}

pub struct Doctor {
    pub role_id: String,
    pub name: String,
    pub title: String,
    pub class: String,
    pub fee: String,
    pub specialties: String,
    pub next_free: String,
}

impl Doctor {
    /// The first character of the name, on the photo placeholder.
    pub fn initial(&self) -> String {
        self.name
            .chars()
            .next()
            .map(String::from)
            .unwrap_or_default()
    }
}

/// A doctor's post (PractitionerRole) as the pages show it.
pub fn doctor_of(role: &PractitionerRole, lang: Lang) -> Doctor {
    let title = code_in(&role.code, TITLE_SYSTEM)
        .and_then(PractitionerTitle::from_code)
        .map(|t| t.label().get(lang).to_owned())
        .unwrap_or_default();
    let class = typed_extension(&role.extension, REGISTRATION_CLASS_EXT)
        .and_then(|e| e.value_code.as_deref())
        .and_then(RegistrationClass::from_code)
        .map(|c| c.label().get(lang).to_owned())
        .unwrap_or_default();
    let fee = typed_extension(&role.extension, REGISTRATION_FEE_EXT)
        .and_then(|e| e.value_money.as_ref()?.value.as_ref().map(|v| v.to_f64()))
        .map(fmt::yuan)
        .unwrap_or_default();
    let specialties = role
        .specialty
        .iter()
        .filter(|s| s.coding.first().and_then(|c| c.system.as_deref()) == Some(SPECIALTY_SYSTEM))
        .map(|s| concept_text(s, lang))
        .collect::<Vec<_>>()
        .join(crate::i18n::pick(lang, "、", ", "));
    Doctor {
        role_id: role.id.clone().unwrap_or_default(),
        name: doctor_name(role).to_owned(),
        title,
        class,
        fee,
        specialties,
        next_free: String::new(),
    }
}

/// The doctor's name, as the API writes it in the post's reference to them.
pub fn doctor_name(role: &PractitionerRole) -> &str {
    role.practitioner
        .as_ref()
        .and_then(|p| p.display.as_deref())
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "department.html")]
struct DepartmentPage {
    c: Chrome,
    name: String,
    doctors: Vec<Doctor>,
    about: super::profiles::About,
}

pub async fn department(State(api): State<Api>, web: Web, Path(id): Path<String>) -> Response {
    let org = api.get(&web, &format!("/fhir/Organization/{id}")).await;
    let Some(org) = org.resource::<Organization>().filter(|_| org.ok()) else {
        return not_found(&web);
    };
    let phone = org.telecom.iter().find_map(|t| t.value.clone());
    let about = super::profiles::about(&api, &web, &id, phone.unwrap_or_default()).await;
    let roles = api
        .get(
            &web,
            &format!("/fhir/PractitionerRole?organization=Organization/{id}&_count=50"),
        )
        .await;
    let mut doctors = Vec::new();
    // The emergency department is not booked: its page says where to go instead.
    let roles = if about.emergency {
        Vec::new()
    } else {
        roles.entries::<PractitionerRole>()
    };
    for role in roles {
        let mut doctor = doctor_of(&role, web.lang);
        let next = api
            .get(
                &web,
                &format!(
                    "/fhir/Appointment/$find?practitioner={}&_count=1&_total=none",
                    doctor.role_id
                ),
            )
            .await;
        if let Some(start) = next.body["entry"][0]["resource"]["start"].as_str() {
            doctor.next_free = fmt::moment(start, web.lang);
        }
        doctors.push(doctor);
    }
    ok(&DepartmentPage {
        c: web.chrome(org.display_name(web.lang)),
        name: org.display_name(web.lang),
        doctors,
        about,
    })
}

pub struct SlotRow {
    pub id: String,
    pub time: String,
    pub remaining: i64,
}

pub struct Session {
    pub schedule: String,
    pub day: String,
    pub period: String,
    pub remaining: i64,
    /// When booking opens, if that is still ahead.
    pub opens: String,
    pub slots: Vec<SlotRow>,
}

#[derive(Template)]
#[template(path = "doctor.html")]
struct DoctorPage {
    c: Chrome,
    doctor: Doctor,
    department: String,
    department_id: String,
    sessions: Vec<Session>,
}

pub fn period_name(code: &str, lang: Lang) -> String {
    huimin_domain::appointments::Period::from_code(code)
        .map(|p| match lang {
            Lang::Zh => p.zh().to_owned(),
            Lang::En => p.en().to_owned(),
        })
        .unwrap_or_default()
}

/// The doctor's sessions from today to the end of the booking window, grouped from the
/// slots `$find` lists (those not yet released included).
pub async fn doctor(State(api): State<Api>, web: Web, Path(id): Path<String>) -> Response {
    let role = api.get(&web, &format!("/fhir/PractitionerRole/{id}")).await;
    let Some(role) = role.resource::<PractitionerRole>().filter(|_| role.ok()) else {
        return not_found(&web);
    };
    let doctor = doctor_of(&role, web.lang);
    let department_id = referenced_id(role.organization.as_ref(), "Organization");
    let department = match &department_id {
        Some(id) => crate::names::department_name(&api, &web, id).await,
        None => String::new(),
    };
    let now = crate::fmt::now();
    let mut sessions: Vec<Session> = Vec::new();
    for page in 0..4 {
        let found = api
            .get(
                &web,
                &format!(
                    "/fhir/Appointment/$find?practitioner={id}&available=false&_total=none&_count=100&_offset={}",
                    page * 100
                ),
            )
            .await;
        let entries = found.body["entry"].as_array().cloned().unwrap_or_default();
        for entry in &entries {
            add_slot(&mut sessions, &entry["resource"], now, web.lang);
        }
        if entries.len() < 100 {
            break;
        }
    }
    ok(&DoctorPage {
        c: web.chrome(doctor.name.clone()),
        doctor,
        department,
        department_id: department_id.unwrap_or_default(),
        sessions,
    })
}

/// `HH:MM` of an instant from the API on the hospital's clock.
fn clock(instant: &str) -> String {
    fmt::local(instant)
        .map(|t| t.strftime("%H:%M").to_string())
        .unwrap_or_default()
}

/// Adds a slot (JSON: `huimin-fhir` has no Slot type) to its session, the first slot of a
/// session opening it.
fn add_slot(sessions: &mut Vec<Session>, slot: &Value, now: jiff::Timestamp, lang: Lang) {
    let schedule = id_of(&slot["schedule"], "Schedule").unwrap_or_default();
    let start = slot["start"].as_str().unwrap_or_default();
    let remaining = extension_int(slot, SLOT_REMAINING_EXT).unwrap_or(0);
    let row = SlotRow {
        id: slot["id"].as_str().unwrap_or_default().to_owned(),
        time: format!(
            "{}–{}",
            clock(start),
            clock(slot["end"].as_str().unwrap_or_default())
        ),
        remaining,
    };
    if let Some(session) = sessions.iter_mut().find(|s| s.schedule == schedule) {
        session.remaining += remaining;
        session.slots.push(row);
        return;
    }
    let release = extension(slot, RELEASE_AT_EXT)
        .and_then(|e| e["valueDateTime"].as_str())
        .unwrap_or_default();
    let opens = match release.parse::<jiff::Timestamp>() {
        Ok(at) if at > now => fmt::moment(release, lang),
        _ => String::new(),
    };
    sessions.push(Session {
        schedule,
        day: fmt::local(start)
            .map(|t| fmt::day(t.date(), lang))
            .unwrap_or_default(),
        period: period_name(
            slot["serviceType"][0]["coding"][0]["code"]
                .as_str()
                .unwrap_or_default(),
            lang,
        ),
        remaining,
        opens,
        slots: vec![row],
    });
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub c: Chrome,
    pub heading: String,
    pub text: String,
    pub back: String,
}

pub fn not_found(web: &Web) -> Response {
    render(
        StatusCode::NOT_FOUND,
        &MessagePage {
            c: web.chrome(crate::i18n::t(web.lang, "error.not_found")),
            heading: crate::i18n::t(web.lang, "error.not_found").to_owned(),
            text: crate::i18n::t(web.lang, "error.not_found_text").to_owned(),
            back: "/".into(),
        },
    )
}
