//! The booking worker: returns expired holds' places and marks no-shows after sessions end.
//! Each pass is one call of the store's steps, which tests drive directly; the server loops it.

use std::time::Duration;

use huimin_store::Store;

/// How often the sweeps run. Expired holds are also released inline whenever their slot or
/// patient books, so this only keeps displayed availability fresh.
pub const INTERVAL: Duration = Duration::from_secs(30);

/// One pass: (holds released, appointments marked no-show).
pub async fn run_once(store: &Store) -> Result<(usize, usize), huimin_store::StoreError> {
    let now = jiff::Timestamp::now();
    let released = store.release_expired_holds(now).await?;
    let noshows = store.mark_noshows(now).await?;
    Ok((released, noshows))
}

/// Loops `run_once` until the task is aborted.
pub async fn run_forever(store: Store) {
    let mut ticker = tokio::time::interval(INTERVAL);
    loop {
        ticker.tick().await;
        match run_once(&store).await {
            Ok((0, 0)) => {}
            Ok((released, noshows)) => tracing::info!(released, noshows, "booking worker pass"),
            Err(err) => tracing::warn!(error = %err, "booking worker pass failed"),
        }
    }
}
