//! The booking worker: returns expired holds' places and marks no-shows after sessions end.
//! Each pass is one call of the store's steps, which tests drive directly; the server loops it.

use std::time::Duration;

use crate::state::AppState;

/// How often the sweeps run. Expired holds are also released inline whenever their slot or
/// patient books, so this only keeps displayed availability fresh.
pub const INTERVAL: Duration = Duration::from_secs(30);

/// One pass: (holds released, appointments marked no-show, waitlisted patients booked).
pub async fn run_once(state: &AppState) -> Result<(usize, usize, usize), huimin_store::StoreError> {
    let now = state.clock.now();
    let released = state.store.release_expired_holds(now).await?;
    let noshows = state.store.mark_noshows(now).await?;
    let mut promoted = 0;
    for session in state.store.sessions_to_promote().await? {
        promoted += super::waitlist::promote(state, &session).await?;
    }
    Ok((released, noshows, promoted))
}

/// Loops `run_once` until the task is aborted.
pub async fn run_forever(state: AppState) {
    crate::metrics::worker_started("bookings");
    let mut ticker = tokio::time::interval(INTERVAL);
    loop {
        ticker.tick().await;
        let pass = run_once(&state).await;
        if pass.is_ok() {
            crate::metrics::worker_pass("bookings");
        }
        match pass {
            Ok((0, 0, 0)) => {}
            Ok((released, noshows, promoted)) => {
                tracing::info!(released, noshows, promoted, "booking worker pass")
            }
            Err(err) => tracing::warn!(error = %err, "booking worker pass failed"),
        }
    }
}
