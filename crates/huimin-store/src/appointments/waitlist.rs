//! Waitlist entries (候补) of full sessions.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::booking::{
    BookingError, PlaceRequest, Replay, booking_audit, is_unique_violation,
    settle_unique_violation, take_place_in,
};
use crate::audit::append_in;
use crate::messages::{NewEvent, emit_in};
use crate::retry::{Attempts, Finish};
use crate::{Store, StoreError, now_micros};

/// How a waiting patient's entry ends when a place is taken for them (they are told through
/// the outbox: `waitlist-promoted` or `waitlist-offer`).
pub struct Promotion<'a> {
    pub entry_id: &'a str,
    /// `booked` (a place booked for them) or `offered` (a place held for them to confirm).
    pub status: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitlistRecord {
    pub id: String,
    pub patient_id: String,
    pub account_id: Option<String>,
    pub session_id: String,
    pub status: String,
    pub appointment_id: Option<String>,
    pub created_at: i64,
}

/// Why joining the waitlist was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinRefusal {
    NoSuchSession,
    SessionNotActive,
    /// There are places: book instead.
    PlacesAvailable,
}

pub(super) const COLUMNS: &str =
    "id, patient_id, account_id, session_id, status, appointment_id, created_at";

pub(super) fn from_row(row: &AnyRow) -> Result<WaitlistRecord, StoreError> {
    Ok(WaitlistRecord {
        id: row.try_get(0)?,
        patient_id: row.try_get(1)?,
        account_id: row.try_get(2)?,
        session_id: row.try_get(3)?,
        status: row.try_get(4)?,
        appointment_id: row.try_get(5)?,
        created_at: row.try_get(6)?,
    })
}

impl Store {
    /// Puts a patient on a full session's waitlist; joining twice returns the same entry.
    pub async fn join_waitlist(
        &self,
        session_id: &str,
        patient_id: &str,
        account_id: Option<&str>,
    ) -> Result<Result<WaitlistRecord, JoinRefusal>, StoreError> {
        let status: Option<String> =
            sqlx::query("SELECT status FROM clinic_sessions WHERE id = $1")
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
        match status.as_deref() {
            None => return Ok(Err(JoinRefusal::NoSuchSession)),
            Some("active") => {}
            Some(_) => return Ok(Err(JoinRefusal::SessionNotActive)),
        }
        let free: i64 = sqlx::query(
            "SELECT COUNT(*) FROM slots WHERE session_id = $1 AND booked + held < capacity",
        )
        .bind(session_id)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        if free > 0 {
            return Ok(Err(JoinRefusal::PlacesAvailable));
        }
        let now = now_micros();
        let inserted = sqlx::query(
            "INSERT INTO waitlist_entries (id, patient_id, account_id, session_id, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'waiting', $5, $6)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(patient_id)
        .bind(account_id.map(str::to_owned))
        .bind(session_id)
        .bind(now)
        .bind(now)
        .execute(&self.writer)
        .await;
        if let Err(err) = inserted
            && !StoreError::is_unique_violation(&err)
        {
            return Err(err.into());
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM waitlist_entries WHERE patient_id = $1 AND session_id = $2 AND status = 'waiting'"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(session_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(Ok(from_row(&row)?))
    }

    /// The first waiting entry of a session, if any.
    pub async fn first_waiting(
        &self,
        session_id: &str,
    ) -> Result<Option<WaitlistRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM waitlist_entries WHERE session_id = $1 AND status = 'waiting' ORDER BY created_at, id LIMIT 1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(session_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Moves a waiting entry on (`booked`, `skipped`, `left`); `false` if it was no
    /// longer waiting (someone else promoted or cancelled it first).
    pub async fn settle_waitlist_entry(
        &self,
        id: &str,
        status: &str,
        appointment_id: Option<&str>,
        tell: Option<&NewEvent>,
    ) -> Result<bool, StoreError> {
        let now = now_micros();
        let mut tx = self.writer.begin().await?;
        let done = sqlx::query("UPDATE waitlist_entries SET status = $1, appointment_id = $2, updated_at = $3 WHERE id = $4 AND status = 'waiting'")
            .bind(status)
            .bind(appointment_id.map(str::to_owned))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        if let Some(event) = tell {
            emit_in(&mut tx, event, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Takes a place for a waiting patient and, in the same transaction, settles their entry
    /// (`promotion.status`, with the appointment), writes their message and the booking's audit
    /// record: a crash leaves either all of it or none. `Ok(None)` when the entry was no longer
    /// waiting (the patient left the waitlist meanwhile): nothing is written. On SQLite this
    /// runs beside the booking groups on the one writer connection; promotions are rare.
    pub async fn take_waitlist_place(
        &self,
        request: &PlaceRequest<'_>,
        promotion: &Promotion<'_>,
    ) -> Result<Option<Replay>, BookingError> {
        let mut attempts = Attempts::default();
        let promoted = loop {
            let mut tx = self.writer.begin().await?;
            let outcome = promote_in(
                &mut tx,
                request,
                promotion,
                &self.full_slots,
                self.chain_key(),
            )
            .await
            .map(|promoted| match promoted {
                Some(replay) => Finish::Commit(Some(replay)),
                // The entry was no longer waiting: the place taken is given back.
                None => Finish::RollBack(None),
            });
            if let Some(answer) = attempts.end(tx, outcome).await {
                break answer;
            }
        };
        match promoted {
            // The patient already holds a place in the session: say which rule.
            Err(err) if is_unique_violation(&err) => {
                let mut conn = self.writer.acquire().await?;
                settle_unique_violation(&mut conn, request).await.map(Some)
            }
            other => other,
        }
    }

    /// A free slot of the session, earliest first.
    pub async fn free_slot(&self, session_id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT id FROM slots WHERE session_id = $1 AND booked + held < capacity ORDER BY starts_at, id LIMIT 1")
            .bind(session_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Sessions where someone waits and a place is free (for the worker).
    pub async fn sessions_to_promote(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT w.session_id FROM waitlist_entries w WHERE w.status = 'waiting' AND EXISTS \
             (SELECT 1 FROM slots s WHERE s.session_id = w.session_id AND s.booked + s.held < s.capacity) LIMIT 200",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// The waitlist entries of some patients, newest first.
    pub async fn patient_waitlist(
        &self,
        patient_ids: &[String],
    ) -> Result<Vec<WaitlistRecord>, StoreError> {
        let mut all = Vec::new();
        for patient in patient_ids {
            let sql = format!(
                "SELECT {COLUMNS} FROM waitlist_entries WHERE patient_id = $1 ORDER BY created_at DESC LIMIT 50"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(patient)
                .fetch_all(&self.pool)
                .await?;
            for row in &rows {
                all.push(from_row(row)?);
            }
        }
        all.sort_by_key(|w| std::cmp::Reverse(w.created_at));
        Ok(all)
    }
}

async fn promote_in(
    tx: &mut AnyConnection,
    request: &PlaceRequest<'_>,
    promotion: &Promotion<'_>,
    full_slots: &super::hint::FullSlots,
    key: &huimin_domain::audit::ChainKey,
) -> Result<Option<Replay>, BookingError> {
    let replay = take_place_in(tx, request, full_slots).await?;
    let appointment = replay.appointment();
    let now = now_micros();
    let settled = sqlx::query(
        "UPDATE waitlist_entries SET status = $1, appointment_id = $2, updated_at = $3 \
         WHERE id = $4 AND status = 'waiting'",
    )
    .bind(promotion.status)
    .bind(&appointment.id)
    .bind(now)
    .bind(promotion.entry_id)
    .execute(&mut *tx)
    .await?;
    if settled.rows_affected() != 1 {
        return Ok(None);
    }
    let kind = if promotion.status == "offered" {
        "waitlist-offer"
    } else {
        "waitlist-promoted"
    };
    let event = NewEvent {
        kind,
        patient_id: request.patient_id.to_owned(),
        reference: format!("Appointment/{}", appointment.id),
        params: serde_json::json!({
            "appointment": appointment.id,
            "expires": appointment.hold_expires_at,
        }),
    };
    emit_in(tx, &event, now).await?;
    if let Some(template) = request.audit {
        append_in(tx, key, &[&booking_audit(template, &replay)]).await?;
    }
    Ok(Some(replay))
}
