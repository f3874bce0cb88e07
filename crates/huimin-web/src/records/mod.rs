//! Record pages: the public check of a printed record (`/verify`), and for staff the
//! department's notifiable-disease report cards (`reports.rs`): the list with each card's
//! countdown and the overdue ones first in red, the card form, and the CSV export.

mod reports;
mod verify;

use axum::Router;
use axum::routing::get;

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
}
