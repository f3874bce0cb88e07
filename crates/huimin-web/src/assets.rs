//! Static assets compiled into the binary.

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::api::Api;

const APP_CSS: &str = include_str!("../static/app.css");
const LIVE_JS: &str = include_str!("../static/live.js");
const COUNTDOWN_JS: &str = include_str!("../static/countdown.js");
const RECORD_JS: &str = include_str!("../static/record.js");

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/static/app.css", get(css))
        .route("/static/live.js", get(|| script(LIVE_JS)))
        .route("/static/countdown.js", get(|| script(COUNTDOWN_JS)))
        .route("/static/record.js", get(|| script(RECORD_JS)))
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

async fn script(text: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        text,
    )
}
