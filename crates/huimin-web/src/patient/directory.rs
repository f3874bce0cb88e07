//! The hospital home (departments by category, with search), a department's doctors, and a
//! doctor's sessions for the booking window with places left and release times.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::directory::{DepartmentCode, PractitionerTitle, RegistrationClass};
use huimin_domain::i18n::Lang;
use serde::Deserialize;
use serde_json::Value;

use super::forms::{ok, render};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fmt;
use crate::web::Web;

use crate::fhir::{
    REGISTRATION_CLASS_EXT as CLASS_EXT, REGISTRATION_FEE_EXT as FEE_EXT,
    RELEASE_AT_EXT as RELEASE_EXT, SLOT_REMAINING_EXT as REMAINING_EXT, extension, extension_int,
    id_of,
};

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
    categories: Vec<Category>,
}

#[derive(Deserialize, Default)]
pub struct Search {
    q: Option<String>,
}

/// A department's or room's name in the visitor's language: the English one is the alias
/// written in ASCII (aliases also hold Chinese short names such as 惠民一院).
pub fn display_name(resource: &Value, lang: Lang) -> String {
    let zh = resource["name"].as_str().unwrap_or_default();
    let en = resource["alias"]
        .as_array()
        .and_then(|a| a.iter().filter_map(Value::as_str).find(|s| s.is_ascii()))
        .unwrap_or("");
    crate::i18n::pick(lang, zh, en).to_owned()
}

/// Departments grouped by the national catalogue: specialties under their discipline
/// (呼吸内科 under 内科), single-discipline departments together.
pub async fn home(State(api): State<Api>, web: Web, Query(search): Query<Search>) -> Response {
    let reply = api.get(&web, "/fhir/Organization?_count=100").await;
    let q = search.q.unwrap_or_default().trim().to_lowercase();
    let mut categories: Vec<Category> = Vec::new();
    let other = crate::i18n::t(web.lang, "home.other").to_owned();
    for entry in reply.body["entry"].as_array().into_iter().flatten() {
        let org = &entry["resource"];
        let is_department = org["type"][0]["coding"][0]["code"] == "dept";
        let Some(code) = org["identifier"][0]["value"]
            .as_str()
            .and_then(|c| DepartmentCode::parse(c).ok())
        else {
            continue;
        };
        if !is_department {
            continue;
        }
        let names = format!(
            "{} {}",
            org["name"].as_str().unwrap_or_default(),
            org["alias"]
        )
        .to_lowercase();
        if !q.is_empty() && !names.contains(&q) {
            continue;
        }
        let category = code
            .parent()
            .map(|p| p.catalog_name().get(web.lang).to_owned())
            .unwrap_or_else(|| other.clone());
        let department = Department {
            id: org["id"].as_str().unwrap_or_default().to_owned(),
            name: display_name(org, web.lang),
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
pub fn doctor_of(role: &Value, lang: Lang) -> Doctor {
    let title_code = role["code"][0]["coding"][0]["code"]
        .as_str()
        .unwrap_or_default();
    let title = PractitionerTitle::from_code(title_code)
        .map(|t| t.label().get(lang).to_owned())
        .unwrap_or_default();
    let class = extension(role, CLASS_EXT)
        .and_then(|e| e["valueCode"].as_str())
        .and_then(RegistrationClass::from_code)
        .map(|c| c.label().get(lang).to_owned())
        .unwrap_or_default();
    let fee = extension(role, FEE_EXT)
        .and_then(|e| e["valueMoney"]["value"].as_f64())
        .map(fmt::yuan)
        .unwrap_or_default();
    let specialties = role["specialty"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|s| s["coding"][0]["system"] == "urn:huimin:cs:specialty")
                .filter_map(|s| s["coding"][0]["display"].as_str())
                .collect::<Vec<_>>()
                .join("、")
        })
        .unwrap_or_default();
    Doctor {
        role_id: role["id"].as_str().unwrap_or_default().to_owned(),
        name: role["practitioner"]["display"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        title,
        class,
        fee,
        specialties,
        next_free: String::new(),
    }
}

#[derive(Template)]
#[template(path = "department.html")]
struct DepartmentPage {
    c: Chrome,
    name: String,
    doctors: Vec<Doctor>,
}

pub async fn department(State(api): State<Api>, web: Web, Path(id): Path<String>) -> Response {
    let org = api.get(&web, &format!("/fhir/Organization/{id}")).await;
    if !org.ok() {
        return not_found(&web);
    }
    let roles = api
        .get(
            &web,
            &format!("/fhir/PractitionerRole?organization=Organization/{id}&_count=50"),
        )
        .await;
    let mut doctors = Vec::new();
    for entry in roles.body["entry"].as_array().into_iter().flatten() {
        let mut doctor = doctor_of(&entry["resource"], web.lang);
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
        c: web.chrome(display_name(&org.body, web.lang)),
        name: display_name(&org.body, web.lang),
        doctors,
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
    /// A slot of the session, to reach its booking page (and from there the waitlist).
    pub first_slot: String,
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

fn period_name(code: &str, lang: Lang) -> String {
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
    if !role.ok() {
        return not_found(&web);
    }
    let doctor = doctor_of(&role.body, web.lang);
    let department_id = id_of(&role.body["organization"], "Organization").unwrap_or_default();
    let department = role.body["organization"]["display"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
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
            let slot = &entry["resource"];
            let schedule = id_of(&slot["schedule"], "Schedule").unwrap_or_default();
            let start = slot["start"].as_str().unwrap_or_default();
            let remaining = extension_int(slot, REMAINING_EXT).unwrap_or(0);
            let row = SlotRow {
                id: slot["id"].as_str().unwrap_or_default().to_owned(),
                time: format!(
                    "{}–{}",
                    fmt::local(start)
                        .map(|t| t.strftime("%H:%M").to_string())
                        .unwrap_or_default(),
                    fmt::local(slot["end"].as_str().unwrap_or_default())
                        .map(|t| t.strftime("%H:%M").to_string())
                        .unwrap_or_default()
                ),
                remaining,
            };
            if let Some(session) = sessions.iter_mut().find(|s| s.schedule == schedule) {
                session.remaining += remaining;
                session.slots.push(row);
                continue;
            }
            let release = extension(slot, RELEASE_EXT)
                .and_then(|e| e["valueDateTime"].as_str())
                .unwrap_or_default();
            let opens = match release.parse::<jiff::Timestamp>() {
                Ok(at) if at > now => fmt::moment(release, web.lang),
                _ => String::new(),
            };
            sessions.push(Session {
                schedule,
                day: fmt::local(start)
                    .map(|t| fmt::day(t.date(), web.lang))
                    .unwrap_or_default(),
                period: period_name(
                    slot["serviceType"][0]["coding"][0]["code"]
                        .as_str()
                        .unwrap_or_default(),
                    web.lang,
                ),
                remaining,
                opens,
                first_slot: row.id.clone(),
                slots: vec![row],
            });
        }
        if entries.len() < 100 {
            break;
        }
    }
    ok(&DoctorPage {
        c: web.chrome(doctor.name.clone()),
        doctor,
        department,
        department_id,
        sessions,
    })
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
