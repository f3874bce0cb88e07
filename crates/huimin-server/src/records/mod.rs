//! The clinical record over HTTP: printed visit records (`documents`: render, register,
//! audit) and their public check (`verify`: `/api/verify/{code}`).

pub mod documents;
pub mod pdf;
pub mod sample;
mod verify;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub use documents::{IssueRefs, IssuedPdf, issue_visit_pdf, site_base};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/verify/{code}", get(verify::check))
        .route("/api/verify/{code}/file", post(verify::compare_file))
}
