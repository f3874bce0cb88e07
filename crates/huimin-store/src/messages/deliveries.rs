//! The outbox's deliveries as an administrator reads them: what is waiting, being retried,
//! delivered or given up (with the channel's last answer), and sending a given-up one again.

use sqlx::Row;

use crate::{Store, StoreError};

/// One delivery of an event on one channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryRow {
    pub event_id: String,
    pub channel: String,
    /// `pending` (not tried yet), `retrying` (tried and failed, to be tried again),
    /// `delivered` or `dead` (given up).
    pub status: String,
    pub attempts: i64,
    pub due_at: i64,
    pub last_error: Option<String>,
    pub delivered_at: Option<i64>,
    pub kind: String,
    pub reference: String,
    pub created_at: i64,
}

/// The statuses an administrator filters by.
pub const STATUSES: [&str; 4] = ["pending", "retrying", "delivered", "dead"];

impl Store {
    /// Deliveries newest first, of one status when given, at most `limit`.
    pub async fn delivery_list(
        &self,
        status: Option<&str>,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        // `retrying` is a pending delivery that was tried already.
        let (stored, tried): (Option<&str>, Option<bool>) = match status {
            Some("pending") => (Some("pending"), Some(false)),
            Some("retrying") => (Some("pending"), Some(true)),
            Some(other) => (Some(other), None),
            None => (None, None),
        };
        let rows = sqlx::query(
            "SELECT d.event_id, d.channel, d.status, d.attempts, d.due_at, d.last_error, \
             d.delivered_at, e.kind, e.reference, e.created_at \
             FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id \
             WHERE ($1 IS NULL OR d.status = $2) \
             AND ($3 IS NULL OR (d.attempts > 0) = ($4 = 1)) \
             ORDER BY e.created_at DESC, d.event_id, d.channel LIMIT $5",
        )
        .bind(stored)
        .bind(stored)
        .bind(tried.map(i64::from))
        .bind(tried.map(i64::from))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get(2)?;
                let attempts: i64 = r.try_get(3)?;
                Ok(DeliveryRow {
                    event_id: r.try_get(0)?,
                    channel: r.try_get(1)?,
                    status: if status == "pending" && attempts > 0 {
                        "retrying".into()
                    } else {
                        status
                    },
                    attempts,
                    due_at: r.try_get(4)?,
                    last_error: r.try_get(5)?,
                    delivered_at: r.try_get(6)?,
                    kind: r.try_get(7)?,
                    reference: r.try_get(8)?,
                    created_at: r.try_get(9)?,
                })
            })
            .collect()
    }

    /// Sends a given-up delivery again, at once and with fresh attempts; false when there is
    /// no such delivery or it is not given up.
    pub async fn retry_delivery(
        &self,
        event_id: &str,
        channel: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut conn = self.writer.acquire().await?;
        let done = sqlx::query(
            "UPDATE outbox_deliveries SET status = 'pending', attempts = 0, due_at = $1, \
             leased_until = NULL WHERE event_id = $2 AND channel = $3 AND status = 'dead'",
        )
        .bind(now)
        .bind(event_id)
        .bind(channel)
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
