//! Record pages: the doctor's visit page (the outpatient note 门诊病历 written from a
//! template, saved as a draft while typing, signed, amended; allergies; finishing the visit),
//! the patient's pages (the family's visits and each signed note), the public check of a
//! printed record (`/verify`), and for staff the department's notifiable-disease report cards
//! (`reports.rs`): the list with each card's countdown, the card form, and the CSV export;
//! for department heads, the department's break-the-glass reads (`access.rs`).

mod access;
pub(crate) mod doctor;
pub(crate) mod patient;
mod reports;
mod verify;

use axum::Router;
use axum::routing::{get, post};

use crate::api::Api;

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/verify", get(verify::form))
        .route("/verify/{code}", get(verify::show).post(verify::compare))
        .route("/staff/notifiable", get(reports::list))
        .route("/staff/notifiable/export", get(reports::export))
        .route(
            "/staff/notifiable/{id}",
            get(reports::card).post(reports::save),
        )
        .route("/staff/break-glass", get(access::list))
        .route("/staff/visits/{id}", get(doctor::show))
        .route("/staff/visits/{id}/note", post(doctor::save))
        .route("/staff/visits/{id}/sign", post(doctor::sign))
        .route("/staff/visits/{id}/amend", post(doctor::amend))
        .route("/staff/visits/{id}/allergies", post(doctor::add_allergy))
        .route("/staff/visits/{id}/finish", post(doctor::finish))
        .route("/staff/visits/{id}/dx-search", post(doctor::dx_search))
        .route("/staff/visits/{id}/dx-pick", post(doctor::dx_pick))
        .route("/staff/visits/{id}/dx-options", get(doctor::dx_options))
        .route(
            "/staff/appointments/{id}/visit",
            get(doctor::of_appointment),
        )
        .route("/me/records", get(patient::list))
        .route("/me/records/{id}", get(patient::show))
        .route("/me/records/{id}/pdf", get(patient::pdf))
}

/// A section of the note as a page shows it.
pub struct SectionText {
    pub key: &'static str,
    pub label: String,
    pub text: String,
}

/// A diagnosis as a page shows it.
pub struct DiagnosisRow {
    pub code: String,
    pub name: String,
    pub certainty: String,
    pub certainty_label: String,
}

/// An allergy as a page shows it.
pub struct AllergyRow {
    pub substance: String,
    pub reaction: String,
    pub severity: String,
}

/// A version of a signed note.
pub struct VersionRow {
    pub version: i64,
    pub signed_at: String,
    pub reason: String,
    pub changed: String,
    pub sections: Vec<SectionText>,
    pub diagnoses: Vec<DiagnosisRow>,
}

use huimin_domain::i18n::Lang;
use huimin_domain::records::{AllergySeverity, Certainty, Section};
use serde_json::Value;

fn pick(lang: Lang, text: huimin_domain::i18n::Text) -> String {
    match lang {
        Lang::Zh => text.zh,
        Lang::En => text.en,
    }
}

pub fn sections_of(value: &Value, lang: Lang) -> Vec<SectionText> {
    Section::ALL
        .into_iter()
        .map(|s| SectionText {
            key: s.key(),
            label: pick(lang, s.title()),
            text: value[s.key()].as_str().unwrap_or_default().to_owned(),
        })
        .collect()
}

pub fn diagnoses_of(value: &Value, lang: Lang) -> Vec<DiagnosisRow> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let certainty = d["certainty"].as_str().unwrap_or("confirmed").to_owned();
            DiagnosisRow {
                code: d["code"].as_str().unwrap_or_default().to_owned(),
                name: d["name"].as_str().unwrap_or_default().to_owned(),
                certainty_label: Certainty::from_code(&certainty)
                    .map(|c| pick(lang, c.label()))
                    .unwrap_or_default(),
                certainty,
            }
        })
        .collect()
}

pub fn allergies_of(value: &Value, lang: Lang) -> Vec<AllergyRow> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| AllergyRow {
            substance: a["substance"].as_str().unwrap_or_default().to_owned(),
            reaction: a["reaction"].as_str().unwrap_or_default().to_owned(),
            severity: AllergySeverity::from_code(a["severity"].as_str().unwrap_or_default())
                .map(|s| pick(lang, s.label()))
                .unwrap_or_default(),
        })
        .collect()
}

pub fn versions_of(note: &Value, lang: Lang) -> Vec<VersionRow> {
    note["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["signed_at"].is_string())
        .map(|v| VersionRow {
            version: v["version"].as_i64().unwrap_or(0),
            signed_at: crate::fmt::moment(v["signed_at"].as_str().unwrap_or_default(), lang),
            reason: v["reason"].as_str().unwrap_or_default().to_owned(),
            changed: v["changed"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|k| match Section::from_key(k) {
                    Some(s) => pick(lang, s.title()),
                    None => crate::i18n::t(lang, "record.diagnoses").to_owned(),
                })
                .collect::<Vec<_>>()
                .join("、"),
            sections: sections_of(&v["sections"], lang),
            diagnoses: diagnoses_of(&v["diagnoses"], lang),
        })
        .collect()
}
