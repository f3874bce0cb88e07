//! Stop-clinic (停诊) and the patients' notification outbox.

use sqlx::Row;

use huimin_domain::appointments::{AppointmentStatus, Pool};

use super::booking::{fetch_appointment, insert_appointment, lowest_free_number, return_place};
use super::moves::{MoveRecord, record_move_in};
use super::{ACTIVE, AppointmentRecord};
use crate::billing::{abort_visit_in, move_money_in};
use crate::messages::{NewEvent, emit_in};
use crate::retry::{Attempts, Finish};
use crate::{Store, StoreError, now_micros};
use huimin_domain::billing::RefundReason;

/// How a stop-clinic treats the session's appointments.
pub struct StopClinic<'a> {
    /// Another active session to move the appointments into, as far as it has room. Its fee
    /// is the same or lower (the caller checks): the difference is refunded at once.
    pub move_to: Option<&'a str>,
    /// Until when a moved patient may answer (never past their new visit's start).
    pub reply_by: i64,
}

/// One appointment of a suspended session: always cancelled; `moved_to` is its replacement
/// in the other session when it could be moved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Affected {
    pub cancelled: AppointmentRecord,
    pub moved_to: Option<AppointmentRecord>,
}

/// Which slots of the target session a moved patient may land in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Landing {
    /// Slots that have not started (a stop-clinic moves bookings ahead of time).
    NotStarted,
    /// Slots that have not ended (a triage move of a patient already in the hospital).
    NotEnded,
}

impl Landing {
    fn column(self) -> &'static str {
        match self {
            Landing::NotStarted => "starts_at",
            Landing::NotEnded => "ends_at",
        }
    }
}

/// Where a moved patient ended up.
pub(crate) enum Landed {
    Moved(Box<AppointmentRecord>),
    /// No free place (or no such active session).
    Full,
    /// The patient already has a place there (the one-per-department-and-period index).
    AlreadyThere,
}

/// Books the patient of `old` into the earliest free place of `target`, keeping the pool if it
/// has room (else any pool with room) and the status. In a savepoint, so a place that could
/// not be taken leaves nothing behind and the caller cancels or refuses instead.
pub(crate) async fn move_into(
    tx: &mut sqlx::AnyConnection,
    old: &AppointmentRecord,
    target: &str,
    counter: &str,
    (now, landing): (i64, Landing),
) -> Result<Landed, StoreError> {
    use sqlx::Connection;
    let mut savepoint = tx.begin().await?;
    let landed = match try_move(&mut savepoint, old, target, counter, (now, landing)).await {
        Ok(Some(new)) => {
            savepoint.commit().await?;
            return Ok(Landed::Moved(Box::new(new)));
        }
        Ok(None) => Landed::Full,
        Err(StoreError::Database(e)) if StoreError::is_unique_violation(&e) => Landed::AlreadyThere,
        Err(other) => return Err(other),
    };
    savepoint.rollback().await?;
    Ok(landed)
}

async fn try_move(
    conn: &mut sqlx::AnyConnection,
    old: &AppointmentRecord,
    target: &str,
    counter: &str,
    (now, landing): (i64, Landing),
) -> Result<Option<AppointmentRecord>, StoreError> {
    let session = sqlx::query(
        "SELECT hospital_id, department_id, session_date, period FROM clinic_sessions \
         WHERE id = $1 AND status = 'active'",
    )
    .bind(target)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(session) = session else {
        return Ok(None);
    };
    let (hospital, department, date, period): (String, String, String, String) = (
        session.try_get(0)?,
        session.try_get(1)?,
        session.try_get(2)?,
        session.try_get(3)?,
    );
    let open = landing.column();
    let slot = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE slots SET {counter} = {counter} + 1 WHERE id = \
         (SELECT id FROM slots WHERE session_id = $1 AND booked + held < capacity AND {open} > $2 \
          ORDER BY starts_at, id LIMIT 1) \
         AND booked + held < capacity RETURNING id, first_queue_number, capacity"
    )))
    .bind(target)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(slot) = slot else { return Ok(None) };
    let (slot_id, first, capacity): (String, i64, i64) =
        (slot.try_get(0)?, slot.try_get(1)?, slot.try_get(2)?);
    let pool = sqlx::query(
        "UPDATE session_pools SET used = used + 1 WHERE session_id = $1 AND pool = \
         (SELECT pool FROM session_pools WHERE session_id = $2 AND used < capacity \
          ORDER BY CASE WHEN pool = $3 THEN 0 ELSE 1 END, pool LIMIT 1) \
         AND used < capacity RETURNING pool",
    )
    .bind(target)
    .bind(target)
    .bind(old.pool.code())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(pool) = pool else { return Ok(None) };
    let pool: String = pool.try_get(0)?;
    let pool = Pool::from_code(&pool).ok_or_else(|| StoreError::Corrupt(format!("pool {pool}")))?;
    let record = AppointmentRecord {
        id: super::new_appointment_id(),
        patient_id: old.patient_id.clone(),
        account_id: old.account_id.clone(),
        slot_id: slot_id.clone(),
        session_id: target.to_owned(),
        department_id: department,
        session_date: date,
        period,
        status: if counter == "held" {
            AppointmentStatus::Pending
        } else {
            AppointmentStatus::Booked
        },
        pool,
        channel: old.channel.clone(),
        queue_number: lowest_free_number(conn, &slot_id, first, capacity).await?,
        hold_expires_at: old.hold_expires_at,
        created_at: now,
        updated_at: now,
        cancel_reason: None,
    };
    insert_appointment(conn, &record, &hospital).await?;
    Ok(Some(record))
}

impl Store {
    /// Suspends an active session: every active appointment is cancelled, its place returned,
    /// and its patient gets a notification, all in one transaction. With `plan.move_to`, each
    /// appointment is first offered the earliest free place of that session (same status and
    /// hold expiry, next free queue number); the patients moved are told where to, the others
    /// that their booking is cancelled. `None` when the session does not exist or is already
    /// suspended.
    pub async fn suspend_session(
        &self,
        session_id: &str,
        plan: &StopClinic<'_>,
    ) -> Result<Option<Vec<Affected>>, StoreError> {
        let now = now_micros();
        // On PostgreSQL a booking group that cancelled a lapsed hold of this session before
        // it locks the session can deadlock with this (which locks the session first): the
        // loser is run again.
        let mut attempts = Attempts::default();
        let affected = loop {
            let mut tx = self.writer.begin().await?;
            let outcome = suspend_in(&mut tx, session_id, plan, now)
                .await
                .map(|affected| match affected {
                    Some(affected) => Finish::Commit(Some(affected)),
                    None => Finish::RollBack(None),
                });
            if let Some(answer) = attempts.end(tx, outcome).await {
                break answer?;
            }
        };
        if affected.is_some() {
            self.full_slots.forget_all();
        }
        Ok(affected)
    }
}

/// The stop-clinic's work in `conn`'s transaction ([`Store::suspend_session`]).
async fn suspend_in(
    conn: &mut sqlx::AnyConnection,
    session_id: &str,
    plan: &StopClinic<'_>,
    now: i64,
) -> Result<Option<Vec<Affected>>, StoreError> {
    let changed = sqlx::query(
        "UPDATE clinic_sessions SET status = 'suspended' WHERE id = $1 AND status = 'active'",
    )
    .bind(session_id)
    .execute(&mut *conn)
    .await?;
    if changed.rows_affected() == 0 {
        return Ok(None);
    }
    let sql = format!(
        "UPDATE appointments SET status = 'cancelled', cancel_reason = 'session-suspended', \
         updated_at = $1 WHERE session_id = $2 AND status IN {ACTIVE} RETURNING id, status"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(session_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut ids: Vec<String> = rows
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    ids.sort();
    let mut affected = Vec::with_capacity(ids.len());
    for id in &ids {
        let record = fetch_appointment(conn, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        // The RETURNING row shows the new status; the counter to give back depends on
        // whether the place was held or booked, which the hold expiry tells apart.
        let counter = if record.hold_expires_at.is_some() {
            "held"
        } else {
            "booked"
        };
        return_place(
            conn,
            &record.slot_id,
            &record.session_id,
            record.pool.code(),
            counter,
        )
        .await?;
        let moved = match plan.move_to {
            Some(target) => {
                let landing = (now, Landing::NotStarted);
                match move_into(conn, &record, target, counter, landing).await? {
                    Landed::Moved(new) => Some(*new),
                    Landed::Full | Landed::AlreadyThere => None,
                }
            }
            None => None,
        };
        let event = match &moved {
            Some(new) => moved_by_stop_clinic(conn, &record, new, plan.reply_by, now).await?,
            None => {
                abort_visit_in(conn, &record.id, RefundReason::SessionSuspended, now).await?;
                NewEvent {
                    kind: "session-suspended",
                    patient_id: record.patient_id.clone(),
                    reference: format!("Appointment/{id}"),
                    params: serde_json::json!({"appointment": id}),
                }
            }
        };
        emit_in(conn, &event, now).await?;
        affected.push(Affected {
            cancelled: record,
            moved_to: moved,
        });
    }
    Ok(Some(affected))
}

/// A stop-clinic move's money and record: the bill follows the patient, the difference to a
/// cheaper doctor goes back at once, and the patient is asked until `reply_by`.
async fn moved_by_stop_clinic(
    conn: &mut sqlx::AnyConnection,
    old: &AppointmentRecord,
    new: &AppointmentRecord,
    reply_by: i64,
    now: i64,
) -> Result<NewEvent, StoreError> {
    sqlx::query("UPDATE appointments SET cancel_reason = 'moved' WHERE id = $1")
        .bind(&old.id)
        .execute(&mut *conn)
        .await?;
    move_money_in(conn, old, new, now).await?;
    let starts: i64 = sqlx::query_scalar("SELECT starts_at FROM slots WHERE id = $1")
        .bind(&new.slot_id)
        .fetch_one(&mut *conn)
        .await?;
    let reply_by = reply_by.min(starts);
    let record = MoveRecord {
        from_appointment: old.id.clone(),
        to_appointment: new.id.clone(),
        kind: "stop-clinic".into(),
        reply: "awaiting".into(),
        reply_by: Some(reply_by),
        replied_at: None,
        created_at: now,
    };
    record_move_in(conn, &record).await?;
    Ok(NewEvent {
        kind: "session-suspended-moved",
        patient_id: old.patient_id.clone(),
        reference: format!("Appointment/{}", new.id),
        params: serde_json::json!({"appointment": old.id, "to": new.id, "deadline": reply_by}),
    })
}
