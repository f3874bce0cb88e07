//! A short-lived memory of who a token's session is, so that a rush of requests from one
//! account does not read the session and account rows on every request. Entries are keyed by
//! the token's session id (`sid`).
//!
//! The session and the account are still re-read at least every [`TTL`]: ending a session
//! (signing out, a new password, a disabled account), or changing the account's role, takes
//! effect within that time in every server process, and at once in the process that made the
//! change (it calls [`CallerCache::forget`] or [`CallerCache::forget_session`]).
//!
//! Requests of one account that miss together wait for one read and share its outcome,
//! found, not found or failed ([`CallerCache::get_or_load`]): a desk account's hundreds of
//! requests in flight when a flash crowd starts, or when its entry expires, would otherwise
//! each read the account row (and, with the database struggling, each wait for it in turn).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::context::Caller;
use crate::error::ApiError;

/// How long an account read is trusted.
pub const TTL: Duration = Duration::from_secs(2);

/// Past this many entries, expired ones are swept on the next insert.
const SWEEP_AT: usize = 20_000;

#[derive(Debug, Default)]
pub struct CallerCache {
    entries: Mutex<HashMap<String, (Instant, Caller)>>,
    /// One turn per account being read: whoever holds it reads, the others wait for it.
    reading: Mutex<HashMap<String, Arc<Turn>>>,
    /// Counts [`CallerCache::forget`]s: a read that began before one is not remembered (it
    /// may predate the change).
    forgotten: std::sync::atomic::AtomicU64,
}

/// What reading an account came to: the caller, `None` (no such enabled account), or the error.
pub type Outcome = Result<Option<Caller>, ApiError>;

/// One read of an account, shared by the requests that missed while it ran.
#[derive(Debug, Default)]
struct Turn {
    /// Held by the request that reads; then holds its outcome for those that waited.
    outcome: tokio::sync::Mutex<Option<Outcome>>,
}

impl CallerCache {
    /// The caller for a session id, if read less than [`TTL`] ago.
    pub fn get(&self, key: &str) -> Option<Caller> {
        let entries = self.lock();
        let (read_at, caller) = entries.get(key)?;
        (read_at.elapsed() < TTL).then(|| caller.clone())
    }

    pub fn put(&self, key: &str, caller: &Caller) {
        let mut entries = self.lock();
        if entries.len() >= SWEEP_AT {
            entries.retain(|_, (read_at, _)| read_at.elapsed() < TTL);
        }
        entries.insert(key.to_owned(), (Instant::now(), caller.clone()));
    }

    /// The caller for a session id, remembered or read by `load`. Concurrent misses for one
    /// session share a single read and its outcome, whatever it is.
    pub async fn get_or_load<Fut>(&self, user_id: &str, load: impl FnOnce() -> Fut) -> Outcome
    where
        Fut: Future<Output = Outcome>,
    {
        if let Some(caller) = self.get(user_id) {
            return Ok(Some(caller));
        }
        let turn = unpoisoned(&self.reading)
            .entry(user_id.to_owned())
            .or_default()
            .clone();
        // Declared before the lock so that it runs after the unlock, on every way out
        // (including a request dropped while it reads: the next in line then reads).
        let _leave = LeaveTurn {
            reading: &self.reading,
            user_id,
            turn: turn.clone(),
        };
        let mut outcome = turn.outcome.lock().await;
        if let Some(shared) = outcome.as_ref() {
            return shared.clone();
        }
        let before = self.forgotten.load(std::sync::atomic::Ordering::SeqCst);
        let loaded = load().await;
        if let Ok(Some(caller)) = &loaded
            && self.forgotten.load(std::sync::atomic::Ordering::SeqCst) == before
        {
            self.put(user_id, caller);
        }
        *outcome = Some(loaded.clone());
        loaded
    }

    /// The account changed (family member added, disabled, new password): read each of its
    /// sessions again.
    pub fn forget(&self, user_id: &str) {
        self.forgotten
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.lock()
            .retain(|_, (_, caller)| caller.user_id != user_id);
    }

    /// One session ended: read it again (and find it ended).
    pub fn forget_session(&self, session_id: &str) {
        self.forgotten
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.lock().remove(session_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Caller)>> {
        unpoisoned(&self.entries)
    }
}

/// Forgets an account's turn once its holder is done (later requests read afresh), unless a
/// newer turn replaced it.
struct LeaveTurn<'a> {
    reading: &'a Mutex<HashMap<String, Arc<Turn>>>,
    user_id: &'a str,
    turn: Arc<Turn>,
}

impl Drop for LeaveTurn<'_> {
    fn drop(&mut self) {
        let mut reading = unpoisoned(self.reading);
        if reading
            .get(self.user_id)
            .is_some_and(|t| Arc::ptr_eq(t, &self.turn))
        {
            reading.remove(self.user_id);
        }
    }
}

/// Single insert/remove calls cannot leave a map half-changed, so a panic elsewhere while the
/// lock was held does not make it unusable.
fn unpoisoned<T>(map: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    map.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use huimin_domain::roles::Role;

    fn caller(id: &str) -> Caller {
        Caller {
            user_id: id.into(),
            username: format!("user-{id}"),
            practitioner_id: None,
            role: Role::Patient,
            patient_ids: vec![format!("p-{id}")],
            session_id: Some(format!("s-{id}")),
        }
    }

    #[test]
    fn a_caller_is_remembered_until_forgotten() {
        let cache = CallerCache::default();
        assert!(cache.get("u1").is_none());
        cache.put("s-u1", &caller("u1"));
        assert_eq!(
            cache.get("s-u1").map(|c| c.patient_ids),
            Some(vec!["p-u1".into()])
        );
        cache.forget("u1");
        assert!(cache.get("s-u1").is_none());
        cache.put("s-u1", &caller("u1"));
        cache.put("s-u2", &caller("u2"));
        cache.forget_session("s-u1");
        assert!(cache.get("s-u1").is_none());
        assert!(
            cache.get("s-u2").is_some(),
            "ending one session leaves the others"
        );
    }

    /// `n` concurrent misses of one account whose read takes 20 ms and comes to `outcome`:
    /// what each got, and how many reads there were.
    async fn crowd(n: usize, outcome: Outcome) -> (Vec<Outcome>, usize, Arc<CallerCache>) {
        let cache = Arc::new(CallerCache::default());
        let reads = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..n {
            let (cache, reads, outcome) = (cache.clone(), reads.clone(), outcome.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_load("u1", || async move {
                        reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        outcome
                    })
                    .await
            }));
        }
        let mut got = Vec::new();
        for task in tasks {
            got.push(task.await.unwrap());
        }
        (got, reads.load(std::sync::atomic::Ordering::SeqCst), cache)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_that_miss_together_share_one_read() {
        let (got, reads, cache) = crowd(50, Ok(Some(caller("u1")))).await;
        assert!(
            got.iter()
                .all(|o| matches!(o, Ok(Some(c)) if c.user_id == "u1"))
        );
        assert_eq!(reads, 1);
        assert!(
            unpoisoned(&cache.reading).is_empty(),
            "turns are cleaned up"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_or_empty_read_is_shared_too() {
        let (got, reads, _) = crowd(20, Err(ApiError::internal())).await;
        assert!(got.iter().all(Result::is_err));
        assert_eq!(reads, 1);
        let (got, reads, _) = crowd(20, Ok(None)).await;
        assert!(got.iter().all(|o| matches!(o, Ok(None))));
        assert_eq!(reads, 1);
    }

    #[tokio::test]
    async fn a_read_dropped_half_way_leaves_no_turn_behind() {
        let cache = CallerCache::default();
        let stalled = cache.get_or_load("u1", || async { std::future::pending::<Outcome>().await });
        let timed_out = tokio::time::timeout(Duration::from_millis(10), stalled).await;
        assert!(timed_out.is_err());
        assert!(unpoisoned(&cache.reading).is_empty());
        let found = cache
            .get_or_load("u1", || async { Ok(Some(caller("u1"))) })
            .await;
        assert!(matches!(found, Ok(Some(_))));
    }

    #[tokio::test]
    async fn a_read_overtaken_by_a_change_is_not_remembered() {
        let cache = Arc::new(CallerCache::default());
        let (started, release) = (
            Arc::new(tokio::sync::Notify::new()),
            Arc::new(tokio::sync::Notify::new()),
        );
        let reading = {
            let (cache, started, release) = (cache.clone(), started.clone(), release.clone());
            tokio::spawn(async move {
                cache
                    .get_or_load("u1", || async move {
                        started.notify_one();
                        release.notified().await;
                        Ok(Some(caller("u1")))
                    })
                    .await
            })
        };
        started.notified().await;
        cache.forget("u1");
        release.notify_one();
        assert!(reading.await.unwrap().unwrap().is_some());
        assert!(cache.get("u1").is_none(), "the change wins");
    }

    #[tokio::test]
    async fn an_account_not_found_is_read_again_next_time() {
        let cache = CallerCache::default();
        let missing = cache.get_or_load("u1", || async { Ok(None) }).await;
        assert!(matches!(missing, Ok(None)));
        let found = cache
            .get_or_load("u1", || async { Ok(Some(caller("u1"))) })
            .await;
        assert_eq!(
            found.ok().flatten().map(|c| c.user_id),
            Some("u1".to_owned())
        );
    }

    #[test]
    fn an_old_read_is_not_trusted() {
        let cache = CallerCache::default();
        let stale = Instant::now().checked_sub(TTL + Duration::from_millis(1));
        if let Some(stale) = stale {
            cache.lock().insert("u1".into(), (stale, caller("u1")));
            assert!(cache.get("u1").is_none());
        }
    }
}
