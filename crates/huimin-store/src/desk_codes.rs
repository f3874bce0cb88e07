//! One-time codes the desk issues for a Patient record (`desk_codes`), and the writes a code
//! unlocks: claiming the record at sign-up, linking it as a family member, setting a new
//! password. A code is used by a conditional update in the same transaction as the write it
//! unlocks, so it opens one write at most, however many arrive together.

use sqlx::{AnyConnection, Row};

use crate::account_sessions::{end_all, ended};
use crate::family::{LinkRefusal, link, record_consent, room_for_one_more};
use crate::users::{NewUser, UserRecord, insert_user};
use crate::{Store, StoreError};

/// A code to store; the code itself is given in clear and stored only as a keyed hash.
#[derive(Clone, Copy, Debug)]
pub struct NewDeskCode<'a> {
    pub patient_id: &'a str,
    pub purpose: &'a str,
    pub code: &'a str,
    /// The staff account that issued it.
    pub issued_by: &'a str,
    pub issued_at_micros: i64,
    pub expires_at_micros: i64,
}

/// The newest code of a record and purpose, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeskCodeRecord {
    pub id: String,
    pub code_hash: String,
    pub expires_at_micros: i64,
    pub failures: i64,
    pub closed: bool,
}

/// Using a code: which one, when, by whom, and the wrong tries that void it.
#[derive(Clone, Copy, Debug)]
pub struct CodeUse<'a> {
    pub id: &'a str,
    pub now_micros: i64,
    pub max_failures: i64,
}

impl Store {
    /// The keyed hash a code of a record and purpose is stored and compared as.
    pub fn desk_code_hash(&self, patient_id: &str, purpose: &str, code: &str) -> String {
        self.blind(&format!("desk-code|{patient_id}|{purpose}|{code}"))
    }

    /// Stores a new code; earlier open codes of the same record and purpose are closed.
    pub async fn issue_desk_code(&self, code: NewDeskCode<'_>) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "UPDATE desk_codes SET closed_at = $1 \
             WHERE patient_id = $2 AND purpose = $3 AND closed_at IS NULL",
        )
        .bind(code.issued_at_micros)
        .bind(code.patient_id)
        .bind(code.purpose)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO desk_codes (id, patient_id, purpose, code_hash, issued_by, issued_at, \
             expires_at, failures) VALUES ($1, $2, $3, $4, $5, $6, $7, 0)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(code.patient_id)
        .bind(code.purpose)
        .bind(self.desk_code_hash(code.patient_id, code.purpose, code.code))
        .bind(code.issued_by)
        .bind(code.issued_at_micros)
        .bind(code.expires_at_micros)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest code issued for a record and purpose.
    pub async fn latest_desk_code(
        &self,
        patient_id: &str,
        purpose: &str,
    ) -> Result<Option<DeskCodeRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, code_hash, expires_at, failures, closed_at FROM desk_codes \
             WHERE patient_id = $1 AND purpose = $2 ORDER BY issued_at DESC, id LIMIT 1",
        )
        .bind(patient_id)
        .bind(purpose)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(DeskCodeRecord {
                id: r.try_get(0)?,
                code_hash: r.try_get(1)?,
                expires_at_micros: r.try_get(2)?,
                failures: r.try_get(3)?,
                closed: r.try_get::<Option<i64>, _>(4)?.is_some(),
            })
        })
        .transpose()
    }

    /// Counts a wrong try against an open code.
    pub async fn count_desk_code_failure(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE desk_codes SET failures = failures + 1 WHERE id = $1 AND closed_at IS NULL",
        )
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Creates a patient account whose own record is an existing Patient, unlocked by a
    /// code, with the version of the agreement accepted.
    pub async fn claim_patient_account(
        &self,
        user: NewUser,
        patient_id: &str,
        code: CodeUse<'_>,
        consent: &str,
    ) -> Result<Result<UserRecord, LinkRefusal>, StoreError> {
        let mut tx = self.writer.begin().await?;
        let user_id = insert_user(&mut tx, &user).await?;
        if !use_code(&mut tx, code, &user_id).await? {
            return Ok(Err(LinkRefusal::CodeGone));
        }
        if let Err(refused) = link(&mut tx, &user_id, patient_id, "self").await? {
            return Ok(Err(refused));
        }
        record_consent(&mut tx, &user_id, consent).await?;
        tx.commit().await?;
        let record = self
            .user_by_id(&user_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(Ok(record))
    }

    /// Links an existing Patient to an account as a family member, unlocked by a code,
    /// within the account's limit of `limit` family members.
    pub async fn link_family_with_code(
        &self,
        user_id: &str,
        patient_id: &str,
        relationship: &str,
        code: CodeUse<'_>,
        limit: u32,
    ) -> Result<Result<(), LinkRefusal>, StoreError> {
        let mut tx = self.writer.begin().await?;
        if let Err(count) = room_for_one_more(&mut tx, user_id, limit).await? {
            return Ok(Err(LinkRefusal::Limit(count)));
        }
        if !use_code(&mut tx, code, user_id).await? {
            return Ok(Err(LinkRefusal::CodeGone));
        }
        if let Err(refused) = link(&mut tx, user_id, patient_id, relationship).await? {
            return Ok(Err(refused));
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Sets a new password hash on an account (and clears its login lock), unlocked by a
    /// code; `false` when the code was used, expired or voided meanwhile.
    pub async fn reset_password_with_code(
        &self,
        user_id: &str,
        password_hash: &str,
        code: CodeUse<'_>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await?;
        if !use_code(&mut tx, code, user_id).await? {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = 0, \
             updated_at = $2 WHERE id = $3",
        )
        .bind(password_hash)
        .bind(code.now_micros)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        end_all(&mut tx, user_id, ended::PASSWORD, code.now_micros).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Closes an open, unexpired, not voided code as used by `user_id`; whether it was.
async fn use_code(
    conn: &mut AnyConnection,
    code: CodeUse<'_>,
    user_id: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE desk_codes SET closed_at = $1, used_by = $2 \
         WHERE id = $3 AND closed_at IS NULL AND expires_at > $1 AND failures < $4",
    )
    .bind(code.now_micros)
    .bind(user_id)
    .bind(code.id)
    .bind(code.max_failures)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
