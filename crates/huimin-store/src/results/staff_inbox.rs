//! Messages to staff: the outbox's staff events (a result to review, a critical value)
//! delivered to the Practitioner they name, once per event.

use sqlx::Row;

use crate::messages::Due;
use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMessage {
    pub id: String,
    pub patient_id: String,
    pub kind: String,
    pub text_zh: String,
    pub text_en: String,
    pub reference: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

impl Store {
    /// Delivers a staff event to `practitioner` and settles the delivery, in one transaction.
    pub async fn deliver_to_staff(
        &self,
        due: &Due,
        practitioner: &str,
        (zh, en): (&str, &str),
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO staff_notifications (id, practitioner_id, patient_id, kind, text_zh, \
             text_en, reference, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&due.event_id)
        .bind(practitioner)
        .bind(&due.patient_id)
        .bind(&due.kind)
        .bind(zh)
        .bind(en)
        .bind(&due.reference)
        .bind(due.created_at)
        .execute(&mut *tx)
        .await?;
        crate::messages::delivered(&mut tx, due, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A Practitioner's latest messages, newest first.
    pub async fn staff_messages(
        &self,
        practitioner: &str,
        limit: u32,
    ) -> Result<Vec<StaffMessage>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id, patient_id, kind, text_zh, text_en, reference, created_at, read_at \
             FROM staff_notifications WHERE practitioner_id = $1 \
             ORDER BY created_at DESC, id LIMIT {}",
            limit.max(1)
        )))
        .bind(practitioner)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StaffMessage {
                    id: r.try_get(0)?,
                    patient_id: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    text_zh: r.try_get(3)?,
                    text_en: r.try_get(4)?,
                    reference: r.try_get(5)?,
                    created_at: r.try_get(6)?,
                    read_at: r.try_get(7)?,
                })
            })
            .collect()
    }
}
