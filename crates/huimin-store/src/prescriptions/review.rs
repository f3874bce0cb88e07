//! Pharmacist review 处方审核: every signed version waits in the queue, oldest first, and is
//! decided once. Approval reserves the stock and puts each line on the visit's bill as a
//! charge item, in one transaction; a return sends it back to the doctor with a reason.

use sqlx::{AnyConnection, Row};

use super::{PrescriptionError, PrescriptionRecord, items_in, move_status, prescription_in, stock};
use crate::{Store, StoreError};

/// A review, pending or decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewRecord {
    pub prescription_id: String,
    pub version: i64,
    pub doctor: String,
    pub submitted_at: i64,
    pub pharmacist: Option<String>,
    pub decision: Option<String>,
    pub reason_code: Option<String>,
    pub reason_text: Option<String>,
    pub decided_at: Option<i64>,
}

/// What the pharmacist decides.
#[derive(Clone, Debug)]
pub enum Decision<'a> {
    /// Approved: each line's charge (code, names, unit price in fen) for the bill.
    Approve {
        charges: &'a [(String, String, String, i64)],
    },
    Return {
        reason_code: &'a str,
        reason_text: &'a str,
    },
}

/// Review figures per doctor: versions reviewed, returned, and the mean wait in seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewStats {
    pub doctor: String,
    pub reviewed: i64,
    pub returned: i64,
    pub mean_wait_seconds: f64,
}

pub(crate) async fn submit_in(
    conn: &mut AnyConnection,
    id: &str,
    version: i64,
    doctor: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO prescription_reviews (id, prescription_id, version, doctor, submitted_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(id)
    .bind(version)
    .bind(doctor)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Aborts a prescription's charge items not yet paid.
pub(crate) async fn abort_charges_in(
    conn: &mut AnyConnection,
    id: &str,
    now: i64,
) -> Result<(), PrescriptionError> {
    sqlx::query(
        "UPDATE charge_items SET status = 'aborted', updated_at = $1 WHERE status = 'billable' \
         AND id IN (SELECT charge_item_id FROM prescription_items WHERE prescription_id = $2)",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn review(row: &sqlx::any::AnyRow) -> Result<ReviewRecord, StoreError> {
    Ok(ReviewRecord {
        prescription_id: row.try_get(0)?,
        version: row.try_get(1)?,
        doctor: row.try_get(2)?,
        submitted_at: row.try_get(3)?,
        pharmacist: row.try_get(4)?,
        decision: row.try_get(5)?,
        reason_code: row.try_get(6)?,
        reason_text: row.try_get(7)?,
        decided_at: row.try_get(8)?,
    })
}

const REVIEW_COLUMNS: &str = "prescription_id, version, doctor, submitted_at, pharmacist, \
     decision, reason_code, reason_text, decided_at";

/// Puts each line on the visit's bill and links it to its item.
async fn charge_in(
    conn: &mut AnyConnection,
    record: &PrescriptionRecord,
    charges: &[(String, String, String, i64)],
    by: &str,
    now: i64,
) -> Result<(), PrescriptionError> {
    let appointment_id: String =
        sqlx::query_scalar("SELECT appointment_id FROM encounters WHERE id = $1")
            .bind(&record.encounter_id)
            .fetch_one(&mut *conn)
            .await?;
    crate::appointments::lock_appointment(conn, &appointment_id).await?;
    let appointment = crate::appointments::fetch_appointment(conn, &appointment_id)
        .await?
        .ok_or(PrescriptionError::NotFound)?;
    let bill = crate::billing::open_bill_in(conn, &appointment, Some(by), now).await?;
    let bill_status: String = sqlx::query_scalar("SELECT status FROM bills WHERE id = $1")
        .bind(&bill)
        .fetch_one(&mut *conn)
        .await?;
    if bill_status == "cancelled" {
        return Err(PrescriptionError::BillCancelled);
    }
    let items = items_in(conn, &record.id).await?;
    for (item, (code, zh, en, unit_fen)) in items.iter().zip(charges) {
        let charge = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO charge_items (id, bill_id, patient_id, code, name_zh, name_en, quantity, \
             unit_price_fen, amount_fen, list_price_fen, context, status, performed_at, \
             entered_by, created_at, updated_at, category) VALUES ($1, $2, $3, $4, $5, $6, $7, \
             $8, $9, NULL, $10, 'billable', NULL, $11, $12, $12, 'drug')",
        )
        .bind(&charge)
        .bind(&bill)
        .bind(&record.patient_id)
        .bind(code)
        .bind(zh)
        .bind(en)
        .bind(item.quantity)
        .bind(*unit_fen)
        .bind(unit_fen * item.quantity)
        .bind(format!("MedicationRequest/{}/{}", record.id, item.line_no))
        .bind(by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "UPDATE prescription_items SET charge_item_id = $1 WHERE prescription_id = $2 \
             AND line_no = $3",
        )
        .bind(&charge)
        .bind(&record.id)
        .bind(item.line_no)
        .execute(&mut *conn)
        .await?;
    }
    crate::billing::write_status(conn, &bill, now).await?;
    Ok(())
}

impl Store {
    /// Versions waiting for review, oldest first.
    pub async fn review_queue(&self, limit: u32) -> Result<Vec<ReviewRecord>, StoreError> {
        let sql = format!(
            "SELECT {REVIEW_COLUMNS} FROM prescription_reviews WHERE decided_at IS NULL \
             ORDER BY submitted_at, id LIMIT {}",
            limit.clamp(1, 500)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(review).collect()
    }

    /// Every review of a prescription, first first.
    pub async fn reviews_of(&self, id: &str) -> Result<Vec<ReviewRecord>, StoreError> {
        let sql = format!(
            "SELECT {REVIEW_COLUMNS} FROM prescription_reviews WHERE prescription_id = $1 \
             ORDER BY version"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(review).collect()
    }

    /// Decides the version reviewed. Approval reserves each line's packages from lots usable
    /// until the prescription's last valid day and bills them; either all of it or nothing.
    pub async fn decide_prescription(
        &self,
        id: &str,
        version: i64,
        pharmacist: &str,
        decision: &Decision<'_>,
        now: i64,
    ) -> Result<PrescriptionRecord, PrescriptionError> {
        let mut tx = self.writer.begin().await?;
        let record = prescription_in(self, &mut tx, id)
            .await?
            .ok_or(PrescriptionError::NotFound)?;
        if record.status != "submitted" {
            return Err(PrescriptionError::WrongStatus(record.status));
        }
        if record.version != version {
            return Err(PrescriptionError::Conflict);
        }
        let (code, reason_code, reason_text) = match decision {
            Decision::Approve { .. } => ("approved", None, None),
            Decision::Return {
                reason_code,
                reason_text,
            } => ("returned", Some(*reason_code), Some(*reason_text)),
        };
        let decided = sqlx::query(
            "UPDATE prescription_reviews SET pharmacist = $1, decision = $2, reason_code = $3, \
             reason_text = $4, decided_at = $5 WHERE prescription_id = $6 AND version = $7 \
             AND decided_at IS NULL",
        )
        .bind(pharmacist)
        .bind(code)
        .bind(reason_code)
        .bind(reason_text)
        .bind(now)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if decided.rows_affected() != 1 {
            return Err(PrescriptionError::Conflict);
        }
        match decision {
            Decision::Approve { charges } => {
                move_status(
                    &mut tx,
                    id,
                    &["submitted"],
                    "approved",
                    Some("approved_at"),
                    now,
                )
                .await?;
                for item in items_in(&mut tx, id).await? {
                    stock::reserve_in(
                        &mut tx,
                        id,
                        item.line_no,
                        &item.drug_code,
                        item.quantity,
                        &record.valid_until,
                    )
                    .await?;
                }
                charge_in(&mut tx, &record, charges, pharmacist, now).await?;
            }
            Decision::Return { .. } => {
                move_status(&mut tx, id, &["submitted"], "returned", None, now).await?;
            }
        }
        let record = prescription_in(self, &mut tx, id)
            .await?
            .ok_or(PrescriptionError::NotFound)?;
        tx.commit().await?;
        Ok(record)
    }

    /// Review figures per doctor over reviews submitted in `[from, to)`.
    pub async fn review_stats(&self, from: i64, to: i64) -> Result<Vec<ReviewStats>, StoreError> {
        let rows = sqlx::query(
            "SELECT doctor, COUNT(*), \
             CAST(SUM(CASE WHEN decision = 'returned' THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(decided_at - submitted_at) AS BIGINT) \
             FROM prescription_reviews WHERE decided_at IS NOT NULL AND submitted_at >= $1 \
             AND submitted_at < $2 GROUP BY doctor ORDER BY doctor",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let reviewed: i64 = r.try_get(1)?;
                let waited: i64 = r.try_get(3)?;
                Ok(ReviewStats {
                    doctor: r.try_get(0)?,
                    reviewed,
                    returned: r.try_get(2)?,
                    mean_wait_seconds: waited as f64 / reviewed.max(1) as f64 / 1e6,
                })
            })
            .collect()
    }
}
