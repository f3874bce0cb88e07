//! Stop-clinic (停诊) and the patients' notification outbox.

use sqlx::Row;

use super::booking::{fetch_appointment, return_place};
use super::{ACTIVE, AppointmentRecord};
use crate::{Store, StoreError, now_micros};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub id: String,
    pub patient_id: String,
    pub kind: String,
    pub text_zh: String,
    pub text_en: String,
    pub reference: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// What to tell each affected patient: (zh, en) for one cancelled appointment.
pub type Message = dyn Fn(&AppointmentRecord) -> (String, String) + Send + Sync;

impl Store {
    /// Suspends an active session: every active appointment is cancelled, its place returned,
    /// and its patient gets a notification, all in one transaction. `None` when the session
    /// does not exist or is already suspended.
    pub async fn suspend_session(
        &self,
        session_id: &str,
        message: &Message,
    ) -> Result<Option<Vec<AppointmentRecord>>, StoreError> {
        let now = now_micros();
        let mut tx = self.writer.begin().await?;
        let changed = sqlx::query(
            "UPDATE clinic_sessions SET status = 'suspended' WHERE id = $1 AND status = 'active'",
        )
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Ok(None);
        }
        let sql = format!(
            "UPDATE appointments SET status = 'cancelled', updated_at = $1 WHERE session_id = $2 AND status IN {ACTIVE} \
             RETURNING id, status"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(session_id)
            .fetch_all(&mut *tx)
            .await?;
        let mut cancelled = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = row.try_get(0)?;
            let record = fetch_appointment(&mut tx, &id)
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
                &mut tx,
                &record.slot_id,
                &record.session_id,
                record.pool.code(),
                counter,
            )
            .await?;
            let (zh, en) = message(&record);
            insert_notification(
                &mut tx,
                &record.patient_id,
                "session-suspended",
                &zh,
                &en,
                &format!("Appointment/{id}"),
                now,
            )
            .await?;
            cancelled.push(record);
        }
        tx.commit().await?;
        Ok(Some(cancelled))
    }

    /// Leaves a message for a patient.
    pub async fn notify(
        &self,
        patient_id: &str,
        kind: &str,
        zh: &str,
        en: &str,
        reference: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.writer.acquire().await?;
        insert_notification(&mut conn, patient_id, kind, zh, en, reference, now_micros()).await
    }

    /// The notifications of some patients, newest first.
    pub async fn notifications(
        &self,
        patient_ids: &[String],
        limit: u32,
    ) -> Result<Vec<Notification>, StoreError> {
        let mut all = Vec::new();
        for patient in patient_ids {
            let sql = format!(
                "SELECT id, patient_id, kind, text_zh, text_en, reference, created_at, read_at FROM notifications \
                 WHERE patient_id = $1 ORDER BY created_at DESC LIMIT {limit}"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(patient)
                .fetch_all(&self.pool)
                .await?;
            for r in &rows {
                all.push(Notification {
                    id: r.try_get(0)?,
                    patient_id: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    text_zh: r.try_get(3)?,
                    text_en: r.try_get(4)?,
                    reference: r.try_get(5)?,
                    created_at: r.try_get(6)?,
                    read_at: r.try_get(7)?,
                });
            }
        }
        all.sort_by_key(|n| std::cmp::Reverse(n.created_at));
        all.truncate(limit as usize);
        Ok(all)
    }
}

async fn insert_notification(
    conn: &mut sqlx::AnyConnection,
    patient_id: &str,
    kind: &str,
    zh: &str,
    en: &str,
    reference: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO notifications (id, patient_id, kind, text_zh, text_en, reference, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(patient_id)
    .bind(kind)
    .bind(zh)
    .bind(en)
    .bind(reference)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
