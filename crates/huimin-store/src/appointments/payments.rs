//! Registration fees paid at the desk and their refunds (`payments`, migration 0009).
//!
//! One payment per appointment (a unique key), so a payment is never applied twice: paying
//! again answers with the first payment. A refund is a status change made by the transaction
//! that cancels the appointment, so a cancelled booking is never left charged.

use huimin_domain::appointments::{AppointmentStatus, PaymentMethod};
use jiff::Timestamp;
use sqlx::{AnyConnection, Row};

use super::booking::{BookingError, fetch_appointment};
use super::lifecycle::{confirm_in, lock_appointment};
use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRecord {
    pub id: String,
    pub appointment_id: String,
    pub patient_id: String,
    pub amount_fen: i64,
    pub method: String,
    /// `paid` or `refunded`.
    pub status: String,
    pub paid_at: i64,
    pub paid_by: Option<String>,
    pub refunded_at: Option<i64>,
    pub refund_reason: Option<String>,
}

/// A payment and whether this call made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Paid {
    Fresh(PaymentRecord),
    /// The appointment was already paid for: the first payment, unchanged.
    Before(PaymentRecord),
}

const COLUMNS: &str = "id, appointment_id, patient_id, amount_fen, method, status, paid_at, \
     paid_by, refunded_at, refund_reason";

fn from_row(row: &sqlx::any::AnyRow) -> Result<PaymentRecord, StoreError> {
    Ok(PaymentRecord {
        id: row.try_get(0)?,
        appointment_id: row.try_get(1)?,
        patient_id: row.try_get(2)?,
        amount_fen: row.try_get(3)?,
        method: row.try_get(4)?,
        status: row.try_get(5)?,
        paid_at: row.try_get(6)?,
        paid_by: row.try_get(7)?,
        refunded_at: row.try_get(8)?,
        refund_reason: row.try_get(9)?,
    })
}

async fn fetch_payment(
    conn: &mut AnyConnection,
    appointment_id: &str,
) -> Result<Option<PaymentRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM payments WHERE appointment_id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(appointment_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Marks the appointment's payment refunded, if it has one that is not; the amount refunded.
pub(crate) async fn refund_in(
    conn: &mut AnyConnection,
    appointment_id: &str,
    reason: &str,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query(
        "UPDATE payments SET status = 'refunded', refunded_at = $1, refund_reason = $2 \
         WHERE appointment_id = $3 AND status = 'paid' RETURNING amount_fen",
    )
    .bind(now)
    .bind(reason)
    .bind(appointment_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// A booking moved to another session takes its payment along.
pub(crate) async fn move_payment(
    conn: &mut AnyConnection,
    from: &str,
    to: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE payments SET appointment_id = $1 WHERE appointment_id = $2 AND status = 'paid'",
    )
    .bind(to)
    .bind(from)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// The payment for an appointment, if any.
    pub async fn payment(&self, appointment_id: &str) -> Result<Option<PaymentRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        fetch_payment(&mut conn, appointment_id).await
    }

    /// Records the session's fee as paid at the desk. A pending hold is confirmed in the same
    /// transaction (paying is what a hold waits for). Paying an appointment already paid for
    /// answers with the first payment.
    pub async fn pay_at_desk(
        &self,
        appointment_id: &str,
        method: PaymentMethod,
        paid_by: &str,
        now: Timestamp,
    ) -> Result<Paid, BookingError> {
        let now = now.as_microsecond();
        let mut tx = self.writer.begin().await?;
        lock_appointment(&mut tx, appointment_id).await?;
        let appointment = fetch_appointment(&mut tx, appointment_id)
            .await?
            .ok_or(BookingError::NotFound)?;
        if let Some(existing) = fetch_payment(&mut tx, appointment_id).await? {
            return match existing.status.as_str() {
                "paid" => Ok(Paid::Before(existing)),
                _ => Err(BookingError::NotPayable {
                    status: appointment.status,
                }),
            };
        }
        match appointment.status {
            AppointmentStatus::Pending => {
                if !confirm_in(&mut tx, appointment_id, now).await? {
                    return Err(BookingError::HoldExpired);
                }
            }
            AppointmentStatus::Booked | AppointmentStatus::CheckedIn => {}
            status => return Err(BookingError::NotPayable { status }),
        }
        let fee: i64 = sqlx::query("SELECT fee_fen FROM clinic_sessions WHERE id = $1")
            .bind(&appointment.session_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        if fee <= 0 {
            return Err(BookingError::NoFee);
        }
        let record = PaymentRecord {
            id: uuid::Uuid::new_v4().to_string(),
            appointment_id: appointment_id.to_owned(),
            patient_id: appointment.patient_id,
            amount_fen: fee,
            method: method.code().to_owned(),
            status: "paid".into(),
            paid_at: now,
            paid_by: Some(paid_by.to_owned()),
            refunded_at: None,
            refund_reason: None,
        };
        sqlx::query(
            "INSERT INTO payments (id, appointment_id, patient_id, amount_fen, method, status, paid_at, paid_by) \
             VALUES ($1, $2, $3, $4, $5, 'paid', $6, $7)",
        )
        .bind(&record.id)
        .bind(&record.appointment_id)
        .bind(&record.patient_id)
        .bind(record.amount_fen)
        .bind(&record.method)
        .bind(record.paid_at)
        .bind(paid_by)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Paid::Fresh(record))
    }
}
