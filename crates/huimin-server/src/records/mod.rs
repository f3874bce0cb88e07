//! The clinical record over HTTP (B7, B9, B11): the visit (`Encounter`), the signed outpatient
//! note (`Composition` + `Condition`s + `Provenance`), allergies, who may read what, the
//! patient's own record; printed visit records (`documents`: render, register, audit; `print`: a visit's signed
//! note as a PDF) and
//! their public check (`verify`: `/api/verify/{code}`); the ICD-10 code table's search and
//! lookup (`icd10`) and the notifiable-disease report cards (`notifiable`). See
//! docs/design/records.md.

pub mod access;
pub mod codes;
pub mod documents;
mod fhir;
pub mod icd10;
mod mine;
pub mod notifiable;
pub mod pdf;
pub(crate) mod print;
pub mod sample;
pub mod signing;
mod verify;
pub mod views;
pub(crate) mod visits;

use axum::Router;
use axum::routing::{get, post, put};

use crate::state::AppState;

pub use documents::{IssueRefs, IssuedPdf, issue_visit_pdf, site_base};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/verify/{code}", get(verify::check))
        .route("/api/verify/{code}/file", post(verify::compare_file))
        .route("/api/visits/{id}", get(visits::show))
        .route("/api/visits/{id}/pdf", get(print::visit_pdf))
        .route("/api/visits/{id}/note", put(visits::save_draft))
        .route("/api/visits/{id}/note/sign", post(visits::sign))
        .route("/api/visits/{id}/note/amend", post(visits::amend))
        .route("/api/visits/{id}/allergies", post(visits::add_allergy))
        .route("/api/visits/{id}/finish", post(visits::finish))
        .route("/api/me/unsigned-notes", get(visits::my_unsigned))
        .route("/api/me/visits", get(mine::my_visits))
        .route(
            "/api/records/break-glass",
            get(access::department_break_glass),
        )
        .route("/fhir/Encounter", get(fhir::search_encounters))
        .route("/fhir/Encounter/{id}", get(fhir::read_encounter))
        .route("/fhir/Composition/{id}", get(fhir::read_composition))
        .route(
            "/fhir/Composition/{id}/_history",
            get(fhir::history_composition),
        )
        .route(
            "/fhir/Composition/{id}/_history/{version}",
            get(fhir::vread_composition),
        )
        .route("/fhir/Condition/{id}", get(fhir::read_condition))
        .route("/fhir/Provenance/{id}", get(fhir::read_provenance))
        .route("/fhir/AllergyIntolerance/{id}", get(fhir::read_allergy))
        .route("/fhir/Patient/{id}/$everything", get(fhir::everything))
        .route("/api/icd10", get(icd10::search))
        .route("/api/icd10/{code}", get(icd10::lookup))
        .route("/api/admin/icd10", put(icd10::import))
        .route(
            "/api/notifiable-reports",
            get(notifiable::list).post(notifiable::open),
        )
        .route(
            "/api/notifiable-reports/export",
            get(notifiable::export::export),
        )
        .route(
            "/api/notifiable-reports/{id}",
            get(notifiable::read).put(notifiable::save),
        )
        .route(
            "/api/notifiable-reports/{id}/submit",
            post(notifiable::submit),
        )
}
