//! Cross-site request forgery: the session cookie is SameSite=Strict, and every state-changing
//! request must also come from a page of this site (its `Origin`, or failing that its
//! `Referer`, names this host).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split('/').next().unwrap_or(rest))
}

pub async fn same_origin_posts(request: Request<Body>, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(host_of);
    match (host, claimed) {
        (Some(host), Some(claimed)) if host == claimed => next.run(request).await,
        _ => (
            StatusCode::FORBIDDEN,
            "跨站请求已拒绝 / Cross-site request refused",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn hosts_are_read_from_origins_and_referers() {
        assert_eq!(host_of("http://127.0.0.1:8080"), Some("127.0.0.1:8080"));
        assert_eq!(host_of("https://h.example/me?x"), Some("h.example"));
        assert_eq!(host_of("null"), None);
    }
}
