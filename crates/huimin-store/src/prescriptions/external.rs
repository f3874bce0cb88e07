//! Medicines the patient takes on another hospital's prescription (院外用药): recorded from the
//! patient's papers, kept until their last day, read by the checks of every new prescription.

use sqlx::Row;

use crate::{Store, StoreError};

/// One medicine from another hospital.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalMedicationRecord {
    pub id: String,
    pub patient_id: String,
    pub drug_code: String,
    pub hospital: String,
    /// The last day it is taken (YYYY-MM-DD).
    pub until: String,
    pub recorded_by: String,
    pub recorded_at: i64,
}

impl Store {
    pub async fn add_external_medication(
        &self,
        record: &ExternalMedicationRecord,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO external_medications (id, patient_id, drug_code, hospital, until, \
             recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&record.id)
        .bind(&record.patient_id)
        .bind(&record.drug_code)
        .bind(&record.hospital)
        .bind(&record.until)
        .bind(&record.recorded_by)
        .bind(record.recorded_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// A patient's external medicines still taken on `today`, first recorded first.
    pub async fn external_medications(
        &self,
        patient_id: &str,
        today: &str,
    ) -> Result<Vec<ExternalMedicationRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, patient_id, drug_code, hospital, until, recorded_by, recorded_at \
             FROM external_medications WHERE patient_id = $1 AND until >= $2 \
             ORDER BY recorded_at, id",
        )
        .bind(patient_id)
        .bind(today)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ExternalMedicationRecord {
                    id: r.try_get(0)?,
                    patient_id: r.try_get(1)?,
                    drug_code: r.try_get(2)?,
                    hospital: r.try_get(3)?,
                    until: r.try_get(4)?,
                    recorded_by: r.try_get(5)?,
                    recorded_at: r.try_get(6)?,
                })
            })
            .collect()
    }
}
