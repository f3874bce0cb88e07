//! Results (检验检查结果) over HTTP: entry by laboratory and imaging staff (`entry`), import of
//! FHIR transaction Bundles (`import`), `Observation`/`DiagnosticReport` at `/fhir` (`fhir`),
//! the report as patients and doctors read it (`mine`, `views`), critical values 危急值 and
//! their escalation (`critical`), and the one gate to the order a result answers (`gate`).
//! See docs/design/results.md.

pub(crate) mod build;
pub mod critical;
pub(crate) mod entry;
mod fhir;
pub mod gate;
pub mod import;
mod mine;
pub(crate) mod save;
pub mod views;

use std::sync::LazyLock;

use axum::Router;
use axum::routing::{get, post};
use huimin_domain::results::AnalyteTable;

use crate::state::AppState;

pub use gate::{OrderFacts, order_gate};

/// The analyte table shipped with Huimin (`huimin-domain/data/analytes.toml`).
pub static TABLE: LazyLock<AnalyteTable> = LazyLock::new(AnalyteTable::builtin);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/results/{order}",
            get(entry::form).put(entry::save_entry),
        )
        .route("/api/results/reports/{id}", get(mine::show))
        .route("/api/me/results", get(mine::my_results))
        .route("/api/me/staff-messages", get(mine::my_staff_messages))
        .route("/api/critical-values", get(critical::list))
        .route("/api/critical-values/{id}/ack", post(critical::acknowledge))
        .route("/fhir/Observation", get(fhir::search_observations))
        .route("/fhir/Observation/{id}", get(fhir::read_observation))
        .route("/fhir/DiagnosticReport", get(fhir::search_reports))
        .route("/fhir/DiagnosticReport/{id}", get(fhir::read_report))
}
