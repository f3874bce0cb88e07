//! What an operator watches of the database (`/metrics`, docs/operations.md): how many
//! connections each pool has open and idle, and how far behind the message outbox is. Every
//! query here is answered from an index and bounded by the rows still to deliver, so a scrape
//! costs little even with years of delivered messages.

use sqlx::Row;

use crate::{Backend, Store, StoreError};

/// One connection pool's connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolUse {
    /// `read` and `write` (SQLite), or `main` (PostgreSQL, where both share one pool).
    pub pool: &'static str,
    pub open: u32,
    pub idle: usize,
}

impl PoolUse {
    pub fn in_use(&self) -> usize {
        (self.open as usize).saturating_sub(self.idle)
    }
}

/// The outbox's backlog.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboxBacklog {
    /// Deliveries not yet made (waiting, or due again after a failure).
    pub pending: i64,
    /// Deliveries given up after their last retry.
    pub dead: i64,
    /// When the oldest event with a delivery still pending was written (microseconds, UTC).
    pub oldest_pending_since: Option<i64>,
}

impl Store {
    /// The pools' connections (PostgreSQL's booking writer keeps its own few, not counted).
    pub fn pool_use(&self) -> Vec<PoolUse> {
        let of = |pool: &crate::pool::Pool, name| PoolUse {
            pool: name,
            open: pool.size(),
            idle: pool.num_idle(),
        };
        match self.backend {
            Backend::Sqlite => vec![of(&self.pool, "read"), of(&self.writer, "write")],
            Backend::Postgres => vec![of(&self.pool, "main")],
        }
    }

    /// The outbox's pending and dead deliveries and the age of the oldest pending one.
    pub async fn outbox_lag(&self) -> Result<OutboxBacklog, StoreError> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) FROM outbox_deliveries \
             WHERE status IN ('pending', 'dead') GROUP BY status",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut backlog = OutboxBacklog::default();
        for row in &rows {
            let status: String = row.try_get(0)?;
            let count: i64 = row.try_get(1)?;
            match status.as_str() {
                "pending" => backlog.pending = count,
                _ => backlog.dead = count,
            }
        }
        if backlog.pending > 0 {
            let oldest = sqlx::query(
                "SELECT MIN(e.created_at) FROM outbox_deliveries d \
                 JOIN outbox_events e ON e.id = d.event_id WHERE d.status = 'pending'",
            )
            .fetch_one(&self.pool)
            .await?;
            backlog.oldest_pending_since = oldest.try_get::<Option<i64>, _>(0)?;
        }
        Ok(backlog)
    }
}
