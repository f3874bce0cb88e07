//! Mutual recognition of results 结果互认 over HTTP (docs/design/recognition.md): each item's
//! setting for administrators (`settings`), results from other institutions imported as FHIR
//! transaction Bundles (`import`) and served back (`read`), the results offered to the doctor
//! at ordering (`offers`, used by `orders::visit`), and the report of tests avoided
//! (`report`). The rules are `huimin_domain::recognition`.

mod checks;
pub mod import;
pub mod offers;
pub mod ordering;
mod read;
mod report;
mod served;
mod settings;

use axum::Router;
use axum::routing::{get, put};
use huimin_domain::orders::Orderable;
use huimin_domain::recognition::RecognitionSetting;

use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/admin/recognition/items", get(settings::list))
        .route("/api/admin/recognition/items/{code}", put(settings::put))
        .route("/api/admin/recognition/report", get(report::report))
        .route("/api/recognition/results/{id}", get(read::read))
}

/// The settings key of an item's override.
fn setting_key(item: &str) -> String {
    format!("recognition.item.{item}")
}

/// An item's setting: the administrator's override, else the catalogue's default.
pub async fn setting_of(
    state: &AppState,
    item: &Orderable,
) -> Result<RecognitionSetting, ApiError> {
    let stored = state.store.setting(&setting_key(&item.code)).await?;
    Ok(stored
        .as_deref()
        .and_then(RecognitionSetting::decode)
        .unwrap_or(item.recognition))
}
