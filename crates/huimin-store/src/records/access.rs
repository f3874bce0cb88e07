//! Break-the-glass reads: kept with their sealed reason, listed for the department head.

use sqlx::Row;

use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakGlassRecord {
    pub id: String,
    pub practitioner_id: String,
    pub department_id: Option<String>,
    pub patient_id: String,
    pub reason: String,
    pub at: i64,
}

impl Store {
    pub async fn record_break_glass(&self, record: &BreakGlassRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO record_break_glass (id, practitioner_id, department_id, patient_id, reason, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&record.id)
        .bind(&record.practitioner_id)
        .bind(record.department_id.clone())
        .bind(&record.patient_id)
        .bind(self.crypto.seal(&record.reason))
        .bind(record.at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Whether the practitioner broke the glass for the patient since `since` (a reason
    /// given once covers the reads that follow for a while).
    pub async fn broke_glass_since(
        &self,
        practitioner_id: &str,
        patient_id: &str,
        since: i64,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM record_break_glass WHERE practitioner_id = $1 AND patient_id = $2 AND at >= $3",
        )
        .bind(practitioner_id)
        .bind(patient_id)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>(0)? > 0)
    }

    /// A department's break-the-glass reads since `since`, latest first.
    pub async fn break_glass_of_department(
        &self,
        department_id: &str,
        since: i64,
    ) -> Result<Vec<BreakGlassRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, practitioner_id, department_id, patient_id, reason, at FROM record_break_glass \
             WHERE department_id = $1 AND at >= $2 ORDER BY at DESC LIMIT 500",
        )
        .bind(department_id)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let sealed: String = row.try_get(4)?;
                Ok(BreakGlassRecord {
                    id: row.try_get(0)?,
                    practitioner_id: row.try_get(1)?,
                    department_id: row.try_get(2)?,
                    patient_id: row.try_get(3)?,
                    reason: self.crypto.open(&sealed)?,
                    at: row.try_get(5)?,
                })
            })
            .collect()
    }
}
