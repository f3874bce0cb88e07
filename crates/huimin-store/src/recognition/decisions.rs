//! The ordering doctor's decisions about offered results: reused (no order, the price avoided)
//! or tested again with a reason (the order placed). Written in the ordering transaction.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{Store, StoreError};

/// What the doctor decided about an offered result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The result stands in for the test: no order, no charge.
    Reused { avoided_fen: i64 },
    /// Tested again for the reason given (a `RetestReason` code) and the doctor's detail.
    Retest {
        reason: String,
        detail: Option<String>,
    },
}

/// One decision to record with the orders being placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDecision {
    pub item: String,
    /// `external` (another institution) or `own` (this hospital's final report).
    pub source_kind: String,
    pub source_id: String,
    pub decision: Decision,
}

/// One decision as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecognitionRecord {
    pub id: String,
    pub encounter_id: String,
    pub patient_id: String,
    pub department_id: String,
    pub item: String,
    pub source_kind: String,
    pub source_id: String,
    pub decision: Decision,
    /// The retest's order.
    pub order_id: Option<String>,
    pub decided_by: String,
    pub decided_at: i64,
}

/// Tests avoided of one item in one department over the report's range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvoidedRow {
    pub item: String,
    pub department_id: String,
    pub count: i64,
    pub fen: i64,
}

const COLUMNS: &str = "id, encounter_id, patient_id, department_id, item, decision, \
    source_kind, source_id, reason, detail, order_id, avoided_fen, decided_by, decided_at";

/// The visit's facts a decision is kept with.
pub(crate) struct VisitFacts<'a> {
    pub encounter_id: &'a str,
    pub patient_id: &'a str,
    pub department_id: &'a str,
    pub by: &'a str,
    pub at: i64,
}

/// Writes the decisions; a retest names the order placed for its item (`orders`: item →
/// order id). `Ok(false)` when an item was already reused on this visit (nothing written by
/// the caller's transaction then).
pub(crate) async fn record_decisions_in(
    conn: &mut AnyConnection,
    store: &Store,
    visit: &VisitFacts<'_>,
    decisions: &[NewDecision],
    orders: &[(String, String)],
) -> Result<bool, StoreError> {
    for d in decisions {
        let reused_before: Option<String> = sqlx::query_scalar(
            "SELECT id FROM recognitions WHERE encounter_id = $1 AND item = $2 \
             AND decision = 'reused'",
        )
        .bind(visit.encounter_id)
        .bind(&d.item)
        .fetch_optional(&mut *conn)
        .await?;
        if reused_before.is_some() {
            return Ok(false);
        }
        let (decision, reason, detail, order, avoided) = match &d.decision {
            Decision::Reused { avoided_fen } => ("reused", None, None, None, *avoided_fen),
            Decision::Retest { reason, detail } => (
                "retest",
                Some(reason.clone()),
                detail.as_deref().map(|t| store.crypto.seal(t)),
                orders
                    .iter()
                    .find(|(item, _)| *item == d.item)
                    .map(|(_, id)| id.clone()),
                0,
            ),
        };
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO recognitions ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        )))
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(visit.encounter_id)
        .bind(visit.patient_id)
        .bind(visit.department_id)
        .bind(&d.item)
        .bind(decision)
        .bind(&d.source_kind)
        .bind(&d.source_id)
        .bind(reason)
        .bind(detail)
        .bind(order)
        .bind(avoided)
        .bind(visit.by)
        .bind(visit.at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

impl Store {
    fn recognition_from_row(&self, row: &AnyRow) -> Result<RecognitionRecord, StoreError> {
        let kind: String = row.try_get(5)?;
        let decision = match kind.as_str() {
            "reused" => Decision::Reused {
                avoided_fen: row.try_get(11)?,
            },
            "retest" => {
                let detail: Option<String> = row.try_get(9)?;
                Decision::Retest {
                    reason: row.try_get::<Option<String>, _>(8)?.unwrap_or_default(),
                    detail: detail.map(|d| self.crypto.open(&d)).transpose()?,
                }
            }
            other => return Err(StoreError::Corrupt(format!("recognition decision {other}"))),
        };
        Ok(RecognitionRecord {
            id: row.try_get(0)?,
            encounter_id: row.try_get(1)?,
            patient_id: row.try_get(2)?,
            department_id: row.try_get(3)?,
            item: row.try_get(4)?,
            source_kind: row.try_get(6)?,
            source_id: row.try_get(7)?,
            decision,
            order_id: row.try_get(10)?,
            decided_by: row.try_get(12)?,
            decided_at: row.try_get(13)?,
        })
    }

    /// A visit's recognition decisions, oldest first.
    pub async fn recognitions_of_visit(
        &self,
        encounter_id: &str,
    ) -> Result<Vec<RecognitionRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM recognitions WHERE encounter_id = $1 ORDER BY decided_at, id"
        )))
        .bind(encounter_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| self.recognition_from_row(r)).collect()
    }

    /// Tests avoided (reused results) decided in `[from, to)`, by item and department.
    pub async fn tests_avoided(&self, from: i64, to: i64) -> Result<Vec<AvoidedRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT item, department_id, COUNT(*), CAST(COALESCE(SUM(avoided_fen), 0) AS BIGINT) FROM recognitions \
             WHERE decision = 'reused' AND decided_at >= $1 AND decided_at < $2 \
             GROUP BY item, department_id ORDER BY item, department_id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AvoidedRow {
                    item: r.try_get(0)?,
                    department_id: r.try_get(1)?,
                    count: r.try_get(2)?,
                    fen: r.try_get(3)?,
                })
            })
            .collect()
    }
}
