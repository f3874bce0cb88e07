//! The hospital directory beyond FHIR's own searches: finding departments and doctors by what
//! a patient types (`search.rs`: Chinese, aliases, pinyin), and departments' names in both
//! languages (`names.rs`). The resources themselves are served under `/fhir`
//! (`fhir/directory.rs`).

mod names;
mod search;

pub(crate) use names::{check_english, fill_english};
pub use names::{department_english, department_text};

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/directory/search", get(search::search))
}
