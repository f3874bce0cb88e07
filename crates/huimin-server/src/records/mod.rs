//! The clinical record over HTTP: the ICD-10 code table's search and lookup (`icd10.rs`)
//! and the notifiable-disease report cards (`notifiable.rs`).

pub mod icd10;
pub mod notifiable;

use axum::Router;
use axum::routing::{get, post, put};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
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
