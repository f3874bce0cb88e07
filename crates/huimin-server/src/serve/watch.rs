//! What one connection is doing, and the deadline that follows from it: a request head must
//! arrive within the header timeout (counted from the connection's start or from the first
//! byte after an idle pause), and a connection with no answer in progress is closed after the
//! idle timeout. While an answer is in progress (a live stream included) there is no
//! deadline here: the request timeout bounds the handler.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use hyper::body::{Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

/// The header and idle timeouts (`HUIMIN_HEADER_TIMEOUT_SECS`, `HUIMIN_IDLE_TIMEOUT_SECS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    pub header: Duration,
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            header: Duration::from_secs(15),
            idle: Duration::from_secs(75),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Phase {
    /// Waiting for (the rest of) a request head since then.
    Head(Instant),
    /// This many answers are being written.
    Busy(usize),
    /// Nothing to do since then.
    Idle(Instant),
}

/// One connection's phase, shared by its reader, its requests and its watchdog.
pub(crate) struct Activity {
    phase: Mutex<Phase>,
    changed: Notify,
    timeouts: Timeouts,
}

impl Activity {
    pub(crate) fn new(timeouts: Timeouts) -> Arc<Self> {
        Arc::new(Self {
            phase: Mutex::new(Phase::Head(Instant::now())),
            changed: Notify::new(),
            timeouts,
        })
    }

    fn update(&self, change: impl FnOnce(Phase) -> Phase) {
        let mut phase = self.phase.lock().unwrap_or_else(|e| e.into_inner());
        *phase = change(*phase);
        drop(phase);
        self.changed.notify_one();
    }

    /// Bytes arrived: after an idle pause they start a request head.
    fn read(&self) {
        let mut phase = self.phase.lock().unwrap_or_else(|e| e.into_inner());
        if let Phase::Idle(_) = *phase {
            *phase = Phase::Head(Instant::now());
            drop(phase);
            self.changed.notify_one();
        }
    }

    /// A request's head is complete: its answer is in progress until the guard is dropped.
    pub(crate) fn begin(self: &Arc<Self>) -> Answering {
        self.update(|phase| match phase {
            Phase::Busy(n) => Phase::Busy(n + 1),
            _ => Phase::Busy(1),
        });
        Answering(self.clone())
    }

    fn end(&self) {
        self.update(|phase| match phase {
            Phase::Busy(n) if n > 1 => Phase::Busy(n - 1),
            _ => Phase::Idle(Instant::now()),
        });
    }

    fn deadline(&self) -> Option<Instant> {
        match *self.phase.lock().unwrap_or_else(|e| e.into_inner()) {
            Phase::Head(since) => Some(since + self.timeouts.header),
            Phase::Idle(since) => Some(since + self.timeouts.idle),
            Phase::Busy(_) => None,
        }
    }

    /// Resolves when the connection has passed its deadline.
    pub(crate) async fn expired(&self) {
        loop {
            let changed = self.changed.notified();
            match self.deadline() {
                Some(deadline) if deadline <= Instant::now() => return,
                Some(deadline) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(deadline) => {}
                        () = changed => {}
                    }
                }
                None => changed.await,
            }
        }
    }
}

/// An answer in progress; dropped when its body has been written or abandoned.
pub(crate) struct Answering(Arc<Activity>);

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// A response body that keeps its connection busy until it is dropped.
pub(crate) struct TrackedBody {
    inner: Body,
    _answering: Answering,
}

impl TrackedBody {
    pub(crate) fn new(inner: Body, answering: Answering) -> Self {
        Self {
            inner,
            _answering: answering,
        }
    }
}

impl hyper::body::Body for TrackedBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A socket that tells its connection's [`Activity`] when bytes arrive.
pub(crate) struct Watched<S> {
    socket: S,
    activity: Arc<Activity>,
}

impl<S> Watched<S> {
    pub(crate) fn new(socket: S, activity: Arc<Activity>) -> Self {
        Self { socket, activity }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.socket).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.read();
        }
        read
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.socket).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.socket).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.socket.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.socket).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.socket).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Longer than any deadline below: reaching it means the connection would stay open.
    const BOUND: Duration = Duration::from_secs(5);

    fn timeouts(header_ms: u64, idle_ms: u64) -> Timeouts {
        Timeouts {
            header: Duration::from_millis(header_ms),
            idle: Duration::from_millis(idle_ms),
        }
    }

    #[tokio::test]
    async fn a_connection_that_sends_no_head_expires() {
        let activity = Activity::new(timeouts(20, 60_000));
        assert!(
            tokio::time::timeout(BOUND, activity.expired())
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn a_connection_does_not_expire_while_answering_and_does_once_idle() {
        let activity = Activity::new(timeouts(20, 20));
        let answering = activity.begin();
        let waited = tokio::time::timeout(Duration::from_millis(300), activity.expired()).await;
        assert!(waited.is_err(), "no deadline while an answer is written");
        drop(answering);
        assert!(
            tokio::time::timeout(BOUND, activity.expired())
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn bytes_after_an_idle_pause_start_the_header_timeout() {
        let activity = Activity::new(timeouts(20, 600_000));
        drop(activity.begin());
        activity.read();
        assert!(
            tokio::time::timeout(BOUND, activity.expired())
                .await
                .is_ok(),
            "the header timeout, not the ten-minute idle one"
        );
    }
}
