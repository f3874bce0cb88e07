//! The FHIR R4 REST API at `/fhir`.

mod access;
mod audit_event;
mod batch;
pub mod capability;
pub mod conditional;
pub mod controls;
pub mod dates;
mod directory;
pub(crate) mod family;
pub(crate) mod filters;
mod handlers;
pub(crate) mod http;
pub mod include;
pub mod index;
pub mod kinds;
pub mod narrative;
pub mod operations;
pub(crate) mod params;
pub mod patient;
pub mod scheduling;
pub(crate) mod search;
mod spec;
pub mod summary;
mod transaction;

pub use http::{base_url, fhir_response};

use axum::Router;
use axum::routing::{get, post};

use huimin_store::{Store, StoreError};

use crate::state::AppState;

pub use crate::error::FHIR_JSON;
pub use http::negotiate;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fhir", post(transaction::transaction))
        .route("/fhir/metadata", get(capability::metadata))
        .route("/fhir/OperationDefinition/{id}", get(operations::read))
        .route("/fhir/AuditEvent", get(audit_event::search))
        .route("/fhir/AuditEvent/{id}", get(audit_event::read))
        .route(
            "/fhir/{resource_type}",
            get(search::search)
                .post(handlers::create)
                .put(handlers::conditional_update),
        )
        .route("/fhir/{resource_type}/_search", post(search::search_post))
        .route(
            "/fhir/{resource_type}/{id}",
            get(handlers::read).put(handlers::update),
        )
        .route(
            "/fhir/{resource_type}/{id}/_history/{version}",
            get(handlers::vread),
        )
}

/// The setting that records which form of the search index the stored tokens have.
const INDEX_FORM_KEY: &str = "search_index_form";
/// Raise when `KindSpec::index` adds or changes tokens (2: `system|` tokens of identifiers
/// and codings, strings as written for `:exact`): every stored resource is then reindexed at
/// the next start.
const INDEX_FORM: &str = "2";

/// Brings the search tokens of every served type to the current form; runs at startup.
pub async fn refresh_search_index(store: &Store) -> Result<(), StoreError> {
    if store.setting(INDEX_FORM_KEY).await?.as_deref() == Some(INDEX_FORM) {
        return Ok(());
    }
    for kind in kinds::all() {
        let done = store
            .reindex_resources(kind.name, |content| kind.index(content).0)
            .await?;
        tracing::info!(resource_type = kind.name, done, "search index rebuilt");
    }
    store.put_setting(INDEX_FORM_KEY, INDEX_FORM).await
}
