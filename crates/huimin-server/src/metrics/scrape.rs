//! `GET /metrics`: on its own listener (`HUIMIN_METRICS_ADDR`), or on the main one for
//! loopback clients only.

use std::net::{IpAddr, SocketAddr};

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::ApiError;
use crate::state::AppState;

/// The metrics listener's routes: `/metrics` to anyone who can reach that address.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(state)
}

async fn scrape(State(state): State<AppState>) -> Response {
    render(&state).await
}

/// `/metrics` on the main listener: only a loopback peer that no proxy forwarded. A reverse
/// proxy on the same machine connects from loopback too, and it adds `X-Forwarded-For` (or
/// `Forwarded`, `X-Real-IP`): what it forwards is refused, even when the proxy passes
/// `/metrics` on.
pub async fn scrape_on_main_listener(State(state): State<AppState>, request: Request) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip().to_canonical());
    if !local(peer, request.headers()) {
        return ApiError::not_found(request.uri().path()).into_response();
    }
    render(&state).await
}

/// A loopback peer (IPv4-mapped included) that no proxy forwarded.
fn local(peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
    let forwarded = ["x-forwarded-for", "forwarded", "x-real-ip"]
        .iter()
        .any(|name| headers.contains_key(*name));
    peer.is_some_and(|ip| ip.to_canonical().is_loopback()) && !forwarded
}

/// Brings the gauges read at the scrape up to date and renders every metric.
async fn render(state: &AppState) -> Response {
    let Some(handle) = super::install() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics unavailable: another metrics recorder is installed in this process\n",
        )
            .into_response();
    };
    for pool in state.store.pool_use() {
        metrics::gauge!("huimin_db_connections", "pool" => pool.pool, "state" => "in_use")
            .set(pool.in_use() as f64);
        metrics::gauge!("huimin_db_connections", "pool" => pool.pool, "state" => "idle")
            .set(pool.idle as f64);
    }
    for work in ["holds", "noshows"] {
        if let Some(lag) = super::since_last_pass("bookings") {
            metrics::gauge!("huimin_worker_lag_seconds", "work" => work).set(lag);
        }
    }
    // The outbox is shared by every server: its lag is read from the database.
    match state.store.outbox_lag().await {
        Ok(backlog) => {
            let now = state.clock.now().as_microsecond();
            let age = backlog
                .oldest_pending_since
                .map_or(0.0, |since| (now - since).max(0) as f64 / 1e6);
            metrics::gauge!("huimin_worker_lag_seconds", "work" => "outbox").set(age);
            metrics::gauge!("huimin_outbox_deliveries", "status" => "pending")
                .set(backlog.pending as f64);
            metrics::gauge!("huimin_outbox_deliveries", "status" => "dead")
                .set(backlog.dead as f64);
        }
        Err(error) => tracing::warn!(%error, "metrics: the outbox's lag could not be read"),
    }
    handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unforwarded_loopback_peers_are_local() {
        let none = HeaderMap::new();
        for peer in ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"] {
            assert!(local(Some(peer.parse().unwrap()), &none), "{peer}");
        }
        for peer in [
            "10.0.0.5",
            "192.168.1.2",
            "203.0.113.9",
            "::ffff:10.0.0.5",
            "fe80::1",
        ] {
            assert!(!local(Some(peer.parse().unwrap()), &none), "{peer}");
        }
        assert!(!local(None, &none), "in process, no peer");
        let mut forwarded = HeaderMap::new();
        forwarded.insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
        assert!(!local(Some("127.0.0.1".parse().unwrap()), &forwarded));
    }
}
