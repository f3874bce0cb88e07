//! The clinical record over HTTP: printed visit records (`documents`: render, register,
//! audit) and their public check (`verify`: `/api/verify/{code}`), the ICD-10 code table's
//! search and lookup (`icd10`) and the notifiable-disease report cards (`notifiable`).

pub mod documents;
pub mod icd10;
pub mod notifiable;
pub mod pdf;
pub mod sample;
mod verify;

use axum::Router;
use axum::routing::{get, post, put};

use crate::state::AppState;

pub use documents::{IssueRefs, IssuedPdf, issue_visit_pdf, site_base};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/verify/{code}", get(verify::check))
        .route("/api/verify/{code}/file", post(verify::compare_file))
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
