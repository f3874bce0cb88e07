//! Every request's latency by method, route template and status.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

/// Records `huimin_http_request_duration_seconds{method, route, status}`: the time to the
/// answer's head (a live stream's body is not waited for). `route` is the matched template
/// (`/fhir/Patient/{id}`), `unmatched` for paths no route serves: never the path itself,
/// whose ids would make a series per patient.
pub async fn measure(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = match request.extensions().get::<MatchedPath>() {
        Some(matched) => matched.as_str().to_owned(),
        None => "unmatched".to_owned(),
    };
    let response = next.run(request).await;
    metrics::histogram!(
        "huimin_http_request_duration_seconds",
        "method" => method,
        "route" => route,
        "status" => status_label(response.status().as_u16()),
    )
    .record(started.elapsed());
    response
}

/// The standard methods by name; anything else as `other` (a client picks the method).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The status as its three digits, without allocating for the usual ones.
fn status_label(status: u16) -> std::borrow::Cow<'static, str> {
    match status {
        200 => "200".into(),
        201 => "201".into(),
        204 => "204".into(),
        303 => "303".into(),
        304 => "304".into(),
        400 => "400".into(),
        401 => "401".into(),
        403 => "403".into(),
        404 => "404".into(),
        409 => "409".into(),
        422 => "422".into(),
        429 => "429".into(),
        500 => "500".into(),
        503 => "503".into(),
        other => other.to_string().into(),
    }
}
