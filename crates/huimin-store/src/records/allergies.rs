//! A patient's allergies, sealed: recorded once, shown on every later visit.

use serde_json::Value;
use sqlx::Row;

use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq)]
pub struct AllergyRecord {
    pub id: String,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    /// The AllergyIntolerance JSON.
    pub content: Value,
    pub recorded_by: String,
    pub recorded_at: i64,
}

impl Store {
    pub async fn add_allergy(&self, record: &AllergyRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO allergies (id, patient_id, encounter_id, content, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&record.id)
        .bind(&record.patient_id)
        .bind(record.encounter_id.clone())
        .bind(self.crypto.seal(&record.content.to_string()))
        .bind(&record.recorded_by)
        .bind(record.recorded_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// A patient's allergies, first recorded first.
    pub async fn allergies_of(&self, patient_id: &str) -> Result<Vec<AllergyRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, patient_id, encounter_id, content, recorded_by, recorded_at FROM allergies \
             WHERE patient_id = $1 ORDER BY recorded_at, id",
        )
        .bind(patient_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let sealed: String = row.try_get(3)?;
                let text = self.crypto.open(&sealed)?;
                Ok(AllergyRecord {
                    id: row.try_get(0)?,
                    patient_id: row.try_get(1)?,
                    encounter_id: row.try_get(2)?,
                    content: serde_json::from_str(&text)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    recorded_by: row.try_get(4)?,
                    recorded_at: row.try_get(5)?,
                })
            })
            .collect()
    }

    pub async fn allergy(&self, id: &str) -> Result<Option<AllergyRecord>, StoreError> {
        let row = sqlx::query("SELECT patient_id FROM allergies WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let patient: String = row.try_get(0)?;
        Ok(self
            .allergies_of(&patient)
            .await?
            .into_iter()
            .find(|a| a.id == id))
    }
}
