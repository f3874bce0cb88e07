//! After the place is taken: confirming a hold, cancelling, check-in and the rest of the
//! lifecycle, and the sweeps a worker drives (expired holds, no-shows).

use huimin_domain::appointments::{
    AppointmentStatus, BookingRefusal, CancellationRule, check_cancellable,
};
use jiff::Timestamp;
use sqlx::Row;

use super::booking::{
    BookingError, fetch_appointment, release_expired, return_place, settle_offer,
};
use super::{ACTIVE, APPOINTMENT_COLUMNS, AppointmentRecord, appointment_from_row};
use crate::billing::abort_visit_in;
use crate::messages::{NewEvent, emit_in};
use crate::{Store, StoreError};
use huimin_domain::billing::RefundReason;

/// Starts a read-then-write on one appointment with a write: on SQLite this takes the write
/// lock up front (a deferred read that later writes fails with "database is locked" when
/// another writer got in between); on PostgreSQL it locks the row like `SELECT … FOR UPDATE`.
pub(crate) async fn lock_appointment(
    conn: &mut sqlx::AnyConnection,
    id: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE appointments SET updated_at = updated_at WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Turns a pending hold that has not expired into a booking; whether it did.
pub(crate) async fn confirm_in(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let confirmed = sqlx::query(
        "UPDATE appointments SET status = 'booked', hold_expires_at = NULL, updated_at = $1 \
         WHERE id = $2 AND status = 'pending' AND hold_expires_at > $3 RETURNING slot_id",
    )
    .bind(now)
    .bind(id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = confirmed else {
        return Ok(false);
    };
    let slot: String = row.try_get(0)?;
    sqlx::query("UPDATE slots SET held = held - 1, booked = booked + 1 WHERE id = $1")
        .bind(&slot)
        .execute(&mut *conn)
        .await?;
    settle_offer(conn, id, "booked", now).await?;
    Ok(true)
}

impl Store {
    pub async fn appointment(&self, id: &str) -> Result<Option<AppointmentRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        fetch_appointment(&mut conn, id).await
    }

    /// The active appointment holding queue number `number` in a session: what the number on
    /// a patient's ticket points to.
    pub async fn appointment_by_number(
        &self,
        session_id: &str,
        number: i64,
    ) -> Result<Option<AppointmentRecord>, StoreError> {
        let sql = format!(
            // Through the slots, whose (slot, status, number) index serves it (as the
            // triage desk's expected patients are read).
            "SELECT {APPOINTMENT_COLUMNS} FROM appointments \
             WHERE slot_id IN (SELECT id FROM slots WHERE session_id = $1) AND queue_number = $2 \
             AND status IN {ACTIVE}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(session_id)
            .bind(number)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(appointment_from_row).transpose()
    }

    /// A patient's appointments, newest visit first.
    pub async fn patient_appointments(
        &self,
        patient_id: &str,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<AppointmentRecord>, StoreError> {
        let sql = format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE patient_id = $1 \
             ORDER BY session_date DESC, created_at DESC LIMIT {limit} OFFSET {offset}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(appointment_from_row).collect()
    }

    /// The appointments of these patients, latest visit first, with how many there are in all.
    pub async fn appointments_of(
        &self,
        patient_ids: &[String],
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<AppointmentRecord>, i64), StoreError> {
        if patient_ids.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let within = format!(
            "patient_id IN ({})",
            crate::sql::placeholders(1, patient_ids.len())
        );
        let count_sql = format!("SELECT COUNT(*) FROM appointments WHERE {within}");
        let mut count = sqlx::query(sqlx::AssertSqlSafe(count_sql));
        for id in patient_ids {
            count = count.bind(id);
        }
        let total: i64 = count.fetch_one(&self.pool).await?.try_get(0)?;
        let sql = format!(
            "SELECT a.id, a.patient_id, a.account_id, a.slot_id, a.session_id, a.department_id, \
             a.session_date, a.period, a.status, a.pool, a.channel, a.queue_number, a.hold_expires_at, \
             a.created_at, a.updated_at, a.cancel_reason FROM appointments a JOIN slots s ON s.id = a.slot_id \
             WHERE a.{within} ORDER BY s.starts_at DESC, a.created_at DESC LIMIT {limit} OFFSET {offset}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in patient_ids {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        let records = rows
            .iter()
            .map(appointment_from_row)
            .collect::<Result<_, _>>()?;
        Ok((records, total))
    }

    /// Confirms a pending hold (`$book` after payment). Confirming an already booked
    /// appointment again returns it unchanged, so a retried payment callback is harmless.
    pub async fn confirm_hold(
        &self,
        id: &str,
        now: Timestamp,
    ) -> Result<AppointmentRecord, BookingError> {
        let mut tx = self.writer.begin().await?;
        if !confirm_in(&mut tx, id, now.as_microsecond()).await? {
            let current = fetch_appointment(&mut tx, id)
                .await?
                .ok_or(BookingError::NotFound)?;
            if current.status == AppointmentStatus::Booked {
                return Ok(current);
            }
            return Err(BookingError::HoldExpired);
        }
        let record = fetch_appointment(&mut tx, id)
            .await?
            .ok_or(BookingError::NotFound)?;
        tx.commit().await?;
        Ok(record)
    }

    /// Cancels a pending or booked appointment and returns its place at once. With a rule,
    /// the cancellation cut-off applies (patients); staff may pass `None`.
    pub async fn cancel_appointment(
        &self,
        id: &str,
        now: Timestamp,
        rule: Option<&CancellationRule>,
    ) -> Result<AppointmentRecord, BookingError> {
        let mut tx = self.writer.begin().await?;
        lock_appointment(&mut tx, id).await?;
        let current = fetch_appointment(&mut tx, id)
            .await?
            .ok_or(BookingError::NotFound)?;
        if current.status == AppointmentStatus::Cancelled {
            return Ok(current);
        }
        current.status.transition(AppointmentStatus::Cancelled)?;
        // A patient the hospital moved may always decline the move: the cut-off does not
        // apply, and the refund is full.
        let moved = super::moves::awaiting_or_accepted_in(&mut tx, id).await?;
        if let (Some(rule), false) = (rule, moved) {
            let start: i64 = sqlx::query("SELECT starts_at FROM slots WHERE id = $1")
                .bind(&current.slot_id)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            let start = Timestamp::from_microsecond(start)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            check_cancellable(rule, now, start)?;
        }
        let cancel_reason = match (moved, rule) {
            (true, _) => "move-declined",
            (false, Some(_)) => "patient",
            (false, None) => "staff",
        };
        let changed = sqlx::query("UPDATE appointments SET status = 'cancelled', cancel_reason = $1, updated_at = $2 WHERE id = $3 AND status = $4")
            .bind(cancel_reason)
            .bind(now.as_microsecond())
            .bind(id)
            .bind(current.status.code())
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 0 {
            // Someone else changed it between the read and the write: report the new state.
            let latest = fetch_appointment(&mut tx, id)
                .await?
                .ok_or(BookingError::NotFound)?;
            return Err(BookingRefusal::InvalidTransition {
                from: latest.status,
                to: AppointmentStatus::Cancelled,
            }
            .into());
        }
        let counter = if current.status == AppointmentStatus::Pending {
            "held"
        } else {
            "booked"
        };
        return_place(
            &mut tx,
            &current.slot_id,
            &current.session_id,
            current.pool.code(),
            counter,
        )
        .await?;
        settle_offer(&mut tx, id, "declined", now.as_microsecond()).await?;
        let micros = now.as_microsecond();
        if moved {
            super::moves::reply_in(&mut tx, id, "declined", micros).await?;
        }
        let reason = if moved {
            RefundReason::MoveDeclined
        } else {
            RefundReason::Cancelled
        };
        abort_visit_in(&mut tx, id, reason, micros).await?;
        crate::records::cancel_encounter_in(&mut tx, id, micros).await?;
        let event = NewEvent {
            kind: "cancelled",
            patient_id: current.patient_id.clone(),
            reference: format!("Appointment/{id}"),
            params: serde_json::json!({"appointment": id, "by": cancel_reason}),
        };
        emit_in(&mut tx, &event, micros).await?;
        let record = fetch_appointment(&mut tx, id)
            .await?
            .ok_or(BookingError::NotFound)?;
        tx.commit().await?;
        self.full_slots.forget(&record.slot_id);
        Ok(record)
    }

    /// Moves an appointment along its lifecycle (check-in, seen) when the domain allows it. A
    /// patient checking in joins the line, with `arrival_priority` (a `PriorityGroup`'s
    /// number, 0 for none) in the same transaction.
    pub async fn transition_appointment(
        &self,
        id: &str,
        to: AppointmentStatus,
        now: Timestamp,
        arrival_priority: i64,
    ) -> Result<AppointmentRecord, BookingError> {
        let mut tx = self.writer.begin().await?;
        lock_appointment(&mut tx, id).await?;
        let current = fetch_appointment(&mut tx, id)
            .await?
            .ok_or(BookingError::NotFound)?;
        current.status.transition(to)?;
        let changed = sqlx::query(
            "UPDATE appointments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(to.code())
        .bind(now.as_microsecond())
        .bind(id)
        .bind(current.status.code())
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            let latest = fetch_appointment(&mut tx, id)
                .await?
                .ok_or(BookingError::NotFound)?;
            return Err(BookingRefusal::InvalidTransition {
                from: latest.status,
                to,
            }
            .into());
        }
        if to == AppointmentStatus::CheckedIn {
            // Joins the waiting line at its queue number (see `calling`).
            sqlx::query(
                "UPDATE appointments SET checked_in_at = $1, order_key = COALESCE(order_key, queue_number * $2), \
                 priority = CASE WHEN $3 > 0 THEN $3 ELSE priority END WHERE id = $4",
            )
            .bind(now.as_microsecond())
            .bind(huimin_domain::appointments::KEY_STEP)
            .bind(arrival_priority)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            // The visit opens with the check-in, in its transaction.
            crate::records::open_encounter_in(&mut tx, id, now.as_microsecond()).await?;
        }
        if to == AppointmentStatus::Fulfilled {
            crate::records::finish_encounter_in(&mut tx, id, now.as_microsecond()).await?;
        }
        let record = fetch_appointment(&mut tx, id)
            .await?
            .ok_or(BookingError::NotFound)?;
        tx.commit().await?;
        Ok(record)
    }

    /// Worker step: cancels holds that expired and returns their places; how many.
    pub async fn release_expired_holds(&self, now: Timestamp) -> Result<usize, StoreError> {
        let now = now.as_microsecond();
        let expired = sqlx::query("SELECT DISTINCT slot_id FROM appointments WHERE status = 'pending' AND hold_expires_at <= $1 LIMIT 500")
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        let mut released = 0;
        for row in &expired {
            let slot: String = row.try_get(0)?;
            let mut tx = self.writer.begin().await?;
            released += release_expired(&mut tx, "slot_id", &slot, now).await?;
            tx.commit().await?;
            self.full_slots.forget(&slot);
        }
        Ok(released)
    }

    /// Worker step: booked appointments of sessions that ended before `now` become no-shows
    /// (which feed the booking bans); how many.
    pub async fn mark_noshows(&self, now: Timestamp) -> Result<usize, StoreError> {
        let now = now.as_microsecond();
        let mut tx = self.writer.begin().await?;
        let sql = "UPDATE appointments SET status = 'noshow', updated_at = $1 \
                   WHERE status = 'booked' AND session_id IN (SELECT id FROM clinic_sessions WHERE ends_at <= $2) \
                   RETURNING id, patient_id, session_date";
        let rows = sqlx::query(sql)
            .bind(now)
            .bind(now)
            .fetch_all(&mut *tx)
            .await?;
        for row in &rows {
            let (id, patient, date): (String, String, String) =
                (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            sqlx::query("INSERT INTO noshows (appointment_id, patient_id, session_date) VALUES ($1, $2, $3) ON CONFLICT (appointment_id) DO NOTHING")
                .bind(id)
                .bind(patient)
                .bind(date)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    /// Active appointments in a slot (for consistency checks and the doctor's list).
    pub async fn slot_appointments(
        &self,
        slot_id: &str,
    ) -> Result<Vec<AppointmentRecord>, StoreError> {
        let sql = format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE slot_id = $1 AND status IN {ACTIVE} ORDER BY queue_number"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(slot_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(appointment_from_row).collect()
    }
}

impl Store {
    /// Consistency check: (active appointments, slots whose counters exceed capacity or
    /// disagree with their active appointments).
    pub async fn booking_totals(&self) -> Result<(i64, usize), StoreError> {
        let active: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM appointments WHERE status IN {ACTIVE}"
        )))
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        let sql = format!(
            "SELECT COUNT(*) FROM slots s WHERE s.booked + s.held > s.capacity \
             OR s.booked + s.held <> (SELECT COUNT(*) FROM appointments a WHERE a.slot_id = s.id AND a.status IN {ACTIVE})"
        );
        let bad: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok((active, usize::try_from(bad).unwrap_or(usize::MAX)))
    }

    /// Consistency check: patients with more than one active booking for one hospital,
    /// department, day and period (the quota forbids it).
    pub async fn patients_with_several_bookings_per_session_department(
        &self,
    ) -> Result<usize, StoreError> {
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT patient_id FROM appointments WHERE status IN {ACTIVE} \
             GROUP BY patient_id, hospital_id, department_id, session_date, period HAVING COUNT(*) > 1) t"
        );
        let n: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }
}
