//! The store's pools. Taking a connection that fails (the database refused or did not answer
//! within the acquire timeout, or every connection was busy) is tried once more at once: no
//! statement of the failed attempt reached the database, so running it again cannot apply a
//! write twice. A failure after a statement was sent is never retried here (the write may
//! have been applied); the server answers 503 for it.

use std::ops::Deref;

use either::Either;
use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use sqlx::any::{AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Execute, Executor, SqlStr, Transaction};

/// An [`AnyPool`] whose connections are taken with one retry (see the module comment).
#[derive(Clone, Debug)]
pub(crate) struct Pool(AnyPool);

impl Pool {
    pub(crate) fn new(pool: AnyPool) -> Self {
        Self(pool)
    }

    /// A connection, trying a second time when the first acquire failed.
    pub(crate) async fn acquire(&self) -> Result<PoolConnection<Any>, sqlx::Error> {
        match self.0.acquire().await {
            Err(err) if !matches!(err, sqlx::Error::PoolClosed) => {
                tracing::warn!(error = %err, "no database connection; trying once more");
                self.0.acquire().await
            }
            acquired => acquired,
        }
    }

    /// A transaction on a connection taken as [`Pool::acquire`] takes it.
    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        Transaction::begin(self.acquire().await?, None).await
    }
}

impl Deref for Pool {
    type Target = AnyPool;

    fn deref(&self) -> &AnyPool {
        &self.0
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
            let mut conn = pool.acquire().await?;
            conn.fetch_many(query).try_collect::<Vec<_>>().await
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
        Box::pin(async move { pool.acquire().await?.fetch_optional(query).await })
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
