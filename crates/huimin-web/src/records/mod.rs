//! Record pages: the public check of a printed record (`/verify`).

mod verify;

use axum::Router;
use axum::routing::get;

use crate::api::Api;

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/verify", get(verify::form))
        .route("/verify/{code}", get(verify::show).post(verify::compare))
}
