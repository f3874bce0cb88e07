//! Money going back through the gateway that brought it. A ledger refund of an online payment
//! queues one in the refund's own transaction, so a refund the desk sees is never left unsent;
//! a worker sends each until the gateway accepts it (`huimin-server`'s `billing::gateways`).

use sqlx::{AnyConnection, Row};

use super::online::fetch_order;
use crate::{Store, StoreError};

/// A refund to send, with what the gateway needs to know of the original payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayRefund {
    /// The merchant refund number (out_refund_no).
    pub id: String,
    pub order_id: String,
    pub provider: String,
    pub channel: String,
    /// The gateway's transaction id of the payment.
    pub transaction: Option<String>,
    /// What the payment was (gateways ask for the original total).
    pub order_amount_fen: i64,
    pub amount_fen: i64,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub last_answer: Option<String>,
    pub created_at: i64,
}

/// After this many refused attempts a refund is `failed` and waits for a person.
pub const MAX_ATTEMPTS: i64 = 8;

/// Queues `amount` back through the order's gateway; the refund's number.
pub(crate) async fn queue_in(
    conn: &mut AnyConnection,
    order: &str,
    entry: Option<&str>,
    amount: i64,
    now: i64,
) -> Result<String, StoreError> {
    let id = format!("RF{}", uuid::Uuid::new_v4().simple());
    sqlx::query(
        "INSERT INTO gateway_refunds (id, order_id, entry_id, amount_fen, status, attempts, \
         next_at, created_at, updated_at) VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $7)",
    )
    .bind(&id)
    .bind(order)
    .bind(entry)
    .bind(amount)
    .bind(now)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// A ledger refund through an online payment: queued back through its gateway. Refunds of
/// payments made at the desk are given there and queue nothing.
pub(crate) async fn refund_entry_in(
    conn: &mut AnyConnection,
    entry: &super::EntryRecord,
    now: i64,
) -> Result<(), StoreError> {
    let Some(payment) = &entry.refund_of else {
        return Ok(());
    };
    let order: Option<String> = sqlx::query_scalar("SELECT id FROM pay_orders WHERE entry_id = $1")
        .bind(payment)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(order) = order {
        queue_in(conn, &order, Some(&entry.id), entry.amount_fen, now).await?;
    }
    Ok(())
}

const REFUND_COLUMNS: &str = "r.id, r.order_id, o.provider, o.channel, o.gateway_txn, \
     o.amount_fen, r.amount_fen, r.status, r.attempts, r.last_answer, r.created_at";

fn refund_from_row(row: &sqlx::any::AnyRow) -> Result<GatewayRefund, StoreError> {
    Ok(GatewayRefund {
        id: row.try_get(0)?,
        order_id: row.try_get(1)?,
        provider: row.try_get(2)?,
        channel: row.try_get(3)?,
        transaction: row.try_get(4)?,
        order_amount_fen: row.try_get(5)?,
        amount_fen: row.try_get(6)?,
        status: row.try_get(7)?,
        attempts: row.try_get(8)?,
        last_answer: row.try_get(9)?,
        created_at: row.try_get(10)?,
    })
}

impl Store {
    /// Pending refunds due now, each leased for `lease` microseconds (moved on so that a
    /// second worker does not send it meanwhile; a refund number sent twice is one refund at
    /// the gateway).
    pub async fn claim_gateway_refunds(
        &self,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<GatewayRefund>, StoreError> {
        let mut tx = self.writer.begin().await?;
        let sql = format!(
            "SELECT {REFUND_COLUMNS} FROM gateway_refunds r JOIN pay_orders o ON o.id = r.order_id \
             WHERE r.status = 'pending' AND r.next_at <= $1 ORDER BY r.next_at, r.id LIMIT $2"
        );
        let due = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(refund_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        for refund in &due {
            sqlx::query("UPDATE gateway_refunds SET next_at = $1 WHERE id = $2")
                .bind(now + lease)
                .bind(&refund.id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(due)
    }

    /// Settles a sent refund: accepted, or refused with the gateway's answer and tried again
    /// at `retry_at` (or `failed` after [`MAX_ATTEMPTS`]).
    pub async fn settle_gateway_refund(
        &self,
        id: &str,
        outcome: Result<(), &str>,
        retry_at: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        let attempts: i64 = sqlx::query_scalar(
            "UPDATE gateway_refunds SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let (status, answer) = match outcome {
            Ok(()) => ("succeeded", None),
            Err(answer) if attempts >= MAX_ATTEMPTS => ("failed", Some(answer)),
            Err(answer) => ("pending", Some(answer)),
        };
        sqlx::query(
            "UPDATE gateway_refunds SET status = $1, last_answer = COALESCE($2, last_answer), \
             next_at = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(status)
        .bind(answer)
        .bind(retry_at)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if status == "succeeded" {
            // An order whose whole money was due back is refunded once that refund is.
            let (order, entry): (String, Option<String>) =
                sqlx::query_as("SELECT order_id, entry_id FROM gateway_refunds WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            if entry.is_none() {
                sqlx::query(
                    "UPDATE pay_orders SET status = 'refunded', updated_at = $1 \
                     WHERE id = $2 AND status = 'refund-due'",
                )
                .bind(now)
                .bind(&order)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The refunds of an order, oldest first.
    pub async fn gateway_refunds_of_order(
        &self,
        order: &str,
    ) -> Result<Vec<GatewayRefund>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        if fetch_order(&mut conn, order).await?.is_none() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {REFUND_COLUMNS} FROM gateway_refunds r JOIN pay_orders o ON o.id = r.order_id \
             WHERE r.order_id = $1 ORDER BY r.created_at, r.id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(order)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(refund_from_row)
            .collect()
    }

    /// Remembers a notification's nonce for the replay window; false when it was seen before
    /// (a replay). Nonces older than `keep_since` are forgotten.
    pub async fn remember_nonce(
        &self,
        provider: &str,
        nonce: &str,
        now: i64,
        keep_since: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM gateway_nonces WHERE seen_at < $1")
            .bind(keep_since)
            .execute(&mut *tx)
            .await?;
        let fresh = sqlx::query(
            "INSERT INTO gateway_nonces (provider, nonce, seen_at) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(provider)
        .bind(nonce)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        tx.commit().await?;
        Ok(fresh)
    }

    /// Keeps the trail of a notification and what was done with it.
    pub async fn log_gateway_callback(
        &self,
        provider: &str,
        order: Option<&str>,
        outcome: &str,
        detail: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.writer.acquire().await?;
        sqlx::query(
            "INSERT INTO gateway_callbacks (id, provider, order_id, outcome, detail, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(provider)
        .bind(order)
        .bind(outcome)
        .bind(detail)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// The notifications of an order (or every one when `None`), newest first: (provider,
    /// order, outcome, detail, received at).
    pub async fn gateway_callbacks(
        &self,
        order: Option<&str>,
        limit: i64,
    ) -> Result<Vec<(String, Option<String>, String, String, i64)>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(
            "SELECT provider, order_id, outcome, detail, received_at FROM gateway_callbacks \
             WHERE ($1 IS NULL OR order_id = $2) ORDER BY received_at DESC, id LIMIT $3",
        )
        .bind(order)
        .bind(order)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                ))
            })
            .collect()
    }
}
