//! Serving connections: accepting them within the caps (`limits`), and closing those that send
//! a request head too slowly or sit idle (`watch`). axum's `serve` has neither, and one
//! machine holding thousands of idle or slow sockets would take every file descriptor.
//!
//! A connection over a cap is closed as soon as it is accepted, without a word: the ones
//! already open keep being served, and other addresses still get in (`/healthz` included).

mod limits;
mod watch;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::watch as signal;
use tokio::task::JoinSet;

pub use limits::{Caps, default_total};
pub use watch::Timeouts;

use crate::client_addr::IpNet;
use limits::Counter;
use watch::{Activity, TrackedBody, Watched};

/// How connections are served: timeouts and caps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectionSettings {
    pub timeouts: Timeouts,
    pub caps: Caps,
}

/// How long, after the shutdown signal, connections still being answered may finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves `router` on `listener` until `shutdown` resolves, then lets open answers finish
/// (for at most [`SHUTDOWN_GRACE`]). `trusted` proxies are exempt from the per-address cap.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    settings: &ConnectionSettings,
    trusted: Vec<IpNet>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let counter = Counter::new(&settings.caps, trusted);
    let timeouts = settings.timeouts;
    let (stop, stopping) = signal::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next() => continue,
            accepted = listener.accept() => accepted,
        };
        let (tcp, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                pause_after_accept_error(err).await;
                continue;
            }
        };
        let Some(place) = counter.admit(peer.ip()) else {
            tracing::debug!("connection refused: over the connection cap");
            drop(tcp);
            continue;
        };
        // Answers go out as soon as they are written: with Nagle's algorithm a small answer
        // can wait for the client's delayed acknowledgement of the previous one (up to 40 ms
        // on Linux), which showed as a tail on the sold-out answers of a booking rush.
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!(error = %err, "could not set TCP_NODELAY");
        }
        let connection = one_connection(tcp, peer, router.clone(), timeouts, stopping.clone());
        connections.spawn(async move {
            connection.await;
            drop(place);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let finished = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if finished.is_err() {
        tracing::warn!(
            open = counter.total(),
            "connections still open after the shutdown grace period were closed"
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// Serves one connection until the client closes it, its deadline passes, or the server
/// shuts down (then the answer in progress finishes first).
async fn one_connection(
    tcp: tokio::net::TcpStream,
    peer: SocketAddr,
    router: Router,
    timeouts: Timeouts,
    mut stopping: signal::Receiver<bool>,
) {
    let activity = Activity::new(timeouts);
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(axum::body::Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            let answering = activity.begin();
            let answer = tower::ServiceExt::oneshot(router.clone(), request);
            async move {
                let response = answer.await?;
                Ok::<_, Infallible>(
                    response.map(|body| axum::body::Body::new(TrackedBody::new(body, answering))),
                )
            }
        })
    };
    let builder = auto::Builder::new(TokioExecutor::new());
    let io = TokioIo::new(Watched::new(tcp, activity.clone()));
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let mut shutting_down = *stopping.borrow();
    if shutting_down {
        connection.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            served = connection.as_mut() => {
                if let Err(err) = served {
                    tracing::debug!(error = %err, "connection ended with an error");
                }
                return;
            }
            () = activity.expired() => {
                tracing::debug!("connection closed: header or idle timeout");
                return;
            }
            changed = stopping.changed(), if !shutting_down => {
                shutting_down = true;
                if changed.is_ok() {
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// After a failed accept: a connection that failed in the queue is nothing to wait for; out
/// of file descriptors (or memory), wait a moment for connections to close instead of
/// spinning.
async fn pause_after_accept_error(err: std::io::Error) {
    use std::io::ErrorKind as K;
    if matches!(
        err.kind(),
        K::ConnectionAborted | K::ConnectionReset | K::ConnectionRefused | K::Interrupted
    ) {
        return;
    }
    tracing::error!(error = %err, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}
