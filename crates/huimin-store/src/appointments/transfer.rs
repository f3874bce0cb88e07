//! Moving one patient to another doctor of the same department on the same day (分诊台改派):
//! the old appointment is cancelled and its place returned, the patient takes the earliest
//! place of the other session that has not ended, keeps their arrival (a checked-in patient
//! joins the new line at once, with their priority), their payment, and is told — all in one
//! transaction.

use sqlx::Row;

use huimin_domain::appointments::{AppointmentStatus, KEY_STEP};

use super::booking::{BookingError, fetch_appointment, return_place};
use super::lifecycle::lock_appointment;
use super::payments::move_payment;
use super::suspend::{Landing, MovedMessage, insert_notification, move_into};
use super::{ACTIVE, AppointmentRecord};
use crate::Store;

/// A move done: the cancelled appointment and the one that replaces it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    pub from: AppointmentRecord,
    pub to: AppointmentRecord,
}

impl Store {
    /// Moves a booked or checked-in appointment into `target`, another active session of the
    /// same department and day. Refusals leave everything as it was.
    pub async fn transfer_appointment(
        &self,
        id: &str,
        target: &str,
        now: i64,
        message: &MovedMessage,
    ) -> Result<Transfer, BookingError> {
        let mut tx = self.writer.begin().await?;
        lock_appointment(&mut tx, id).await?;
        let old = fetch_appointment(&mut tx, id)
            .await?
            .ok_or(BookingError::NotFound)?;
        if !matches!(
            old.status,
            AppointmentStatus::Booked | AppointmentStatus::CheckedIn
        ) {
            return Err(BookingError::NotMovable { status: old.status });
        }
        let session = sqlx::query(
            "SELECT department_id, session_date FROM clinic_sessions WHERE id = $1 AND status = 'active'",
        )
        .bind(target)
        .fetch_optional(&mut *tx)
        .await?;
        let same_day_and_department = match &session {
            Some(row) => {
                let (department, date): (String, String) = (row.try_get(0)?, row.try_get(1)?);
                department == old.department_id && date == old.session_date
            }
            None => false,
        };
        if !same_day_and_department || target == old.session_id {
            return Err(BookingError::WrongTarget);
        }
        let sql = format!(
            "SELECT COUNT(*) FROM appointments WHERE session_id = $1 AND patient_id = $2 AND status IN {ACTIVE}"
        );
        let already: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(target)
            .bind(&old.patient_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        if already > 0 {
            return Err(BookingError::AlreadyInTarget);
        }
        let cancelled = sqlx::query(
            "UPDATE appointments SET status = 'cancelled', called_at = NULL, updated_at = $1 WHERE id = $2 AND status = $3",
        )
        .bind(now)
        .bind(id)
        .bind(old.status.code())
        .execute(&mut *tx)
        .await?;
        if cancelled.rows_affected() == 0 {
            return Err(BookingError::NotMovable { status: old.status });
        }
        return_place(
            &mut tx,
            &old.slot_id,
            &old.session_id,
            old.pool.code(),
            "booked",
        )
        .await?;
        let Some(mut new) =
            move_into(&mut tx, &old, target, "booked", (now, Landing::NotEnded)).await?
        else {
            // Dropping the transaction rolls the cancellation back.
            return Err(BookingError::TargetFull);
        };
        if old.status == AppointmentStatus::CheckedIn {
            // Already here: joins the new line at its number, keeping arrival time and priority.
            sqlx::query(
                "UPDATE appointments SET status = 'checked-in', \
                 checked_in_at = (SELECT checked_in_at FROM appointments WHERE id = $1), \
                 priority = (SELECT priority FROM appointments WHERE id = $1), \
                 order_key = queue_number * $2 WHERE id = $3",
            )
            .bind(id)
            .bind(KEY_STEP)
            .bind(&new.id)
            .execute(&mut *tx)
            .await?;
            new = fetch_appointment(&mut tx, &new.id)
                .await?
                .ok_or(BookingError::NotFound)?;
        }
        move_payment(&mut tx, id, &new.id).await?;
        let (zh, en) = message(&old, &new);
        let reference = format!("Appointment/{}", new.id);
        insert_notification(
            &mut tx,
            &old.patient_id,
            "transferred",
            &zh,
            &en,
            &reference,
            now,
        )
        .await?;
        let from = fetch_appointment(&mut tx, id)
            .await?
            .ok_or(BookingError::NotFound)?;
        tx.commit().await?;
        self.full_slots.forget(&old.slot_id);
        Ok(Transfer { from, to: new })
    }
}
