//! The steps of an order: each one checked by the domain's rules, written as a conditional
//! update of the status it was checked against, recorded with who and when, and followed by
//! the order's charge item.

use huimin_domain::billing::RefundReason;
use huimin_domain::orders::{OrderCategory, OrderStatus};
use sqlx::{AnyConnection, Row};

use super::{OrderError, OrderRecord, order_in};
use crate::billing::EntryRecord;
use crate::{Store, StoreError};

/// One step of an order: when and by whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRecord {
    pub order_id: String,
    pub step: OrderStatus,
    pub at: i64,
    pub by_user: Option<String>,
    pub by_role: Option<String>,
}

pub(crate) async fn record_step(
    conn: &mut AnyConnection,
    order_id: &str,
    step: OrderStatus,
    at: i64,
    by_user: Option<&str>,
    by_role: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO order_steps (order_id, step, at, by_user, by_role) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(order_id)
    .bind(step.code())
    .bind(at)
    .bind(by_user)
    .bind(by_role)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves the order from the status it has to `to` if the rules allow it, in the caller's
/// transaction; the charge item follows.
pub(crate) async fn step_in(
    conn: &mut AnyConnection,
    id: &str,
    to: OrderStatus,
    by_user: &str,
    by_role: &str,
    now: i64,
) -> Result<OrderRecord, OrderError> {
    let order = order_in(conn, id).await?.ok_or(OrderError::NotFound)?;
    let category = OrderCategory::from_code(&order.category)
        .ok_or_else(|| StoreError::Corrupt(format!("order category {}", order.category)))?;
    order
        .status
        .step(to, category)
        .map_err(OrderError::Refused)?;
    if to == OrderStatus::Cancelled {
        // The bill's row first (lock order: the bill before its items' money changes).
        let bill: String = sqlx::query_scalar("SELECT bill_id FROM charge_items WHERE id = $1")
            .bind(&order.charge_item_id)
            .fetch_one(&mut *conn)
            .await?;
        crate::billing::lock_bill(conn, &bill).await?;
    }
    let moved = sqlx::query(
        "UPDATE orders SET status = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND status = $4",
    )
    .bind(to.code())
    .bind(now)
    .bind(id)
    .bind(order.status.code())
    .execute(&mut *conn)
    .await?;
    if moved.rows_affected() != 1 {
        return Err(OrderError::Conflict);
    }
    record_step(conn, id, to, now, Some(by_user), Some(by_role)).await?;
    match to {
        OrderStatus::Cancelled => abort_charge(conn, &order.charge_item_id, by_user, now).await?,
        OrderStatus::Collected | OrderStatus::Performed => {
            sqlx::query(
                "UPDATE charge_items SET performed_at = $1, updated_at = $1 \
                 WHERE id = $2 AND status = 'billable' AND performed_at IS NULL",
            )
            .bind(now)
            .bind(&order.charge_item_id)
            .execute(&mut *conn)
            .await?;
        }
        _ => {}
    }
    order_in(conn, id).await?.ok_or(OrderError::NotFound)
}

/// A cancelled order's charge: aborted; what was paid for it goes back through the payment
/// that brought it (the bill is locked by the caller).
async fn abort_charge(
    conn: &mut AnyConnection,
    item: &str,
    by: &str,
    now: i64,
) -> Result<(), StoreError> {
    let bill: String = sqlx::query_scalar(
        "UPDATE charge_items SET status = 'aborted', updated_at = $1 \
         WHERE id = $2 AND status = 'billable' AND performed_at IS NULL RETURNING bill_id",
    )
    .bind(now)
    .bind(item)
    .fetch_one(&mut *conn)
    .await?;
    let refunds = crate::billing::give_back_in(
        conn,
        &bill,
        RefundReason::OrderCancelled,
        None,
        Some(by),
        now,
    )
    .await?;
    if refunds.is_empty() {
        crate::billing::write_status(conn, &bill, now).await?;
    }
    Ok(())
}

/// A payment was applied: the orders whose charge items it paid are `paid`, in the payment's
/// transaction, recorded as taken by the payment's recorder.
pub(crate) async fn paid_in(
    conn: &mut AnyConnection,
    entry: &EntryRecord,
    now: i64,
) -> Result<(), StoreError> {
    for (item, _) in &entry.allocations {
        let rows = sqlx::query(
            "UPDATE orders SET status = 'paid', paid_at = $1, version = version + 1, updated_at = $1 \
             WHERE charge_item_id = $2 AND status = 'ordered' RETURNING id",
        )
        .bind(now)
        .bind(item)
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            let id: String = row.try_get(0)?;
            let by = entry.recorded_by.as_deref();
            record_step(conn, &id, OrderStatus::Paid, now, by, Some("payment")).await?;
        }
    }
    Ok(())
}

/// The order's report is in (a DiagnosticReport for it was entered or imported): the order
/// moves to `reported` in the caller's transaction. Refused with a typed error for an unknown
/// order ([`OrderError::NotFound`]), a cancelled one or one not yet collected or performed
/// ([`OrderError::Refused`]).
pub async fn order_reported_in(
    conn: &mut AnyConnection,
    order_id: &str,
    at: i64,
    by: &str,
) -> Result<OrderRecord, OrderError> {
    step_in(conn, order_id, OrderStatus::Reported, by, "technician", at).await
}

impl Store {
    /// The steps of these orders, each order's in the order they were taken.
    pub async fn order_steps(&self, ids: &[String]) -> Result<Vec<StepRecord>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT order_id, step, at, by_user, by_role FROM order_steps WHERE order_id IN ({}) \
             ORDER BY order_id, at",
            crate::sql::placeholders(1, ids.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let step: String = r.try_get(1)?;
                Ok(StepRecord {
                    order_id: r.try_get(0)?,
                    step: OrderStatus::from_code(&step)
                        .ok_or_else(|| StoreError::Corrupt(format!("order step {step}")))?,
                    at: r.try_get(2)?,
                    by_user: r.try_get(3)?,
                    by_role: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Runs [`order_reported_in`] in a transaction of its own.
    pub async fn order_reported(
        &self,
        order_id: &str,
        at: i64,
        by: &str,
    ) -> Result<OrderRecord, OrderError> {
        let mut tx = self.writer.begin().await?;
        let order = order_reported_in(&mut tx, order_id, at, by).await?;
        tx.commit().await?;
        Ok(order)
    }
}
