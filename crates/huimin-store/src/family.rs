//! The Patient records an account may act for (`account_patients`): the holder's own record
//! (`self`, one per account and one account per record) and family members (就诊人) with
//! their relationship. Unlinking a family member removes the link, never the record.

use sqlx::{AnyConnection, Row};

use crate::resources::{ResourceWrite, StoredResource};
use crate::{Store, StoreError, now_micros};

/// One record an account may act for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountLink {
    pub patient_id: String,
    /// `self`, or a family member's relationship code.
    pub relationship: String,
    pub linked_at_micros: i64,
}

/// What an attempt to unlink a family member came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unlink {
    Done,
    /// The record is not linked to the account (or is its holder's own).
    NotLinked,
    /// The member holds a booking that is still to come (pending, booked or checked in).
    ActiveBooking,
}

/// Why linking a record to an account did not happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkRefusal {
    /// The account already manages this many family members.
    Limit(u32),
    /// The record is already linked to the account.
    AlreadyLinked,
    /// The record is already another account's own record.
    AlreadyHeld,
    /// The desk code was used, expired or voided meanwhile.
    CodeGone,
}

/// Orders an account's links: the holder's own record first, then in the order added.
const LINK_ORDER: &str =
    "CASE WHEN relationship = 'self' THEN 0 ELSE 1 END, created_at, patient_id";

impl Store {
    /// The Patient ids an account may act for, its holder's own record first.
    pub async fn account_patient_ids(&self, user_id: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .account_links(user_id)
            .await?
            .into_iter()
            .map(|l| l.patient_id)
            .collect())
    }

    /// The records an account may act for, its holder's own record first.
    pub async fn account_links(&self, user_id: &str) -> Result<Vec<AccountLink>, StoreError> {
        let sql = format!(
            "SELECT patient_id, relationship, created_at FROM account_patients \
             WHERE user_id = $1 ORDER BY {LINK_ORDER}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AccountLink {
                    patient_id: r.try_get(0)?,
                    relationship: r.try_get(1)?,
                    linked_at_micros: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// The account whose own record the Patient is, if any.
    pub async fn holder_of(&self, patient_id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id FROM account_patients WHERE patient_id = $1 AND relationship = 'self'",
        )
        .bind(patient_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// The Patient that carries an identity document (`system`, normalised `value`).
    pub async fn patient_with_document(
        &self,
        system: &str,
        value: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT id FROM unique_identifiers \
             WHERE resource_type = 'Patient' AND system = $1 AND value_hash = $2",
        )
        .bind(system)
        .bind(self.blind(value))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Adds a new family member's Patient record to an account, refusing when the account
    /// already manages `limit` family members. The account row is locked first (a no-op
    /// update), so two concurrent additions cannot both see room for one more.
    pub async fn add_family_patient(
        &self,
        user_id: &str,
        patient: ResourceWrite<'_>,
        relationship: &str,
        limit: u32,
    ) -> Result<Result<StoredResource, u32>, StoreError> {
        let mut tx = self.writer.begin().await?;
        if let Err(count) = room_for_one_more(&mut tx, user_id, limit).await? {
            return Ok(Err(count));
        }
        let stored = self.insert_resource(&mut tx, patient).await?;
        // A record made in this transaction is nobody's yet.
        link(&mut tx, user_id, &stored.id, relationship)
            .await?
            .map_err(|_| StoreError::Corrupt("a new Patient was already linked".into()))?;
        tx.commit().await?;
        Ok(Ok(stored))
    }

    /// A family member's new relationship and, when given, their record's new version (only
    /// if the stored one is still `expected_version`), in one transaction. `false` when the
    /// record is not a family member of the account.
    pub async fn update_family_member(
        &self,
        user_id: &str,
        patient_id: &str,
        relationship: &str,
        record: ResourceWrite<'_>,
        expected_version: i64,
    ) -> Result<Option<StoredResource>, StoreError> {
        let mut tx = self.writer.begin().await?;
        let changed = sqlx::query(
            "UPDATE account_patients SET relationship = $1 \
             WHERE user_id = $2 AND patient_id = $3 AND relationship <> 'self'",
        )
        .bind(relationship)
        .bind(user_id)
        .bind(patient_id)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Ok(None);
        }
        let stored = self
            .replace_resource_in(&mut tx, record, Some(expected_version))
            .await?;
        tx.commit().await?;
        Ok(Some(stored))
    }

    /// Unlinks a family member from an account unless they hold a booking on or after
    /// `today` (`YYYY-MM-DD`) that is still to come. The patient's booking lock is taken
    /// first, so a booking of theirs being written waits or is seen.
    pub async fn unlink_family_member(
        &self,
        user_id: &str,
        patient_id: &str,
        today: &str,
    ) -> Result<Unlink, StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("UPDATE patient_booking_locks SET version = version WHERE patient_id = $1")
            .bind(patient_id)
            .execute(&mut *tx)
            .await?;
        let active: i64 = sqlx::query(
            "SELECT COUNT(*) FROM appointments WHERE patient_id = $1 \
             AND status IN ('pending', 'booked', 'checked-in') AND session_date >= $2",
        )
        .bind(patient_id)
        .bind(today)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        if active > 0 {
            return Ok(Unlink::ActiveBooking);
        }
        let removed = sqlx::query(
            "DELETE FROM account_patients \
             WHERE user_id = $1 AND patient_id = $2 AND relationship <> 'self'",
        )
        .bind(user_id)
        .bind(patient_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(if removed.rows_affected() == 0 {
            Unlink::NotLinked
        } else {
            Unlink::Done
        })
    }
}

/// `Err(count)` when the account already manages `limit` family members; locks the account
/// row first.
pub(crate) async fn room_for_one_more(
    conn: &mut AnyConnection,
    user_id: &str,
    limit: u32,
) -> Result<Result<(), u32>, StoreError> {
    sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let family: i64 = sqlx::query(
        "SELECT COUNT(*) FROM account_patients WHERE user_id = $1 AND relationship <> 'self'",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let family = u32::try_from(family).unwrap_or(u32::MAX);
    Ok(if family >= limit { Err(family) } else { Ok(()) })
}

/// Links a record to an account. A second own record of a Patient breaks the unique index
/// `account_patients_one_holder`: `AlreadyHeld`. `AlreadyLinked` when the account has it.
pub(crate) async fn link(
    conn: &mut AnyConnection,
    user_id: &str,
    patient_id: &str,
    relationship: &str,
) -> Result<Result<(), LinkRefusal>, StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO account_patients (user_id, patient_id, relationship, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, patient_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(patient_id)
    .bind(relationship)
    .bind(now_micros())
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(done) if done.rows_affected() == 0 => Ok(Err(LinkRefusal::AlreadyLinked)),
        Ok(_) => Ok(Ok(())),
        Err(err) if StoreError::is_unique_violation(&err) => Ok(Err(LinkRefusal::AlreadyHeld)),
        Err(err) => Err(err.into()),
    }
}

/// Records that an account accepted a version of the agreement and privacy policy.
pub(crate) async fn record_consent(
    conn: &mut AnyConnection,
    user_id: &str,
    version: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO account_consents (user_id, version, accepted_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, version) DO NOTHING",
    )
    .bind(user_id)
    .bind(version)
    .bind(now_micros())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// The versions of the agreement an account accepted, with when (microseconds).
    pub async fn account_consents(&self, user_id: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, accepted_at FROM account_consents WHERE user_id = $1 ORDER BY accepted_at",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }
}
