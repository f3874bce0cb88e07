//! Mutual recognition storage (docs/design/recognition.md): results from other institutions
//! (`external_results`, sealed) and the ordering doctor's decisions about offered results
//! (`recognitions`, written in the ordering transaction by `orders::place_orders`), with the
//! report of tests avoided. The rules are `huimin_domain::recognition`.

mod decisions;

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError};

pub use decisions::{AvoidedRow, Decision, NewDecision, RecognitionRecord};
pub(crate) use decisions::{VisitFacts, record_decisions_in};

/// A result from another institution as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalResultRecord {
    pub id: String,
    pub patient_id: String,
    /// The orderable item it answers (`LAB-CBC`).
    pub item: String,
    pub issued_at: i64,
    pub performer_name: String,
    /// `system|value` of the performer's identifier (统一社会信用代码 or 执业许可证登记号).
    pub performer_identifier: String,
    /// The hospital level, e.g. 三级甲等.
    pub performer_level: String,
    /// The recognition mark's scope code (`national`, `province`, `city`, `alliance`).
    pub mark_scope: String,
    /// The DiagnosticReport served back (performer and observations contained), JSON text.
    pub content: String,
    pub recorded_by: String,
    pub recorded_at: i64,
}

const COLUMNS: &str = "id, patient_id, item, issued_at, performer_name, performer_identifier, \
    performer_level, mark_scope, content, recorded_by, recorded_at";

impl Store {
    fn external_from_row(&self, row: &AnyRow) -> Result<ExternalResultRecord, StoreError> {
        let sealed: String = row.try_get(8)?;
        Ok(ExternalResultRecord {
            id: row.try_get(0)?,
            patient_id: row.try_get(1)?,
            item: row.try_get(2)?,
            issued_at: row.try_get(3)?,
            performer_name: row.try_get(4)?,
            performer_identifier: row.try_get(5)?,
            performer_level: row.try_get(6)?,
            mark_scope: row.try_get(7)?,
            content: self.crypto.open(&sealed)?,
            recorded_by: row.try_get(9)?,
            recorded_at: row.try_get(10)?,
        })
    }

    /// Keeps a result from another institution (one statement: nothing else to write).
    pub async fn insert_external_result(
        &self,
        result: &ExternalResultRecord,
    ) -> Result<(), StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO external_results ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        )))
        .bind(&result.id)
        .bind(&result.patient_id)
        .bind(&result.item)
        .bind(result.issued_at)
        .bind(&result.performer_name)
        .bind(&result.performer_identifier)
        .bind(&result.performer_level)
        .bind(&result.mark_scope)
        .bind(self.crypto.seal(&result.content))
        .bind(&result.recorded_by)
        .bind(result.recorded_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub async fn external_result(
        &self,
        id: &str,
    ) -> Result<Option<ExternalResultRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM external_results WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| self.external_from_row(&r)).transpose()
    }

    /// A patient's results from other institutions (of one item if given), latest first.
    pub async fn external_results_of(
        &self,
        patient_id: &str,
        item: Option<&str>,
    ) -> Result<Vec<ExternalResultRecord>, StoreError> {
        let mut sql = format!("SELECT {COLUMNS} FROM external_results WHERE patient_id = $1");
        if item.is_some() {
            sql.push_str(" AND item = $2");
        }
        sql.push_str(" ORDER BY issued_at DESC, id LIMIT 200");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(patient_id);
        if let Some(item) = item {
            query = query.bind(item);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(|r| self.external_from_row(r)).collect()
    }
}
