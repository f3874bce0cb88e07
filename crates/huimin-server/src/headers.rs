//! Security headers and caching, on every answer (pages, API, FHIR, errors alike): a strict
//! Content Security Policy, no framing, no MIME sniffing, no referrer to other sites, no
//! powerful browser features, and `Cache-Control: no-store` on everything but the static
//! assets — answers carry identifiers and health data that no shared or browser cache may
//! keep. HSTS is the TLS proxy's to send (or this server's, by a setting).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// What pages may load: only this origin's scripts, styles and images (inline SVG and
/// `data:` images too), nothing inline, no plugins, no framing by any site.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; \
     form-action 'self'; object-src 'none'";

/// Browser features no page uses.
pub const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

/// Paths whose answers may be cached: versioned by their `ETag`, they hold nothing personal.
pub fn is_cacheable(path: &str) -> bool {
    path.starts_with("/static/") || path == "/favicon.ico"
}

/// The headers every answer gets (built once).
#[derive(Clone)]
pub struct SecurityHeaders(Arc<Vec<(HeaderName, HeaderValue)>>);

impl SecurityHeaders {
    /// With `Strict-Transport-Security: max-age=<hsts>` when `hsts` (seconds) is given.
    pub fn new(hsts: Option<u64>) -> Self {
        let mut headers = vec![
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            // Not `no-referrer`: with it, browsers send `Origin: null` on a same-origin form
            // post, which the pages' cross-site check must then refuse.
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            ),
            (
                HeaderName::from_static("permissions-policy"),
                HeaderValue::from_static(PERMISSIONS_POLICY),
            ),
        ];
        if let Some(seconds) = hsts {
            headers.push((
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_str(&format!("max-age={seconds}"))
                    .unwrap_or_else(|_| HeaderValue::from_static("max-age=31536000")),
            ));
        }
        Self(Arc::new(headers))
    }
}

/// The layer: adds the security headers, and `no-store` unless the path is cacheable.
pub async fn secure(
    State(headers): State<SecurityHeaders>,
    request: Request,
    next: Next,
) -> Response {
    let cacheable = is_cacheable(request.uri().path());
    let mut response = next.run(request).await;
    let answer = response.headers_mut();
    for (name, value) in headers.0.iter() {
        answer.insert(name.clone(), value.clone());
    }
    if !cacheable {
        answer.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_static_assets_are_cacheable() {
        assert!(is_cacheable("/static/app.css"));
        assert!(!is_cacheable("/api/appointments"));
        assert!(!is_cacheable("/fhir/Patient/1"));
        assert!(!is_cacheable("/staticky"));
    }

    #[test]
    fn hsts_is_sent_only_when_configured() {
        let off = SecurityHeaders::new(None);
        assert!(
            !off.0
                .iter()
                .any(|(n, _)| n == header::STRICT_TRANSPORT_SECURITY)
        );
        let on = SecurityHeaders::new(Some(600));
        let value =
            on.0.iter()
                .find(|(n, _)| n == header::STRICT_TRANSPORT_SECURITY)
                .map(|(_, v)| v.clone());
        assert_eq!(value, Some(HeaderValue::from_static("max-age=600")));
    }
}
