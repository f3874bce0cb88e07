//! Moves that replaced one appointment by another (stop-clinic, triage 改派), and the
//! patient's answer to a stop-clinic move: accepted, declined (the appointment cancelled
//! with a full refund), or left unanswered until `reply_by`, after which the move stands.

use sqlx::{AnyConnection, Row};

use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoveRecord {
    pub from_appointment: String,
    pub to_appointment: String,
    /// `stop-clinic` or `triage`.
    pub kind: String,
    /// `awaiting`, `accepted` or `declined`.
    pub reply: String,
    pub reply_by: Option<i64>,
    pub replied_at: Option<i64>,
    pub created_at: i64,
}

impl MoveRecord {
    /// The answer as it stands at `now`: an unanswered move past its deadline stands.
    pub fn reply_at(&self, now: i64) -> &str {
        match (self.reply.as_str(), self.reply_by) {
            ("awaiting", Some(by)) if now > by => "accepted",
            (reply, _) => reply,
        }
    }
}

const COLUMNS: &str =
    "from_appointment, to_appointment, kind, reply, reply_by, replied_at, created_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<MoveRecord, StoreError> {
    Ok(MoveRecord {
        from_appointment: r.try_get(0)?,
        to_appointment: r.try_get(1)?,
        kind: r.try_get(2)?,
        reply: r.try_get(3)?,
        reply_by: r.try_get(4)?,
        replied_at: r.try_get(5)?,
        created_at: r.try_get(6)?,
    })
}

pub(crate) async fn record_move_in(
    conn: &mut AnyConnection,
    record: &MoveRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO appointment_moves (from_appointment, to_appointment, kind, reply, reply_by, \
         replied_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&record.from_appointment)
    .bind(&record.to_appointment)
    .bind(&record.kind)
    .bind(&record.reply)
    .bind(record.reply_by)
    .bind(record.replied_at)
    .bind(record.created_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether the appointment is the result of a stop-clinic move its patient has not
/// declined: such a patient may cancel whatever the cut-off, with a full refund.
pub(crate) async fn awaiting_or_accepted_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "SELECT 1 FROM appointment_moves WHERE to_appointment = $1 AND kind = 'stop-clinic' \
         AND reply <> 'declined'",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.is_some())
}

/// Records the patient's answer; whether there was a stop-clinic move to answer.
pub(crate) async fn reply_in(
    conn: &mut AnyConnection,
    id: &str,
    reply: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let changed = sqlx::query(
        "UPDATE appointment_moves SET reply = $1, replied_at = $2 \
         WHERE to_appointment = $3 AND kind = 'stop-clinic' AND reply = 'awaiting'",
    )
    .bind(reply)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(changed.rows_affected() > 0)
}

async fn find(store: &Store, column: &str, id: &str) -> Result<Option<MoveRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM appointment_moves WHERE {column} = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&store.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

impl Store {
    /// The move that made this appointment, if it replaced another.
    pub async fn move_into_appointment(&self, id: &str) -> Result<Option<MoveRecord>, StoreError> {
        find(self, "to_appointment", id).await
    }

    /// The move that replaced this appointment, if it was moved.
    pub async fn move_out_of_appointment(
        &self,
        id: &str,
    ) -> Result<Option<MoveRecord>, StoreError> {
        find(self, "from_appointment", id).await
    }

    /// The patient accepts a stop-clinic move; `false` when there was none awaiting an answer
    /// (already answered, or not moved).
    pub async fn accept_move(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        let mut conn = self.writer.acquire().await?;
        reply_in(&mut conn, id, "accepted", now).await
    }
}
