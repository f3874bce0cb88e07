//! The home page's search (`/?q=`): departments and doctors as the directory search API
//! (`/api/directory/search`) finds and ranks them — by name, alias (心内), pinyin (xnk) or a
//! doctor's specialty — and, when nothing matches, a way on.

use askama::Template;
use axum::response::Response;
use huimin_domain::i18n::Lang;
use huimin_fhir::{Organization, PractitionerRole};
use serde_json::Value;

use super::directory::{Doctor, doctor_of};
use super::forms::{ok, render};
use crate::api::{Api, typed};
use crate::chrome::Chrome;
use crate::fhir::Named;
use crate::i18n::t;
use crate::web::{Web, encoded};

pub struct FoundDepartment {
    pub id: String,
    pub name: String,
    /// The other name it was found by (心内 for 心血管内科), or empty.
    pub also: String,
}

pub struct FoundDoctor {
    pub doctor: Doctor,
    pub department: String,
}

/// What to say when nothing matched.
pub struct Nothing {
    pub heading: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    q: String,
    problem: String,
    departments: Vec<FoundDepartment>,
    doctors: Vec<FoundDoctor>,
    nothing: Option<Nothing>,
}

/// The results for `q` (not blank).
pub async fn results(api: &Api, web: &Web, q: &str) -> Response {
    let reply = api
        .get(web, &format!("/api/directory/search?q={}", encoded(q)))
        .await;
    let mut page = SearchPage {
        c: web.chrome(t(web.lang, "search.title")),
        q: q.to_owned(),
        problem: String::new(),
        departments: Vec::new(),
        doctors: Vec::new(),
        nothing: None,
    };
    if !reply.ok() {
        page.problem = reply.message();
        return render(reply.status, &page);
    }
    page.departments = list(&reply.body["departments"], |found| {
        department(found, web.lang)
    });
    page.doctors = list(&reply.body["doctors"], |found| doctor(found, web.lang));
    if page.departments.is_empty() && page.doctors.is_empty() {
        page.nothing = Some(nothing_found(web.lang, q));
    }
    ok(&page)
}

fn list<T>(found: &Value, read: impl Fn(&Value) -> Option<T>) -> Vec<T> {
    found
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(read)
        .collect()
}

fn department(found: &Value, lang: Lang) -> Option<FoundDepartment> {
    let org = typed::<Organization>(&found["resource"])?;
    let name = org.display_name(lang);
    let matched = &found["match"];
    let text = matched["text"].as_str().unwrap_or_default();
    // Say the other name only when it is what was typed, not a reading of the name itself.
    let how = matched["how"].as_str().unwrap_or_default();
    let by_alias = matched["field"] == "alias" && !how.starts_with("pinyin");
    Some(FoundDepartment {
        id: org.id.clone().unwrap_or_default(),
        also: if by_alias && text != name {
            text.to_owned()
        } else {
            String::new()
        },
        name,
    })
}

fn doctor(found: &Value, lang: Lang) -> Option<FoundDoctor> {
    let role = typed::<PractitionerRole>(&found["resource"])?;
    let department = typed::<Organization>(&found["department"])
        .map(|org| org.display_name(lang))
        .unwrap_or_default();
    Some(FoundDoctor {
        doctor: doctor_of(&role, lang),
        department,
    })
}

/// Nothing matched `q`: say so, and point to the department list and the triage desk. Symptom
/// words (头痛, 咳嗽) land here: this is where the triage service takes them over once it
/// exists, instead of the pages guessing a department.
fn nothing_found(lang: Lang, q: &str) -> Nothing {
    Nothing {
        heading: t(lang, "search.nothing").replace("{q}", q),
        text: t(lang, "search.nothing_next").to_owned(),
    }
}
