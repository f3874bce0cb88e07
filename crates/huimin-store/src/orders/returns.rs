//! Same-day returns with results (A7): the visit goes back into its session's line ahead of
//! everyone not yet called, without a new booking; the call that follows closes the measured
//! wait. The session row is written first, as every change to a line is
//! (`appointments::calling`), so a return and a call take turns.

use huimin_domain::orders::return_key;
use sqlx::{AnyConnection, Row};

use crate::{Store, StoreError};

/// One return to the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnRecord {
    pub id: String,
    pub appointment_id: String,
    pub encounter_id: String,
    pub patient_id: String,
    pub department_id: String,
    pub session_id: String,
    pub session_date: String,
    pub returned_at: i64,
    pub returned_by: String,
    pub called_at: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReturnError {
    #[error("no such visit")]
    NotFound,
    /// The visit changed since the rules were checked (called in, cancelled, back in line).
    #[error("the visit changed meanwhile")]
    Moved,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ReturnError {
    fn from(e: sqlx::Error) -> Self {
        ReturnError::Store(e.into())
    }
}

const COLUMNS: &str = "id, appointment_id, encounter_id, patient_id, department_id, session_id, \
     session_date, returned_at, returned_by, called_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<ReturnRecord, StoreError> {
    Ok(ReturnRecord {
        id: r.try_get(0)?,
        appointment_id: r.try_get(1)?,
        encounter_id: r.try_get(2)?,
        patient_id: r.try_get(3)?,
        department_id: r.try_get(4)?,
        session_id: r.try_get(5)?,
        session_date: r.try_get(6)?,
        returned_at: r.try_get(7)?,
        returned_by: r.try_get(8)?,
        called_at: r.try_get(9)?,
    })
}

/// The patient was called in: a return waiting for that call has its wait closed.
pub(crate) async fn called_in(
    conn: &mut AnyConnection,
    appointment_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE visit_returns SET called_at = $1 WHERE appointment_id = $2 AND called_at IS NULL",
    )
    .bind(now)
    .bind(appointment_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Puts a seen visit back into its session's line, first among those not called, with
    /// priority `level` (an appointment's stored priority); the visit is in progress again.
    pub async fn return_to_line(
        &self,
        encounter_id: &str,
        level: i64,
        by: &str,
        now: i64,
    ) -> Result<ReturnRecord, ReturnError> {
        let mut tx = self.writer.begin().await?;
        let row = sqlx::query(
            "SELECT appointment_id, patient_id, department_id, session_id, session_date \
             FROM encounters WHERE id = $1",
        )
        .bind(encounter_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ReturnError::NotFound)?;
        let appointment: String = row.try_get(0)?;
        let session: String = row.try_get(3)?;
        sqlx::query("UPDATE clinic_sessions SET status = status WHERE id = $1")
            .bind(&session)
            .execute(&mut *tx)
            .await?;
        let keys: Vec<i64> = sqlx::query_scalar(
            "SELECT COALESCE(order_key, queue_number * 1000) FROM appointments \
             WHERE session_id = $1 AND status = 'checked-in' AND called_at IS NULL",
        )
        .bind(&session)
        .fetch_all(&mut *tx)
        .await?;
        let key = return_key(&keys);
        let moved = sqlx::query(
            "UPDATE appointments SET status = 'checked-in', called_at = NULL, order_key = $1, \
             priority = $2, updated_at = $3 WHERE id = $4 \
             AND (status = 'fulfilled' OR (status = 'checked-in' AND called_at IS NULL))",
        )
        .bind(key)
        .bind(level)
        .bind(now)
        .bind(&appointment)
        .execute(&mut *tx)
        .await?;
        let reopened = sqlx::query(
            "UPDATE encounters SET status = 'in-progress', finished_at = NULL, \
             version = version + 1, updated_at = $1 \
             WHERE id = $2 AND status IN ('finished', 'in-progress')",
        )
        .bind(now)
        .bind(encounter_id)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() != 1 || reopened.rows_affected() != 1 {
            return Err(ReturnError::Moved);
        }
        let record = ReturnRecord {
            id: uuid::Uuid::now_v7().to_string(),
            appointment_id: appointment,
            encounter_id: encounter_id.to_owned(),
            patient_id: row.try_get(1)?,
            department_id: row.try_get(2)?,
            session_id: session,
            session_date: row.try_get(4)?,
            returned_at: now,
            returned_by: by.to_owned(),
            called_at: None,
        };
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO visit_returns ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)"
        )))
        .bind(&record.id)
        .bind(&record.appointment_id)
        .bind(&record.encounter_id)
        .bind(&record.patient_id)
        .bind(&record.department_id)
        .bind(&record.session_id)
        .bind(&record.session_date)
        .bind(record.returned_at)
        .bind(&record.returned_by)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// The returns of a department between two session dates (inclusive), oldest first.
    pub async fn visit_returns(
        &self,
        department_id: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<ReturnRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM visit_returns WHERE department_id = $1 \
             AND session_date >= $2 AND session_date <= $3 ORDER BY returned_at, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(department_id)
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// The returns of one visit, oldest first.
    pub async fn returns_of_encounter(
        &self,
        encounter_id: &str,
    ) -> Result<Vec<ReturnRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM visit_returns WHERE encounter_id = $1 ORDER BY returned_at, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(encounter_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }
}
