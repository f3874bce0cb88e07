//! Static assets compiled into the binary.

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::api::Api;

const APP_CSS: &str = include_str!("../static/app.css");

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/static/app.css", get(css))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        APP_CSS,
    )
}
