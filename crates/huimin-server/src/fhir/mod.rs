//! The FHIR R4 REST API at `/fhir`.

mod access;
mod audit_event;
pub mod capability;
mod directory;
pub(crate) mod family;
mod handlers;
pub(crate) mod http;
pub mod index;
pub mod kinds;
mod params;
pub mod patient;
mod search;
mod spec;
mod transaction;

pub use http::{base_url, fhir_response};

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub use crate::error::FHIR_JSON;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fhir", post(transaction::transaction))
        .route("/fhir/metadata", get(capability::metadata))
        .route("/fhir/AuditEvent", get(audit_event::search))
        .route("/fhir/AuditEvent/{id}", get(audit_event::read))
        .route(
            "/fhir/{resource_type}",
            get(search::search).post(handlers::create),
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
