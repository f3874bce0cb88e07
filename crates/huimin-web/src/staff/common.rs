//! What several staff pages share: the hospital's departments for a picker, the message page
//! for an API refusal.

use axum::http::StatusCode;
use axum::response::Response;
use huimin_fhir::{Organization, PractitionerRole};

use crate::api::{Api, Reply};
use crate::fhir::{Named, is_department};
use crate::patient::directory::{MessagePage, doctor_name};
use crate::patient::forms::render;
use crate::web::Web;

/// A coded value for a `<select>`: its code and its label in the page's language.
pub struct Coded {
    pub code: &'static str,
    pub label: String,
}

impl Coded {
    pub fn new(
        code: &'static str,
        label: huimin_domain::i18n::Text,
        lang: huimin_domain::i18n::Lang,
    ) -> Self {
        Coded {
            code,
            label: label.get(lang).to_owned(),
        }
    }
}

pub struct Choice {
    pub id: String,
    pub name: String,
}

/// The clinical departments (those with a national department code), by name.
pub async fn departments(api: &Api, web: &Web) -> Vec<Choice> {
    let reply = api.get(web, "/fhir/Organization?_count=100").await;
    let mut all: Vec<Choice> = reply
        .entries::<Organization>()
        .into_iter()
        .filter(is_department)
        .map(|org| Choice {
            name: org.display_name(web.lang),
            id: org.id.unwrap_or_default(),
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

/// Booking rules whose API texts speak to the patient ("您已预约…"): staff read their own
/// words, about the patient (`staff.refusal.<rule_code>`).
const STAFF_WORDED: [&str; 9] = [
    "quota-session",
    "quota-week",
    "quota-month",
    "quota-quarter",
    "banned",
    "identity-not-verified",
    "hold-open",
    "check-in-unpaid",
    "check-in-not-on-site",
];

/// What the API refused, as staff should read it: in their own words for the rules written
/// to patients, else the API's text.
pub fn staff_message(reply: &Reply, lang: huimin_domain::i18n::Lang) -> String {
    match reply.rule_code() {
        Some(code) if STAFF_WORDED.contains(&code.as_str()) => {
            crate::i18n::t(lang, &format!("staff.refusal.{code}")).to_owned()
        }
        _ => reply.message(),
    }
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
    let mut all: Vec<Choice> = reply
        .entries::<PractitionerRole>()
        .into_iter()
        .map(|role| {
            let id = role.id.clone().unwrap_or_default();
            let name = match doctor_name(&role) {
                "" => id.clone(),
                name => name.to_owned(),
            };
            Choice { id, name }
        })
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

/// A patient in a session's line, from the API's queue (`GET /api/sessions/{id}/queue`).
pub struct InLine {
    pub appointment: String,
    pub number: i64,
    pub name: String,
    pub priority: bool,
    /// Why they are called ahead (老年人, 残疾人, 军人, 其他), or empty.
    pub group: String,
    pub passes: i64,
    /// Sex and age as staff read them: `女 · 76岁`; empty parts left out.
    pub about: String,
}

/// `女 · 76岁` from a line entry's `gender` and `age`.
fn sex_and_age(entry: &serde_json::Value, lang: huimin_domain::i18n::Lang) -> String {
    let sex = match entry["gender"].as_str() {
        Some("male") => crate::i18n::t(lang, "desk.male"),
        Some("female") => crate::i18n::t(lang, "desk.female"),
        _ => "",
    };
    let age = entry["age"]
        .as_i64()
        .map(|n| crate::i18n::t(lang, "staff.age").replace("{n}", &n.to_string()))
        .unwrap_or_default();
    [sex, age.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

impl InLine {
    pub fn of(entry: &serde_json::Value, lang: huimin_domain::i18n::Lang) -> Self {
        use huimin_domain::appointments::PriorityGroup;
        InLine {
            appointment: entry["appointment"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches("Appointment/")
                .to_owned(),
            number: entry["number"].as_i64().unwrap_or(0),
            name: entry["name"].as_str().unwrap_or_default().to_owned(),
            priority: entry["priority"].as_bool().unwrap_or(false),
            group: entry["priority_group"]
                .as_str()
                .and_then(PriorityGroup::from_code)
                .map(|g| g.label().get(lang).to_owned())
                .unwrap_or_default(),
            passes: entry["passes"].as_i64().unwrap_or(0),
            about: sex_and_age(entry, lang),
        }
    }

    /// The called-in patient (`null` → none) or a list of them.
    pub fn one(entry: &serde_json::Value, lang: huimin_domain::i18n::Lang) -> Option<Self> {
        (!entry.is_null()).then(|| Self::of(entry, lang))
    }

    pub fn all(list: &serde_json::Value, lang: huimin_domain::i18n::Lang) -> Vec<Self> {
        list.as_array()
            .into_iter()
            .flatten()
            .map(|e| Self::of(e, lang))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use huimin_domain::i18n::Lang;

    /// Each rule staff read in their own words has those words, in both languages.
    #[test]
    fn every_staff_worded_rule_has_its_text() {
        for code in super::STAFF_WORDED {
            for lang in [Lang::Zh, Lang::En] {
                let text = crate::i18n::t(lang, &format!("staff.refusal.{code}"));
                assert_ne!(text, "…", "{code}");
                assert!(
                    !text.contains('您') && !text.contains("your"),
                    "{code}: {text}"
                );
            }
        }
    }
}
