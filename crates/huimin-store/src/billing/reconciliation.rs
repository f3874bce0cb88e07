//! Huimin's side of a day's reconciliation with a gateway: the orders it holds as paid, with
//! the ledger payment each put on its bill, and the refunds the gateway accepted, in a time
//! window; and the runs kept (`reconciliations`). The comparison itself is
//! `huimin-server`'s `billing::reconcile`.

use sqlx::Row;

use crate::{Store, StoreError};

/// An order the gateway told Huimin was paid in the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayOrder {
    pub order_id: String,
    pub transaction: Option<String>,
    pub amount_fen: i64,
    /// `paid`, `refund-due` or `refunded`.
    pub status: String,
    /// The ledger payment's amount (`None`: the money never went on the bill and was sent
    /// back whole).
    pub entry_fen: Option<i64>,
    pub paid_at: i64,
}

/// A refund the gateway accepted in the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayRefund {
    pub refund_id: String,
    pub order_id: String,
    pub amount_fen: i64,
    pub settled_at: i64,
}

/// A reconciliation run.
#[derive(Clone, Debug, PartialEq)]
pub struct Reconciliation {
    pub id: String,
    pub provider: String,
    /// `YYYY-MM-DD`, the statement's day.
    pub date: String,
    pub ran_at: i64,
    pub ran_by: String,
    pub matched: i64,
    pub differences: serde_json::Value,
}

impl Store {
    /// The orders of `provider` paid in `[from, to)` (microseconds) and its refunds accepted
    /// then.
    pub async fn gateway_day(
        &self,
        provider: &str,
        from: i64,
        to: i64,
    ) -> Result<(Vec<DayOrder>, Vec<DayRefund>), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(
            "SELECT o.id, o.gateway_txn, o.amount_fen, o.status, e.amount_fen, o.paid_at \
             FROM pay_orders o LEFT JOIN ledger_entries e ON e.id = o.entry_id \
             WHERE o.provider = $1 AND o.paid_at >= $2 AND o.paid_at < $3 \
             AND o.gateway_txn IS NOT NULL ORDER BY o.paid_at, o.id",
        )
        .bind(provider)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?;
        let orders = rows
            .iter()
            .map(|r| {
                Ok(DayOrder {
                    order_id: r.try_get(0)?,
                    transaction: r.try_get(1)?,
                    amount_fen: r.try_get(2)?,
                    status: r.try_get(3)?,
                    entry_fen: r.try_get(4)?,
                    paid_at: r.try_get(5)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let rows = sqlx::query(
            "SELECT r.id, r.order_id, r.amount_fen, r.updated_at FROM gateway_refunds r \
             JOIN pay_orders o ON o.id = r.order_id WHERE o.provider = $1 \
             AND r.status = 'succeeded' AND r.updated_at >= $2 AND r.updated_at < $3 \
             ORDER BY r.updated_at, r.id",
        )
        .bind(provider)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?;
        let refunds = rows
            .iter()
            .map(|r| {
                Ok(DayRefund {
                    refund_id: r.try_get(0)?,
                    order_id: r.try_get(1)?,
                    amount_fen: r.try_get(2)?,
                    settled_at: r.try_get(3)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((orders, refunds))
    }

    pub async fn save_reconciliation(&self, r: &Reconciliation) -> Result<(), StoreError> {
        let mut conn = self.writer.acquire().await?;
        sqlx::query(
            "INSERT INTO reconciliations (id, provider, date, ran_at, ran_by, matched, \
             differences) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&r.id)
        .bind(&r.provider)
        .bind(&r.date)
        .bind(r.ran_at)
        .bind(&r.ran_by)
        .bind(r.matched)
        .bind(r.differences.to_string())
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// The runs of a day (every day when `None`), newest first.
    pub async fn reconciliations(
        &self,
        date: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Reconciliation>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(
            "SELECT id, provider, date, ran_at, ran_by, matched, differences \
             FROM reconciliations WHERE ($1 IS NULL OR date = $2) \
             ORDER BY ran_at DESC, id LIMIT $3",
        )
        .bind(date)
        .bind(date)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter()
            .map(|r| {
                let text: String = r.try_get(6)?;
                Ok(Reconciliation {
                    id: r.try_get(0)?,
                    provider: r.try_get(1)?,
                    date: r.try_get(2)?,
                    ran_at: r.try_get(3)?,
                    ran_by: r.try_get(4)?,
                    matched: r.try_get(5)?,
                    differences: serde_json::from_str(&text)
                        .map_err(|e| StoreError::Corrupt(format!("reconciliation {e}")))?,
                })
            })
            .collect()
    }
}
