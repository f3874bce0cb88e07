//! Errors that the framework answers on its own — a query string that does not parse, a
//! method the route lacks (405), a body over the limit (413), a request that took too long
//! (408), a wrong content type (415) — come as plain text or with no body at all. Every
//! answer of the API is an `OperationOutcome` in the caller's language, so this outermost
//! layer rewrites those, keeping their status and headers (`Allow`, `Retry-After`).

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;

use crate::error::ApiError;
use crate::localise::{lang_of, written_in};

/// The longest framework message kept as the detail (they are one line).
const MAX_DETAIL: usize = 2048;

pub async fn outcome_for_bare_errors(request: Request, next: Next) -> Response {
    let lang = lang_of(request.uri(), request.headers());
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || !is_bare(response.headers()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let detail = axum::body::to_bytes(body, MAX_DETAIL)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let mut outcome = error_for(status, &detail).into_response();
    *outcome.status_mut() = status;
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            outcome.headers_mut().insert(name.clone(), value.clone());
        }
    }
    written_in(outcome, lang)
}

/// An answer the API did not write: no content type, or plain text.
fn is_bare(headers: &HeaderMap) -> bool {
    match headers.get(header::CONTENT_TYPE) {
        None => true,
        Some(value) => value
            .to_str()
            .map(|v| v.starts_with("text/plain"))
            .unwrap_or(true),
    }
}

fn error_for(status: StatusCode, detail: &str) -> ApiError {
    let (code, text) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "not-supported",
            Text::new(
                "此地址不支持该请求方法（见 Allow 头）",
                "This address does not accept that method (see the Allow header)",
            ),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "too-costly",
            Text::new("请求体过大", "The request body is too large"),
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            Text::new(
                "请求处理超时，请稍后再试",
                "The request took too long; please try again",
            ),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "not-supported",
            Text::new(
                format!("不支持的内容类型：{detail}"),
                format!("Unsupported content type: {detail}"),
            ),
        ),
        _ if status.is_server_error() => return ApiError::internal_with_status(status),
        _ => (
            "invalid",
            Text::new(
                format!("请求无法解析：{detail}"),
                format!("The request could not be parsed: {detail}"),
            ),
        ),
    };
    ApiError::new(status, code, text)
}
