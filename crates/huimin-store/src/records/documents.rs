//! Issued record documents by verification code: which version of which note was printed,
//! for whom, the SHA-256 of the exact bytes, and the few facts the public check shows.

use sqlx::Row;

use crate::{Store, StoreError};

/// One issued document, as written and as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordDocument {
    pub code: String,
    /// What was printed: `outpatient-record`.
    pub document_type: String,
    pub patient_id: String,
    pub encounter_id: String,
    pub composition_id: String,
    pub composition_version: String,
    /// SHA-256 of the PDF bytes, lower-case hex.
    pub sha256: String,
    pub hospital: String,
    /// The visit's date in the hospital's time zone (`2026-12-07`).
    pub visit_date: String,
    pub department: String,
    /// Already masked (`张*`).
    pub patient_masked: String,
    pub issued_at: i64,
    /// Who issued it, as the audit trail names them.
    pub issued_by: String,
}

/// Why a document could not be registered.
#[derive(Debug, thiserror::Error)]
pub enum IssuedDocument {
    #[error("the verification code is already in use")]
    CodeTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

const COLUMNS: &str = "code, document_type, patient_id, encounter_id, composition_id, \
    composition_version, sha256, hospital, visit_date, department, patient_masked, issued_at, \
    issued_by";

fn from_row(row: &sqlx::any::AnyRow) -> Result<RecordDocument, StoreError> {
    Ok(RecordDocument {
        code: row.try_get(0)?,
        document_type: row.try_get(1)?,
        patient_id: row.try_get(2)?,
        encounter_id: row.try_get(3)?,
        composition_id: row.try_get(4)?,
        composition_version: row.try_get(5)?,
        sha256: row.try_get(6)?,
        hospital: row.try_get(7)?,
        visit_date: row.try_get(8)?,
        department: row.try_get(9)?,
        patient_masked: row.try_get(10)?,
        issued_at: row.try_get(11)?,
        issued_by: row.try_get(12)?,
    })
}

impl Store {
    /// Registers an issued document. A code already registered is refused (`CodeTaken`):
    /// the caller draws another, so a code names one document for ever.
    pub async fn add_record_document(&self, doc: &RecordDocument) -> Result<(), IssuedDocument> {
        let sql = format!(
            "INSERT INTO record_documents ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        );
        let inserted = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&doc.code)
            .bind(&doc.document_type)
            .bind(&doc.patient_id)
            .bind(&doc.encounter_id)
            .bind(&doc.composition_id)
            .bind(&doc.composition_version)
            .bind(&doc.sha256)
            .bind(&doc.hospital)
            .bind(&doc.visit_date)
            .bind(&doc.department)
            .bind(&doc.patient_masked)
            .bind(doc.issued_at)
            .bind(&doc.issued_by)
            .execute(&self.writer)
            .await;
        match inserted {
            Ok(_) => Ok(()),
            Err(err) if StoreError::is_unique_violation(&err) => Err(IssuedDocument::CodeTaken),
            Err(err) => Err(StoreError::from(err).into()),
        }
    }

    /// The document a code names, if any.
    pub async fn record_document(&self, code: &str) -> Result<Option<RecordDocument>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM record_documents WHERE code = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The documents issued for a patient, newest first.
    pub async fn record_documents_of_patient(
        &self,
        patient_id: &str,
    ) -> Result<Vec<RecordDocument>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM record_documents WHERE patient_id = $1 \
             ORDER BY issued_at DESC, code"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }
}
