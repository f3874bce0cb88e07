//! The server's logs: one subscriber for the `huimin` binary and the benchmark, so that the
//! benchmark measures the server as it runs (its per-request span included), and the request
//! id every answer carries (`X-Request-Id`) and every JSON log line written while answering.
//!
//! Nothing personal is logged: spans carry the method, the route template (never the path or
//! the query string, which hold ids, search values and verification codes) and the request id;
//! events carry counts, ids of rows, error kinds. `tests/logs.rs` runs the API's flows at
//! `debug` and finds none of the demo people's names, phone numbers or identity numbers.

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;

use crate::client_addr::IpNet;

/// How log lines are written (`HUIMIN_LOG_FORMAT`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines (the default).
    #[default]
    Text,
    /// One JSON object a line, each written while answering a request with its request id.
    Json,
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(format!("unknown log format {other:?}: text or json")),
        }
    }
}

/// The target of the request span: `HUIMIN_LOG=info,huimin_server::request=debug` gives text
/// lines their request id too (JSON lines always have it).
pub const REQUEST_TARGET: &str = "huimin_server::request";

/// The filter: `directives` (`HUIMIN_LOG`; default `info,sqlx=warn`), and in JSON the request
/// span whatever they say. The span is debug-level so that text logs at the default `info`
/// cost nothing per request (a span per request cost about a tenth of the server's CPU in a
/// booking rush); JSON logs pay that for a request id on every line.
pub fn filter(format: LogFormat, directives: Option<&str>) -> EnvFilter {
    let directives = directives.unwrap_or("info,sqlx=warn");
    match format {
        LogFormat::Text => EnvFilter::new(directives),
        LogFormat::Json => EnvFilter::new(format!("{directives},{REQUEST_TARGET}=debug")),
    }
}

/// The subscriber writing `format` lines through `writer` (stderr in the binary, a buffer in
/// tests).
pub fn subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.finish()),
        // Flat: `message` and the event's fields at the top; `spans` lists the request span
        // (`request_id`, `method`, `route`) and any inside it.
        LogFormat::Json => Box::new(
            builder
                .json()
                .flatten_event(true)
                .with_current_span(false)
                .with_span_list(true)
                .finish(),
        ),
    }
}

/// Logs to stderr, filtered by `HUIMIN_LOG`, as `format` lines.
pub fn init(format: LogFormat) {
    let directives = std::env::var("HUIMIN_LOG").ok();
    let _ = subscriber(
        format,
        filter(format, directives.as_deref()),
        std::io::stderr,
    )
    .try_init();
}

/// A request's id: the `X-Request-Id` a trusted proxy sent (letters, digits, `-`, `_`, `.`,
/// at most 64), else 32 random hex digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub String);

pub const X_REQUEST_ID: &str = "x-request-id";

/// Gives the request its id, answers with it in `X-Request-Id`, and answers it inside the
/// request span, so every line logged meanwhile names it. `trusted`: the proxies whose
/// `X-Request-Id` is kept (`HUIMIN_TRUSTED_PROXIES`); anyone else's is replaced.
pub async fn tag_request(
    State(trusted): State<Arc<[IpNet]>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip().to_canonical());
    let from_proxy = peer.is_some_and(|ip| trusted.iter().any(|net| net.contains(&ip)));
    let id = from_proxy
        .then(|| request.headers().get(X_REQUEST_ID))
        .flatten()
        .and_then(|value| value.to_str().ok())
        .filter(|value| acceptable(value))
        .map_or_else(new_id, str::to_owned);
    let span = {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("unmatched", MatchedPath::as_str);
        tracing::debug_span!(target: REQUEST_TARGET, "request",
            request_id = %id, method = %request.method(), route)
    };
    let header = HeaderValue::from_str(&id).ok();
    request.extensions_mut().insert(RequestId(id));
    let mut response = next.run(request).instrument(span).await;
    if let Some(header) = header {
        response.headers_mut().insert(X_REQUEST_ID, header);
    }
    response
}

fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn new_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_named_text_and_json() {
        assert_eq!("json".parse(), Ok(LogFormat::Json));
        assert_eq!(" Text ".parse(), Ok(LogFormat::Text));
        assert!("yaml".parse::<LogFormat>().is_err());
    }

    #[test]
    fn only_plain_short_ids_are_kept() {
        assert!(acceptable("7f9c2ba4e88f827d616045507605853e"));
        assert!(acceptable("req-1.a_b"));
        assert!(!acceptable(""));
        assert!(!acceptable(&"a".repeat(65)));
        assert!(!acceptable("张三"));
        assert!(!acceptable("a b"));
        assert_eq!(new_id().len(), 32);
        assert_ne!(new_id(), new_id());
    }
}
