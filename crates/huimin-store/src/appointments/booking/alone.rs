//! A booking alone: one request in a transaction (or savepoint) of its own, about a dozen
//! statements. The group writer runs a group's requests this way when the group falls back,
//! and a waitlist promotion takes its place this way inside its own transaction.

use std::sync::Arc;

use huimin_domain::appointments::{
    AppointmentStatus, BookingRefusal, Closed, ExistingBooking, Period, Pool, check_open,
    check_patient, pool_order,
};
use jiff::civil::Date;
use sqlx::{AnyConnection, Row};

use super::super::hint::FullSlots;
use super::super::holder::{admit, admit_to, holder};
use super::super::sessions::slot_with_session;
use super::super::{ACTIVE, AppointmentRecord};
use super::lapse::release_expired_of;
use super::{
    BookingError, BookingMode, PlaceRequest, Replay, TakenIn, new_place, parse_date, replay_in,
    session_facts,
};
use crate::StoreError;
use crate::sql::is_postgres;

/// Takes a patient's booking lock, the first lock of every change to their places.
pub(crate) async fn lock_patient(
    conn: &mut AnyConnection,
    patient_id: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO patient_booking_locks (patient_id, version) VALUES ($1, 1) \
         ON CONFLICT (patient_id) DO UPDATE SET version = patient_booking_locks.version + 1",
    )
    .bind(patient_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// PostgreSQL: a shared lock on the slot's session, taken before the session is read (as a
/// booking group takes it, `group/postgres.rs`). A stop-clinic marks its session suspended first, so
/// either it waits for this booking's commit and then cancels the booking with the rest, or
/// this booking waits for the stop-clinic's commit and reads the session as suspended.
/// Without it, a booking that read the session just before the stop-clinic and committed
/// just after it was left booked in a stopped clinic.
async fn share_session_of(conn: &mut AnyConnection, slot_id: &str) -> Result<(), StoreError> {
    sqlx::query(
        "SELECT id FROM clinic_sessions \
         WHERE id = (SELECT session_id FROM slots WHERE id = $1) FOR SHARE",
    )
    .bind(slot_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(())
}

/// The booking itself, on a connection inside a transaction (or savepoint) that the caller
/// commits or rolls back.
pub(crate) async fn take_place_in(
    tx: &mut AnyConnection,
    r: &PlaceRequest<'_>,
    full_slots: &FullSlots,
) -> Result<Replay, BookingError> {
    let now = r.now.as_microsecond();
    // The patient lock comes first: it is a write, so on SQLite it also takes the database
    // write lock before anything is read.
    lock_patient(tx, r.patient_id).await?;
    if let (Some(account), Some((key, hash))) = (r.account_id, r.idempotency)
        && let Some(replayed) = replay_in(tx, account, key, hash).await?
    {
        return Ok(replayed);
    }
    let holder = holder(tx, r.patient_id).await?;
    let is_elderly = admit(holder.as_ref(), r)?;
    if is_postgres(tx) {
        share_session_of(tx, r.slot_id).await?;
    }
    let (slot, session) = slot_with_session(tx, r.slot_id)
        .await?
        .ok_or(BookingError::NotFound)?;
    admit_to(holder.as_ref(), r, &session)?;
    let facts = session_facts(&session)?;
    check_open(&facts, slot.starts_at, r.now, r.on_site, r.tz).map_err(|closed| match closed {
        Closed::Suspended => BookingError::Suspended,
        Closed::Refused(refusal) => BookingError::Refused(refusal),
    })?;
    // Lapsed holds of this patient (anywhere) or in this slot give their places back. Places
    // freed in other slots end those slots' "full" verdicts (rare, so all of them).
    let freed = release_expired_of(tx, r.patient_id, r.slot_id, now).await?;
    if freed.iter().any(|slot| slot != r.slot_id) {
        full_slots.forget_all();
    }

    let today = r.tz.to_datetime(r.now).date();
    let noshows = patient_noshow_dates(tx, r.patient_id).await?;
    let existing = active_bookings(tx, r.patient_id, facts.date).await?;
    let candidate = ExistingBooking {
        date: facts.date,
        hospital: facts.hospital.clone(),
        department: facts.department.clone(),
        period: facts.period,
    };
    check_patient(r.quota, r.bans, &noshows, &existing, &candidate, today)?;

    let column = match r.mode {
        BookingMode::Hold { .. } => "held",
        BookingMode::Book => "booked",
    };
    let took = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE slots SET {column} = {column} + 1 WHERE id = $1 AND booked + held < capacity RETURNING id"
    )))
    .bind(r.slot_id)
    .fetch_optional(&mut *tx)
    .await?;
    if took.is_none() {
        return Err(BookingRefusal::SlotFull.into());
    }
    let reserved_released = now >= facts.reserved_release_at;
    let pool = take_pool(tx, r, is_elderly, &session.id, reserved_released).await?;
    let queue_number =
        lowest_free_number(tx, r.slot_id, slot.first_queue_number, slot.capacity).await?;
    let record = new_place(r, &session, pool, queue_number);
    insert_appointment(tx, &record, &session.hospital_id).await?;
    if let (Some(account), Some((key, hash))) = (r.account_id, r.idempotency) {
        store_key(tx, account, key, hash, &record).await?;
    }
    let session = Arc::new(session);
    Ok(Replay::Fresh(record, Arc::new(TakenIn { slot, session })))
}

/// Stores a request's `Idempotency-Key` with the appointment it made.
async fn store_key(
    tx: &mut AnyConnection,
    account: &str,
    key: &str,
    hash: &str,
    record: &AppointmentRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO idempotency_keys (account_id, key, request_hash, appointment_id, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(account)
    .bind(key)
    .bind(hash)
    .bind(&record.id)
    .bind(record.created_at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Writes a new appointment row (the place is already taken on the slot and pool counters).
pub(crate) async fn insert_appointment(
    conn: &mut AnyConnection,
    a: &AppointmentRecord,
    hospital_id: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO appointments (id, patient_id, account_id, slot_id, session_id, hospital_id, department_id, \
         session_date, period, status, pool, channel, queue_number, hold_expires_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&a.id)
    .bind(&a.patient_id)
    .bind(a.account_id.clone())
    .bind(&a.slot_id)
    .bind(&a.session_id)
    .bind(hospital_id)
    .bind(&a.department_id)
    .bind(&a.session_date)
    .bind(&a.period)
    .bind(a.status.code())
    .bind(a.pool.code())
    .bind(&a.channel)
    .bind(a.queue_number)
    .bind(a.hold_expires_at)
    .bind(a.created_at)
    .bind(a.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn take_pool(
    conn: &mut AnyConnection,
    r: &PlaceRequest<'_>,
    is_elderly: bool,
    session_id: &str,
    reserved_released: bool,
) -> Result<Pool, BookingError> {
    let pools = pool_order(r.channel, is_elderly, r.has_referral, reserved_released);
    for pool in pools {
        let took = sqlx::query("UPDATE session_pools SET used = used + 1 WHERE session_id = $1 AND pool = $2 AND used < capacity RETURNING pool")
            .bind(session_id)
            .bind(pool.code())
            .fetch_optional(&mut *conn)
            .await?;
        if took.is_some() {
            return Ok(pool);
        }
    }
    Err(BookingRefusal::SlotFull.into())
}

/// The lowest queue number of the slot not held by an active appointment. The slot row is
/// already locked by this transaction's counter update, so no one else picks concurrently.
/// The statement asks by slot only, and the status is checked here: asked by status too,
/// PostgreSQL with stale statistics (a fresh session's first bookings) intersected the slot's
/// index with the partial index of every active appointment, a scan that grows with the table.
pub(crate) async fn lowest_free_number(
    conn: &mut AnyConnection,
    slot_id: &str,
    first: i64,
    capacity: i64,
) -> Result<i64, StoreError> {
    let rows = sqlx::query("SELECT queue_number, status FROM appointments WHERE slot_id = $1")
        .bind(slot_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut taken = std::collections::HashSet::new();
    for row in &rows {
        let status: String = row.try_get(1)?;
        let status = AppointmentStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?;
        if status.is_active() {
            taken.insert(row.try_get::<i64, _>(0)?);
        }
    }
    huimin_domain::appointments::lowest_free_number(first, capacity, |n| taken.contains(&n))
        .ok_or_else(|| StoreError::Corrupt(format!("slot {slot_id} has no free queue number")))
}

async fn patient_noshow_dates(
    conn: &mut AnyConnection,
    patient_id: &str,
) -> Result<Vec<Date>, StoreError> {
    let rows = sqlx::query("SELECT session_date FROM noshows WHERE patient_id = $1")
        .bind(patient_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| parse_date(&r.try_get::<String, _>(0)?))
        .collect()
}

/// The patient's appointments that hold a place, within ±100 days of `around` (enough for
/// the week, month and quarter windows).
async fn active_bookings(
    conn: &mut AnyConnection,
    patient_id: &str,
    around: Date,
) -> Result<Vec<(ExistingBooking, AppointmentStatus)>, StoreError> {
    let span = jiff::Span::new().days(100);
    let from = around.checked_sub(span).unwrap_or(around).to_string();
    let to = around.checked_add(span).unwrap_or(around).to_string();
    let sql = format!(
        "SELECT session_date, hospital_id, department_id, period, status FROM appointments \
         WHERE patient_id = $1 AND status IN {ACTIVE} AND session_date >= $2 AND session_date <= $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(patient_id)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| {
            let date: String = row.try_get(0)?;
            let period: String = row.try_get(3)?;
            let status: String = row.try_get(4)?;
            Ok((
                ExistingBooking {
                    date: date
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("date {date}")))?,
                    hospital: row.try_get(1)?,
                    department: row.try_get(2)?,
                    period: Period::from_code(&period)
                        .ok_or_else(|| StoreError::Corrupt(format!("period {period}")))?,
                },
                AppointmentStatus::from_code(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
            ))
        })
        .collect()
}
