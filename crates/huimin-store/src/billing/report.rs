//! The cashier's close of day: what came in and went out, by method, between two instants
//! (the server passes the hospital's local day).

use sqlx::Row;

use crate::{Store, StoreError};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MethodTotal {
    pub method: String,
    pub payments_fen: i64,
    pub payments: i64,
    pub refunds_fen: i64,
    pub refunds: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DayReport {
    pub methods: Vec<MethodTotal>,
}

impl DayReport {
    pub fn net_fen(&self) -> i64 {
        self.methods
            .iter()
            .map(|m| m.payments_fen - m.refunds_fen)
            .sum()
    }
}

impl Store {
    /// Payments and refunds recorded in `[from, until)`, by method (and by cashier when
    /// `recorded_by` is given).
    pub async fn desk_report(
        &self,
        from: i64,
        until: i64,
        recorded_by: Option<&str>,
    ) -> Result<DayReport, StoreError> {
        let rows = sqlx::query(
            "SELECT method, kind, CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT), COUNT(*) FROM ledger_entries \
             WHERE recorded_at >= $1 AND recorded_at < $2 \
             AND ($3 IS NULL OR recorded_by = $4) GROUP BY method, kind ORDER BY method, kind",
        )
        .bind(from)
        .bind(until)
        .bind(recorded_by)
        .bind(recorded_by)
        .fetch_all(&self.pool)
        .await?;
        let mut report = DayReport::default();
        for row in &rows {
            let method: String = row.try_get(0)?;
            let kind: String = row.try_get(1)?;
            let (sum, count): (i64, i64) = (row.try_get(2)?, row.try_get(3)?);
            if report.methods.last().is_none_or(|m| m.method != method) {
                report.methods.push(MethodTotal {
                    method,
                    ..MethodTotal::default()
                });
            }
            let total = report.methods.last_mut().expect("pushed above");
            if kind == "payment" {
                (total.payments_fen, total.payments) = (sum, count);
            } else {
                (total.refunds_fen, total.refunds) = (sum, count);
            }
        }
        Ok(report)
    }
}
