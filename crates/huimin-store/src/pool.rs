//! The store's pools. Taking a connection that fails (the database refused or did not answer
//! within the acquire timeout, or every connection was busy) is tried once more at once: no
//! statement of the failed attempt reached the database, so running it again cannot apply a
//! write twice. A failure after a statement was sent is never retried here (the write may
//! have been applied); the server answers 503 for it.

use std::ops::Deref;
use std::time::Instant;

use either::Either;
use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use sqlx::any::{AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Execute, Executor, SqlStr, Transaction};

/// An [`AnyPool`] whose connections are taken with one retry (see the module comment).
///
/// Each acquire's wait and each statement run on the pool (its acquire included) are
/// recorded as `huimin_db_acquire_seconds` and `huimin_db_query_seconds` under the pool's
/// name, through the `metrics` facade (nothing is recorded where no recorder is installed,
/// e.g. in the administration commands).
#[derive(Clone, Debug)]
pub(crate) struct Pool {
    pool: AnyPool,
    name: &'static str,
}

impl Pool {
    pub(crate) fn new(pool: AnyPool, name: &'static str) -> Self {
        Self { pool, name }
    }

    /// A connection, trying a second time when the first acquire failed.
    pub(crate) async fn acquire(&self) -> Result<PoolConnection<Any>, sqlx::Error> {
        let started = Instant::now();
        let acquired = match self.pool.acquire().await {
            Err(err) if !matches!(err, sqlx::Error::PoolClosed) => {
                tracing::warn!(error = %err, "no database connection; trying once more");
                self.pool.acquire().await
            }
            acquired => acquired,
        };
        metrics::histogram!("huimin_db_acquire_seconds", "pool" => self.name)
            .record(started.elapsed());
        acquired
    }

    /// Records how long a statement run on the pool took, from the wait for its connection.
    fn record_query(&self, started: Instant) {
        metrics::histogram!("huimin_db_query_seconds", "pool" => self.name)
            .record(started.elapsed());
    }

    /// A transaction on a connection taken as [`Pool::acquire`] takes it.
    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        Transaction::begin(self.acquire().await?, None).await
    }
}

impl Deref for Pool {
    type Target = AnyPool;

    fn deref(&self) -> &AnyPool {
        &self.pool
    }
}

/// As sqlx's executor for a pool, with [`Pool::acquire`]. Rows are collected before they
/// are handed on (the store reads with `fetch_one`, `fetch_optional` and `fetch_all` only).
impl<'p> Executor<'p> for &'_ Pool {
    type Database = Any;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<AnyQueryResult, AnyRow>, sqlx::Error>>
    where
        E: 'q + Execute<'q, Any>,
    {
        let pool = self.clone();
        let all = async move {
            let started = Instant::now();
            let mut conn = pool.acquire().await?;
            let all = conn.fetch_many(query).try_collect::<Vec<_>>().await;
            pool.record_query(started);
            all
        };
        stream::once(all)
            .map(|all| match all {
                Ok(items) => stream::iter(items.into_iter().map(Ok)).left_stream(),
                Err(err) => stream::iter([Err(err)]).right_stream(),
            })
            .flatten()
            .boxed()
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, Result<Option<AnyRow>, sqlx::Error>>
    where
        E: 'q + Execute<'q, Any>,
    {
        let pool = self.clone();
        Box::pin(async move {
            let started = Instant::now();
            let row = pool.acquire().await?.fetch_optional(query).await;
            pool.record_query(started);
            row
        })
    }

    fn prepare_with<'e>(
        self,
        sql: SqlStr,
        parameters: &'e [AnyTypeInfo],
    ) -> BoxFuture<'e, Result<AnyStatement, sqlx::Error>>
    where
        'p: 'e,
    {
        let pool = self.clone();
        Box::pin(async move { pool.acquire().await?.prepare_with(sql, parameters).await })
    }
}
