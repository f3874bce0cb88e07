//! Transactions run again after a PostgreSQL deadlock or serialization failure.
//!
//! Several processes write one PostgreSQL database, and not every writer can take its row
//! locks in the order the others keep (a stop-clinic locks its session before the
//! appointments in it; a booking group cancels a patient's lapsed hold before it locks that
//! hold's session). PostgreSQL then ends one of the transactions (40P01), which is safe to
//! run again from the start. SQLite has one writer and never answers these codes.

use std::time::Duration;

use sqlx::{Any, Transaction};

use crate::StoreError;

/// How many times a transaction is run before its deadlock is reported.
pub(crate) const ATTEMPTS: usize = 4;

/// An error that may say "run the transaction again".
pub(crate) trait Retryable {
    fn is_retryable(&self) -> bool;
}

impl Retryable for StoreError {
    /// PostgreSQL deadlock (40P01) or serialization failure (40001).
    fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(db))
            if matches!(db.code().as_deref(), Some("40P01") | Some("40001")))
    }
}

/// How a transaction's work ends when it did not fail.
pub(crate) enum Finish<T> {
    /// Keep what it wrote.
    Commit(T),
    /// Undo what it wrote (the work found it had nothing to do after all).
    RollBack(T),
}

/// The attempts at one transaction. Each attempt begins a transaction, does its work and
/// hands the transaction and the outcome to [`Attempts::end`], which commits or rolls back
/// and says whether to run it again:
///
/// ```ignore
/// let mut attempts = Attempts::default();
/// let answer = loop {
///     let mut tx = pool.begin().await?;
///     let outcome = work(&mut tx).await;
///     if let Some(answer) = attempts.end(tx, outcome).await {
///         break answer;
///     }
/// };
/// ```
///
/// (A function taking the work as an async closure would read better, but the compiler
/// cannot yet prove such a future `Send`, which the booking writer's thread and axum need.)
#[derive(Debug, Default)]
pub(crate) struct Attempts {
    made: usize,
}

impl Attempts {
    /// Ends the attempt's transaction as its outcome says (an error rolls back). `None` after
    /// a deadlock or serialization failure while attempts remain: run the work again, after a
    /// short random pause. Otherwise the answer.
    pub(crate) async fn end<T, E>(
        &mut self,
        tx: Transaction<'_, Any>,
        outcome: Result<Finish<T>, E>,
    ) -> Option<Result<T, E>>
    where
        E: Retryable + From<sqlx::Error>,
    {
        self.made += 1;
        let ended = match outcome {
            Ok(Finish::Commit(done)) => tx.commit().await.map(|()| Ok(done)),
            Ok(Finish::RollBack(done)) => tx.rollback().await.map(|()| Ok(done)),
            Err(err) => tx.rollback().await.map(|()| Err(err)),
        };
        match ended {
            Err(failed) => Some(Err(failed.into())),
            Ok(Err(err)) if self.made < ATTEMPTS && err.is_retryable() => {
                pause_before_retry(self.made).await;
                None
            }
            Ok(answer) => Some(answer),
        }
    }
}

/// A few milliseconds, more with each attempt and random, so that two transactions that
/// deadlocked do not meet again at once.
pub(crate) async fn pause_before_retry(attempt: usize) {
    let spread = 5 * attempt as u128;
    let millis = 1 + (uuid::Uuid::new_v4().as_u128() % spread) as u64;
    tokio::time::sleep(Duration::from_millis(millis)).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::{AnyConnection, AnyPool};

    /// A made-up error that is retryable or not.
    #[derive(Debug)]
    enum Failure {
        Deadlock,
        Other,
        Database,
    }

    impl Retryable for Failure {
        fn is_retryable(&self) -> bool {
            matches!(self, Failure::Deadlock)
        }
    }

    impl From<sqlx::Error> for Failure {
        fn from(_: sqlx::Error) -> Self {
            Failure::Database
        }
    }

    async fn memory_pool() -> AnyPool {
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (n BIGINT)")
            .execute(&pool)
            .await
            .unwrap();
        pool
    }

    async fn rows(pool: &AnyPool) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(pool)
            .await
            .unwrap()
    }

    async fn insert(tx: &mut AnyConnection) {
        sqlx::query("INSERT INTO t (n) VALUES (1)")
            .execute(&mut *tx)
            .await
            .unwrap();
    }

    /// Runs the attempts as a caller does, each inserting a row then answering what
    /// `outcome` says for that attempt (0, 1, …); the answer and the attempts made.
    async fn run(
        pool: &AnyPool,
        outcome: impl Fn(usize) -> Result<Finish<&'static str>, Failure>,
    ) -> (Result<&'static str, Failure>, usize) {
        let mut attempts = Attempts::default();
        let mut made = 0;
        let answer = loop {
            let mut tx = pool.begin().await.unwrap();
            insert(&mut tx).await;
            let this = outcome(made);
            made += 1;
            if let Some(answer) = attempts.end(tx, this).await {
                break answer;
            }
        };
        (answer, made)
    }

    #[tokio::test]
    async fn a_deadlock_runs_the_work_again_and_keeps_only_the_last_run() {
        let pool = memory_pool().await;
        let (answer, made) = run(&pool, |n| match n {
            0 | 1 => Err(Failure::Deadlock),
            _ => Ok(Finish::Commit("done")),
        })
        .await;
        assert!(matches!(answer, Ok("done")));
        assert_eq!(made, 3);
        assert_eq!(rows(&pool).await, 1, "the failed runs were rolled back");
    }

    #[tokio::test]
    async fn a_deadlock_every_time_is_reported_after_the_last_attempt() {
        let pool = memory_pool().await;
        let (answer, made) = run(&pool, |_| Err(Failure::Deadlock)).await;
        assert!(matches!(answer, Err(Failure::Deadlock)));
        assert_eq!(made, ATTEMPTS);
        assert_eq!(rows(&pool).await, 0);
    }

    #[tokio::test]
    async fn another_error_is_answered_at_once_and_rolled_back() {
        let pool = memory_pool().await;
        let (answer, made) = run(&pool, |_| Err(Failure::Other)).await;
        assert!(matches!(answer, Err(Failure::Other)));
        assert_eq!(made, 1);
        assert_eq!(rows(&pool).await, 0);
    }

    #[tokio::test]
    async fn the_work_chooses_commit_or_roll_back() {
        let pool = memory_pool().await;
        let (kept, _) = run(&pool, |_| Ok(Finish::Commit("kept"))).await;
        let (undone, _) = run(&pool, |_| Ok(Finish::RollBack("undone"))).await;
        assert!(matches!((kept, undone), (Ok("kept"), Ok("undone"))));
        assert_eq!(rows(&pool).await, 1);
    }

    /// A database error with a SQLSTATE code, as PostgreSQL answers.
    #[derive(Debug)]
    struct Coded(&'static str);

    impl std::fmt::Display for Coded {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "SQLSTATE {}", self.0)
        }
    }

    impl std::error::Error for Coded {}

    impl sqlx::error::DatabaseError for Coded {
        fn message(&self) -> &str {
            "coded"
        }
        fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
            Some(self.0.into())
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> sqlx::error::ErrorKind {
            sqlx::error::ErrorKind::Other
        }
    }

    fn coded(code: &'static str) -> StoreError {
        StoreError::Database(sqlx::Error::Database(Box::new(Coded(code))))
    }

    #[test]
    fn only_deadlocks_and_serialization_failures_are_retryable() {
        assert!(coded("40P01").is_retryable(), "deadlock");
        assert!(coded("40001").is_retryable(), "serialization failure");
        assert!(!coded("23505").is_retryable(), "unique violation");
        assert!(!StoreError::NotFound.is_retryable());
        assert!(!StoreError::Database(sqlx::Error::RowNotFound).is_retryable());
    }
}
