//! Prometheus metrics (`GET /metrics`, `docs/operations.md`): what the server records through
//! the `metrics` facade, kept by `metrics-exporter-prometheus`'s recorder and rendered on a
//! scrape. Labels are route templates, statuses, outcomes and rule codes, never a path, an id
//! or anything a visitor typed, so nothing personal can reach a metric.
//!
//! The recorder is the process's (the facade has one global recorder): servers started in
//! one process (the tests) share it.

mod http;
mod scrape;

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use axum::http::StatusCode;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::error::ApiError;

pub use http::measure;
pub use scrape::{router as scrape_router, scrape_on_main_listener};

/// Latency buckets of every `*_seconds` histogram: 1 ms to 30 s (the request timeout).
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Bookings committed together by the group writer.
const GROUP_SIZE_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

/// How often histograms are drained when nobody scrapes (bounded memory).
pub const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the recorder once per process (later calls return the same handle); `None` when
/// another recorder was installed first (an embedding program's), and then `/metrics` says so.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("huimin_booking_group_size".into()),
                        GROUP_SIZE_BUCKETS,
                    )
                })
                .map_err(|e| e.to_string())
                .and_then(|b| b.install_recorder().map_err(|e| e.to_string()));
            match installed {
                Ok(handle) => {
                    describe();
                    metrics::gauge!("huimin_build_info", "version" => env!("CARGO_PKG_VERSION"))
                        .set(1.0);
                    Some(handle)
                }
                Err(error) => {
                    tracing::error!(%error, "metrics are unavailable: a recorder is installed");
                    None
                }
            }
        })
        .as_ref()
}

/// Drains the histograms every [`UPKEEP_INTERVAL`] until the task is aborted.
pub async fn upkeep_forever() {
    let mut ticker = tokio::time::interval(UPKEEP_INTERVAL);
    loop {
        ticker.tick().await;
        if let Some(handle) = install() {
            handle.run_upkeep();
        }
    }
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_gauge!("huimin_build_info", "The running version (always 1).");
    describe_histogram!(
        "huimin_http_request_duration_seconds",
        Unit::Seconds,
        "Requests by method, route template and status: time to the answer's head."
    );
    describe_counter!(
        "huimin_bookings_total",
        "Hold and book attempts by operation, outcome and refusal code (rule_code)."
    );
    describe_histogram!(
        "huimin_booking_duration_seconds",
        Unit::Seconds,
        "Hold and book attempts by operation: time to the answer."
    );
    describe_histogram!(
        "huimin_booking_group_seconds",
        Unit::Seconds,
        "The booking writer's group transactions, first statement to commit."
    );
    describe_histogram!(
        "huimin_booking_group_size",
        "Bookings decided and committed in one group transaction."
    );
    describe_histogram!(
        "huimin_db_acquire_seconds",
        Unit::Seconds,
        "Waits for a database connection, by pool."
    );
    describe_histogram!(
        "huimin_db_query_seconds",
        Unit::Seconds,
        "Statements run on a pool outside transactions (the wait for the connection included)."
    );
    describe_gauge!(
        "huimin_db_connections",
        "Connections of each pool, by state (in_use, idle), at the scrape."
    );
    describe_gauge!(
        "huimin_worker_last_pass_timestamp_seconds",
        Unit::Seconds,
        "When this process's worker last finished a pass (Unix time)."
    );
    describe_gauge!(
        "huimin_worker_lag_seconds",
        Unit::Seconds,
        "How long due work may have waited: holds and noshows since the booking worker's last \
         pass, outbox the oldest undelivered message's age."
    );
    describe_gauge!(
        "huimin_outbox_deliveries",
        "Message deliveries not made, by status (pending, dead), across all servers."
    );
}

/// When each of this process's workers last finished a pass (the process's start until then).
static LAST_PASS: LazyLock<Mutex<HashMap<&'static str, SystemTime>>> =
    LazyLock::new(Default::default);

/// The workers: `bookings` (expired holds, no-shows, the waitlist) and `outbox` (messages).
pub fn worker_started(worker: &'static str) {
    let mut passes = LAST_PASS.lock().unwrap_or_else(|p| p.into_inner());
    passes.entry(worker).or_insert_with(SystemTime::now);
}

/// A pass of `worker` finished without error.
pub fn worker_pass(worker: &'static str) {
    let now = SystemTime::now();
    LAST_PASS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(worker, now);
    let unix = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    metrics::gauge!("huimin_worker_last_pass_timestamp_seconds", "worker" => worker)
        .set(unix.as_secs_f64());
}

/// Seconds since `worker`'s last pass (or its start), `None` if it does not run here.
fn since_last_pass(worker: &str) -> Option<f64> {
    let passes = LAST_PASS.lock().unwrap_or_else(|p| p.into_inner());
    let last = passes.get(worker)?;
    Some(last.elapsed().unwrap_or_default().as_secs_f64())
}

/// Records a hold or book attempt (`operation` `$hold`, `$book` or `extra-slot`) by its
/// outcome: `booked`, `held`, `replayed`, `refused` (with the rule's code), `rate-limited`,
/// `forbidden`, `not-found`, `invalid` or `error`.
pub fn booking(
    operation: &'static str,
    hold: bool,
    answer: &Result<Response, ApiError>,
    took: Duration,
) {
    let (outcome, code): (&'static str, &'static str) = match answer {
        Ok(response) if response.status() == StatusCode::OK => ("replayed", ""),
        Ok(_) if hold => ("held", ""),
        Ok(_) => ("booked", ""),
        Err(error) => match error.issues.iter().find_map(|issue| issue.rule) {
            Some(rule) => ("refused", rule),
            None => (refusal_class(error.status), ""),
        },
    };
    metrics::counter!("huimin_bookings_total",
        "operation" => operation, "outcome" => outcome, "code" => code)
    .increment(1);
    metrics::histogram!("huimin_booking_duration_seconds", "operation" => operation).record(took);
}

fn refusal_class(status: StatusCode) -> &'static str {
    match status {
        StatusCode::TOO_MANY_REQUESTS => "rate-limited",
        StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => "forbidden",
        StatusCode::NOT_FOUND => "not-found",
        status if status.is_server_error() => "error",
        _ => "invalid",
    }
}
