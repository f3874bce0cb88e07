//! The server's logs: one subscriber for the `huimin` binary and the benchmark, so that the
//! benchmark measures the server as it runs (its per-request span included).

/// Logs to stderr, filtered by `HUIMIN_LOG` (default `info,sqlx=warn`), as text or JSON lines.
pub fn init(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HUIMIN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init()
    } else {
        builder.init()
    }
}
