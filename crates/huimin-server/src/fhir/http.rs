//! HTTP details of the FHIR API: media types, ETags, base URLs, bundles.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_store::StoredResource;
use serde_json::{Value, json};

use super::FHIR_JSON;
use crate::error::ApiError;

pub fn fhir_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
    response
}

/// Headers that describe one stored version.
pub fn version_headers(response: &mut Response, stored: &StoredResource) {
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&format!("W/\"{}\"", stored.version_id)) {
        headers.insert(header::ETAG, etag);
    }
    if let Ok(ts) = jiff::Timestamp::from_microsecond(stored.last_updated_micros) {
        let text = ts.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string();
        if let Ok(v) = HeaderValue::from_str(&text) {
            headers.insert(header::LAST_MODIFIED, v);
        }
    }
}

/// `W/"3"`, `"3"` or `3` → 3.
pub fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    let bare = text.trim_start_matches("W/").trim_matches('"');
    bare.parse().map(Some).map_err(|_| {
        ApiError::bad_request(Text::new(
            format!("If-Match 格式错误：{text}"),
            format!("Malformed If-Match header: {text} (expected W/\"<versionId>\")"),
        ))
    })
}

/// Bodies must be JSON (`application/fhir+json` or `application/json`).
pub fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if media == "application/fhir+json" || media == "application/json" {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not-supported",
            Text::new(
                "请求体须为 application/fhir+json",
                "The body must be application/fhir+json",
            ),
        ))
    }
}

/// A client that accepts only XML gets 406; anything else gets JSON.
pub fn check_accept(headers: &HeaderMap) -> Result<(), ApiError> {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("*/*");
    let acceptable = accept.split(',').any(|part| {
        let media = part.split(';').next().unwrap_or("").trim();
        media.is_empty() || media.contains("json") || media == "*/*" || media == "application/*"
    });
    if acceptable {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "not-supported",
            Text::new("仅支持 JSON 格式", "Only JSON is supported"),
        ))
    }
}

/// `Prefer: return=minimal` asks for headers only.
pub fn prefers_minimal(headers: &HeaderMap) -> bool {
    headers
        .get("prefer")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|p| p.trim() == "return=minimal"))
}

/// The externally visible base of the FHIR API, from the Host header.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    format!("{scheme}://{host}/fhir")
}

pub struct Page<'a> {
    pub base: &'a str,
    pub resource_type: &'a str,
    /// Every parameter of the search but `_count` and `_offset` (modifiers, `_sort`, `_total`
    /// …): a link that dropped one would page through a different result.
    pub filters: &'a [(String, String)],
    pub count: u32,
    pub offset: u32,
    pub total: i64,
}

impl Page<'_> {
    fn url(&self, offset: u32) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.filters {
            query.append_pair(k, v);
        }
        query.append_pair("_count", &self.count.to_string());
        query.append_pair("_offset", &offset.to_string());
        format!("{}/{}?{}", self.base, self.resource_type, query.finish())
    }

    pub fn links(&self) -> Vec<Value> {
        let mut links = vec![json!({"relation": "self", "url": self.url(self.offset)})];
        if self.count == 0 {
            return links;
        }
        let total = u32::try_from(self.total.max(0)).unwrap_or(u32::MAX);
        links.push(json!({"relation": "first", "url": self.url(0)}));
        if self.offset > 0 {
            links.push(json!({"relation": "previous", "url": self.url(self.offset.saturating_sub(self.count))}));
        }
        if self.offset.saturating_add(self.count) < total {
            links.push(json!({"relation": "next", "url": self.url(self.offset + self.count)}));
        }
        let last = if total == 0 {
            0
        } else {
            (total - 1) / self.count * self.count
        };
        links.push(json!({"relation": "last", "url": self.url(last)}));
        links
    }

    pub fn bundle(&self, resources: Vec<(String, Value)>) -> Value {
        self.searchset(resources, Vec::new(), None)
    }

    /// The searchset: the matches, then the resources included beside them (each once, and
    /// none that is already a match), then what lenient handling ignored, if anything.
    pub fn searchset(
        &self,
        matches: Vec<(String, Value)>,
        included: Vec<super::include::Included>,
        outcome: Option<Value>,
    ) -> Value {
        let mut seen = std::collections::BTreeSet::new();
        let mut entries: Vec<Value> = Vec::new();
        for (id, resource) in matches {
            seen.insert((self.resource_type.to_owned(), id.clone()));
            entries.push(json!({
                "fullUrl": format!("{}/{}/{}", self.base, self.resource_type, id),
                "resource": resource,
                "search": {"mode": "match"},
            }));
        }
        for item in included {
            if seen.insert((item.resource_type.clone(), item.id.clone())) {
                entries.push(json!({
                    "fullUrl": format!("{}/{}/{}", self.base, item.resource_type, item.id),
                    "resource": item.resource,
                    "search": {"mode": "include"},
                }));
            }
        }
        entries.extend(outcome);
        let mut bundle = json!({
            "resourceType": "Bundle",
            "type": "searchset",
            "total": self.total,
            "link": self.links(),
        });
        if !entries.is_empty() {
            bundle["entry"] = Value::Array(entries);
        }
        bundle
    }
}

/// Content negotiation for every `/fhir` request, whichever module serves the route:
/// `_format` and `Accept` must allow JSON (406 otherwise), and a request body must be JSON —
/// a JSON Patch for `PATCH`, a form for `_search` (415 otherwise). One layer rather than a
/// check in each handler, so that a new operation cannot forget it.
pub async fn negotiate(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if request.uri().path().starts_with("/fhir")
        && let Err(refusal) = acceptable(&request)
    {
        return refusal.into_response();
    }
    next.run(request).await
}

fn acceptable(request: &axum::extract::Request) -> Result<(), ApiError> {
    let format = request.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "_format")
            .map(|(_, v)| v.into_owned())
    });
    if let Some(format) = format
        && !format.contains("json")
    {
        return Err(ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "not-supported",
            Text::new(
                format!("不支持的 _format：{format}（仅支持 json）"),
                format!("Unsupported _format: {format} (only json)"),
            ),
        ));
    }
    check_accept(request.headers())?;
    let method = request.method();
    let writes = [
        axum::http::Method::POST,
        axum::http::Method::PUT,
        axum::http::Method::PATCH,
    ];
    if !writes.contains(method) || !has_body(request.headers()) {
        return Ok(());
    }
    let media = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let (allowed, expected): (&[&str], &str) = if request.uri().path().ends_with("/_search") {
        (
            &["application/x-www-form-urlencoded"],
            "application/x-www-form-urlencoded",
        )
    } else if method == axum::http::Method::PATCH {
        (
            &["application/json-patch+json", "application/json"],
            "application/json-patch+json",
        )
    } else {
        (
            &["application/fhir+json", "application/json"],
            "application/fhir+json",
        )
    };
    if allowed.contains(&media.as_str()) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "not-supported",
        Text::new(
            format!("请求体须为 {expected}（收到：{}）", shown(&media)),
            format!("The body must be {expected} (got {})", shown(&media)),
        ),
    ))
}

fn shown(media: &str) -> &str {
    if media.is_empty() { "none" } else { media }
}

/// Whether the request announces a body (a non-zero length, or chunks).
fn has_body(headers: &HeaderMap) -> bool {
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    length.is_some_and(|n| n > 0) || headers.contains_key(header::TRANSFER_ENCODING)
}
