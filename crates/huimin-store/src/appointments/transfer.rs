//! Moving one patient to another doctor of the same department on the same day (分诊台改派):
//! the old appointment is cancelled and its place returned, the patient takes the earliest
//! place of the other session that has not ended, keeps their arrival (a checked-in patient
//! joins the new line at once, with their priority), their payment, and is told — all in one
//! transaction, taking locks in the booking order (patient → appointment → session → slot →
//! pool) and run again on a PostgreSQL deadlock.

use sqlx::Row;

use huimin_domain::appointments::{AppointmentStatus, KEY_STEP};

use super::AppointmentRecord;
use super::booking::{BookingError, fetch_appointment, lock_patient, return_place};
use super::lifecycle::lock_appointment;
use super::payments::move_payment;
use super::suspend::{Landed, Landing, MovedMessage, insert_notification, move_into};
use crate::Store;
use crate::retry::{Attempts, Finish};

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
        // An appointment's patient never changes, so it is read before the transaction to
        // take the patient's lock first.
        let patient = self
            .appointment(id)
            .await?
            .ok_or(BookingError::NotFound)?
            .patient_id;
        let mut attempts = Attempts::default();
        let done = loop {
            let mut tx = self.writer.begin().await?;
            let outcome = transfer_in(&mut tx, (id, &patient), target, now, message)
                .await
                .map(Finish::Commit);
            if let Some(answer) = attempts.end(tx, outcome).await {
                break answer?;
            }
        };
        self.full_slots.forget(&done.from.slot_id);
        Ok(done)
    }
}

async fn transfer_in(
    tx: &mut sqlx::AnyConnection,
    (id, patient): (&str, &str),
    target: &str,
    now: i64,
    message: &MovedMessage,
) -> Result<Transfer, BookingError> {
    lock_patient(tx, patient).await?;
    lock_appointment(tx, id).await?;
    let old = fetch_appointment(tx, id)
        .await?
        .ok_or(BookingError::NotFound)?;
    if !matches!(
        old.status,
        AppointmentStatus::Booked | AppointmentStatus::CheckedIn
    ) {
        return Err(BookingError::NotMovable { status: old.status });
    }
    // Locking the target keeps a stop-clinic from suspending it under the move.
    let session = sqlx::query(
        "UPDATE clinic_sessions SET status = status WHERE id = $1 AND status = 'active' \
         RETURNING department_id, session_date",
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
    sqlx::query(
        "UPDATE appointments SET status = 'cancelled', called_at = NULL, updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    return_place(tx, &old.slot_id, &old.session_id, old.pool.code(), "booked").await?;
    let mut new = match move_into(tx, &old, target, "booked", (now, Landing::NotEnded)).await? {
        Landed::Moved(new) => *new,
        Landed::Full => return Err(BookingError::TargetFull),
        Landed::AlreadyThere => return Err(BookingError::AlreadyInTarget),
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
        new.status = AppointmentStatus::CheckedIn;
    }
    move_payment(tx, id, &new.id).await?;
    let (zh, en) = message(&old, &new);
    let reference = format!("Appointment/{}", new.id);
    insert_notification(
        tx,
        &old.patient_id,
        "transferred",
        &zh,
        &en,
        &reference,
        now,
    )
    .await?;
    let from = AppointmentRecord {
        status: AppointmentStatus::Cancelled,
        updated_at: now,
        ..old
    };
    Ok(Transfer { from, to: new })
}
