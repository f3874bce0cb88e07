//! Static assets compiled into the binary. They hold nothing personal, so they are the only
//! answers a browser may cache (everything else is `no-store`): for an hour, then revalidated
//! by their `ETag` (a hash of the content, so a new release's asset is never mistaken for
//! the old one).

use std::sync::LazyLock;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::api::Api;

const APP_CSS: &str = include_str!("../static/app.css");
const LIVE_JS: &str = include_str!("../static/live.js");
const COUNTDOWN_JS: &str = include_str!("../static/countdown.js");
const PRINT_JS: &str = include_str!("../static/print.js");
const RECORD_JS: &str = include_str!("../static/record.js");
const PAY_JS: &str = include_str!("../static/pay.js");

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// One asset: its text, media type and entity tag.
struct Asset {
    text: &'static str,
    media_type: &'static str,
    etag: HeaderValue,
}

impl Asset {
    fn new(text: &'static str, media_type: &'static str) -> Self {
        Self {
            text,
            media_type,
            etag: etag_of(text),
        }
    }
}

/// A strong entity tag from the content (FNV-1a, 64 bits: no collisions to fear among a
/// handful of files and their versions, and no hashing crate needed).
fn etag_of(text: &str) -> HeaderValue {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    HeaderValue::from_str(&format!("\"{hash:016x}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

static ASSETS: LazyLock<[Asset; 6]> = LazyLock::new(|| {
    [
        Asset::new(APP_CSS, CSS),
        Asset::new(LIVE_JS, JS),
        Asset::new(COUNTDOWN_JS, JS),
        Asset::new(PRINT_JS, JS),
        Asset::new(RECORD_JS, JS),
        Asset::new(PAY_JS, JS),
    ]
});

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/static/app.css", get(|h: HeaderMap| serve(0, h)))
        .route("/static/live.js", get(|h: HeaderMap| serve(1, h)))
        .route("/static/countdown.js", get(|h: HeaderMap| serve(2, h)))
        .route("/static/print.js", get(|h: HeaderMap| serve(3, h)))
        .route("/static/record.js", get(|h: HeaderMap| serve(4, h)))
        .route("/static/pay.js", get(|h: HeaderMap| serve(5, h)))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}

async fn serve(index: usize, request: HeaderMap) -> Response {
    let asset = &ASSETS[index];
    let headers = [
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        ),
        (header::ETAG, asset.etag.clone()),
    ];
    let unchanged = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == asset.etag || tag.trim() == "*");
    if unchanged {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (
        headers,
        [(header::CONTENT_TYPE, asset.media_type)],
        asset.text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_asset_changed_by_one_byte_has_another_entity_tag() {
        assert_ne!(etag_of("a { color: red }"), etag_of("a { color: rea }"));
        assert_eq!(etag_of(APP_CSS), ASSETS[0].etag);
    }
}
