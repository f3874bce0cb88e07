//! Outpatient notes and their versions. A draft is rewritten in place while the doctor
//! types; signing freezes that version; a signed version is never written again, and an
//! amendment adds the next version, signed in the same statement group.

use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError};

/// A note's head: which version is current, and whether it is signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteRecord {
    pub id: String,
    pub encounter_id: String,
    pub patient_id: String,
    pub author_role_id: String,
    pub author_practitioner_id: String,
    pub department_id: String,
    /// `draft` or `signed`.
    pub status: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl NoteRecord {
    pub fn is_signed(&self) -> bool {
        self.status == "signed"
    }
}

/// One version of a note, opened.
#[derive(Clone, Debug, PartialEq)]
pub struct NoteVersion {
    pub note_id: String,
    pub version: i64,
    pub content: Value,
    pub created_at: i64,
    pub signature: Option<SignatureFacts>,
}

/// A signature over a version: the key that made it, the base64 signature and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureFacts {
    pub key_id: String,
    pub signature: String,
    pub signed_at: i64,
}

/// A draft as first written.
#[derive(Clone, Copy, Debug)]
pub struct NewNote<'a> {
    pub id: &'a str,
    pub encounter_id: &'a str,
    pub patient_id: &'a str,
    pub author_role_id: &'a str,
    pub author_practitioner_id: &'a str,
    pub department_id: &'a str,
    pub content: &'a Value,
}

#[derive(Debug, thiserror::Error)]
pub enum NoteWriteError {
    /// The version is signed: it is never written again (amend instead).
    #[error("the note is signed")]
    Signed,
    /// The note is a draft, so there is nothing signed to amend.
    #[error("the note is not signed")]
    NotSigned,
    /// Someone else changed the note since the caller read it.
    #[error("the note changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for NoteWriteError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

const COLUMNS: &str = "id, encounter_id, patient_id, author_role_id, author_practitioner_id, \
     department_id, status, version, created_at, updated_at";

fn from_row(row: &AnyRow) -> Result<NoteRecord, StoreError> {
    Ok(NoteRecord {
        id: row.try_get(0)?,
        encounter_id: row.try_get(1)?,
        patient_id: row.try_get(2)?,
        author_role_id: row.try_get(3)?,
        author_practitioner_id: row.try_get(4)?,
        department_id: row.try_get(5)?,
        status: row.try_get(6)?,
        version: row.try_get(7)?,
        created_at: row.try_get(8)?,
        updated_at: row.try_get(9)?,
    })
}

impl Store {
    fn seal_json(&self, value: &Value) -> String {
        self.crypto.seal(&value.to_string())
    }

    fn open_json(&self, stored: &str) -> Result<Value, StoreError> {
        let text = self.crypto.open(stored)?;
        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    pub async fn note(&self, id: &str) -> Result<Option<NoteRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM record_notes WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn note_of_encounter(
        &self,
        encounter_id: &str,
    ) -> Result<Option<NoteRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM record_notes WHERE encounter_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(encounter_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The notes of these patients, latest first.
    pub async fn notes_of_patients(
        &self,
        patients: &[String],
    ) -> Result<Vec<NoteRecord>, StoreError> {
        let mut out = Vec::new();
        for patient in patients {
            let sql = format!(
                "SELECT {COLUMNS} FROM record_notes WHERE patient_id = $1 ORDER BY created_at DESC"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(patient)
                .fetch_all(&self.pool)
                .await?;
            for row in &rows {
                out.push(from_row(row)?);
            }
        }
        out.sort_by_key(|n| std::cmp::Reverse(n.created_at));
        Ok(out)
    }

    /// A doctor's notes still unsigned, oldest first (the quality-control list).
    pub async fn unsigned_notes_of(
        &self,
        practitioner_id: &str,
    ) -> Result<Vec<NoteRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM record_notes WHERE author_practitioner_id = $1 AND status = 'draft' \
             ORDER BY created_at"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(practitioner_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// One version of a note.
    pub async fn note_version(
        &self,
        id: &str,
        version: i64,
    ) -> Result<Option<NoteVersion>, StoreError> {
        let row = sqlx::query(
            "SELECT note_id, version, content, created_at, signed_at, key_id, signature \
             FROM record_note_versions WHERE note_id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| self.version_from_row(&r)).transpose()
    }

    /// Every version of a note, first to last.
    pub async fn note_versions(&self, id: &str) -> Result<Vec<NoteVersion>, StoreError> {
        let rows = sqlx::query(
            "SELECT note_id, version, content, created_at, signed_at, key_id, signature \
             FROM record_note_versions WHERE note_id = $1 ORDER BY version",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| self.version_from_row(r)).collect()
    }

    fn version_from_row(&self, row: &AnyRow) -> Result<NoteVersion, StoreError> {
        let content: String = row.try_get(2)?;
        let signed_at: Option<i64> = row.try_get(4)?;
        let key_id: Option<String> = row.try_get(5)?;
        let signature: Option<String> = row.try_get(6)?;
        Ok(NoteVersion {
            note_id: row.try_get(0)?,
            version: row.try_get(1)?,
            content: self.open_json(&content)?,
            created_at: row.try_get(3)?,
            signature: match (signed_at, key_id, signature) {
                (Some(signed_at), Some(key_id), Some(signature)) => Some(SignatureFacts {
                    key_id,
                    signature,
                    signed_at,
                }),
                _ => None,
            },
        })
    }

    /// Writes the draft of a visit's note: creates the note (version 1) on the first save,
    /// else rewrites the current version while it is unsigned. A signed note is refused.
    pub async fn save_note_draft(
        &self,
        note: NewNote<'_>,
        now: i64,
    ) -> Result<NoteRecord, NoteWriteError> {
        let sealed = self.seal_json(note.content);
        let mut tx = self.writer.begin().await?;
        let created = sqlx::query(
            "INSERT INTO record_notes (id, encounter_id, patient_id, author_role_id, \
             author_practitioner_id, department_id, status, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'draft', 1, $7, $7) ON CONFLICT (encounter_id) DO NOTHING",
        )
        .bind(note.id)
        .bind(note.encounter_id)
        .bind(note.patient_id)
        .bind(note.author_role_id)
        .bind(note.author_practitioner_id)
        .bind(note.department_id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if created {
            sqlx::query(
                "INSERT INTO record_note_versions (note_id, version, content, created_at) \
                 VALUES ($1, 1, $2, $3)",
            )
            .bind(note.id)
            .bind(&sealed)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        } else {
            let Some(row) = sqlx::query(
                "UPDATE record_notes SET updated_at = $1 WHERE id = $2 AND encounter_id = $3 \
                 AND status = 'draft' RETURNING version",
            )
            .bind(now)
            .bind(note.id)
            .bind(note.encounter_id)
            .fetch_optional(&mut *tx)
            .await?
            else {
                let head = sqlx::query("SELECT id FROM record_notes WHERE id = $1")
                    .bind(note.id)
                    .fetch_optional(&mut *tx)
                    .await?;
                return Err(if head.is_some() {
                    NoteWriteError::Signed
                } else {
                    NoteWriteError::Conflict
                });
            };
            let version: i64 = row.try_get(0)?;
            let changed = sqlx::query(
                "UPDATE record_note_versions SET content = $1, created_at = $2 \
                 WHERE note_id = $3 AND version = $4 AND signed_at IS NULL",
            )
            .bind(&sealed)
            .bind(now)
            .bind(note.id)
            .bind(version)
            .execute(&mut *tx)
            .await?;
            if changed.rows_affected() != 1 {
                return Err(NoteWriteError::Signed);
            }
        }
        tx.commit().await?;
        self.note(note.id)
            .await?
            .ok_or(NoteWriteError::Store(StoreError::NotFound))
    }

    /// Signs the current draft: its version gets the final content (as signed) and the
    /// signature, and the note becomes signed. Refused when it is signed already or its
    /// version is no longer `version`.
    pub async fn sign_note(
        &self,
        id: &str,
        version: i64,
        content: &Value,
        signature: &SignatureFacts,
    ) -> Result<NoteRecord, NoteWriteError> {
        let sealed = self.seal_json(content);
        let mut tx = self.writer.begin().await?;
        let head = sqlx::query(
            "UPDATE record_notes SET status = 'signed', updated_at = $1 \
             WHERE id = $2 AND status = 'draft' AND version = $3",
        )
        .bind(signature.signed_at)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if head.rows_affected() != 1 {
            return Err(self.why_not_draft(id).await?);
        }
        let changed = sqlx::query(
            "UPDATE record_note_versions SET content = $1, signed_at = $2, key_id = $3, signature = $4 \
             WHERE note_id = $5 AND version = $6 AND signed_at IS NULL",
        )
        .bind(&sealed)
        .bind(signature.signed_at)
        .bind(&signature.key_id)
        .bind(&signature.signature)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(NoteWriteError::Signed);
        }
        tx.commit().await?;
        self.note(id)
            .await?
            .ok_or(NoteWriteError::Store(StoreError::NotFound))
    }

    /// Adds an amendment: version `version + 1`, signed, after the signed `version`.
    pub async fn amend_note(
        &self,
        id: &str,
        version: i64,
        content: &Value,
        signature: &SignatureFacts,
    ) -> Result<NoteRecord, NoteWriteError> {
        let sealed = self.seal_json(content);
        let mut tx = self.writer.begin().await?;
        let head = sqlx::query(
            "UPDATE record_notes SET version = $1, updated_at = $2 \
             WHERE id = $3 AND status = 'signed' AND version = $4",
        )
        .bind(version + 1)
        .bind(signature.signed_at)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if head.rows_affected() != 1 {
            let status = sqlx::query("SELECT status FROM record_notes WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match status {
                Some(row) if row.try_get::<String, _>(0)? == "draft" => NoteWriteError::NotSigned,
                _ => NoteWriteError::Conflict,
            });
        }
        sqlx::query(
            "INSERT INTO record_note_versions (note_id, version, content, created_at, signed_at, key_id, signature) \
             VALUES ($1, $2, $3, $4, $4, $5, $6)",
        )
        .bind(id)
        .bind(version + 1)
        .bind(&sealed)
        .bind(signature.signed_at)
        .bind(&signature.key_id)
        .bind(&signature.signature)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.note(id)
            .await?
            .ok_or(NoteWriteError::Store(StoreError::NotFound))
    }

    async fn why_not_draft(&self, id: &str) -> Result<NoteWriteError, StoreError> {
        Ok(match self.note(id).await? {
            Some(n) if n.is_signed() => NoteWriteError::Signed,
            _ => NoteWriteError::Conflict,
        })
    }
}
