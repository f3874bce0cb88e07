//! The in-app inbox: the `notifications` rows of the patients an account acts for, newest
//! first, and their read marks. Every query names the patients, so an account never reads
//! or marks another's messages.

use sqlx::Row;

use crate::sql::placeholders;
use crate::{Store, StoreError};

/// One message in a patient's inbox.
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

/// One page of an inbox, and the counts of the whole of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inbox {
    pub messages: Vec<Notification>,
    pub total: u64,
    pub unread: u64,
}

const COLUMNS: &str = "id, patient_id, kind, text_zh, text_en, reference, created_at, read_at";

impl Store {
    /// The messages of `patient_ids`, newest first (ties by id), `limit` from `offset`.
    pub async fn inbox(
        &self,
        patient_ids: &[String],
        limit: u32,
        offset: u64,
    ) -> Result<Inbox, StoreError> {
        if patient_ids.is_empty() {
            return Ok(Inbox {
                messages: Vec::new(),
                total: 0,
                unread: 0,
            });
        }
        let n = patient_ids.len();
        let ids = placeholders(1, n);
        let sql = format!(
            "SELECT {COLUMNS} FROM notifications WHERE patient_id IN ({ids}) \
             ORDER BY created_at DESC, id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in patient_ids {
            query = query.bind(id);
        }
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let rows = query
            .bind(i64::from(limit))
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        let messages = rows.iter().map(notification).collect::<Result<_, _>>()?;
        let sql = format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0) \
             FROM notifications WHERE patient_id IN ({ids})"
        );
        let counts = bound(&sql, patient_ids).fetch_one(&self.pool).await?;
        Ok(Inbox {
            messages,
            total: count(counts.try_get(0)?),
            unread: count(counts.try_get(1)?),
        })
    }

    /// How many messages of `patient_ids` are unread.
    pub async fn unread_count(&self, patient_ids: &[String]) -> Result<u64, StoreError> {
        if patient_ids.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "SELECT COUNT(*) FROM notifications WHERE patient_id IN ({}) AND read_at IS NULL",
            placeholders(1, patient_ids.len())
        );
        let row = bound(&sql, patient_ids).fetch_one(&self.pool).await?;
        Ok(count(row.try_get(0)?))
    }

    /// Marks message `id` read if it belongs to one of `patient_ids`; whether it does. A
    /// message already read keeps the time it was first read.
    pub async fn mark_read(
        &self,
        patient_ids: &[String],
        id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        if patient_ids.is_empty() {
            return Ok(false);
        }
        let sql = format!(
            "UPDATE notifications SET read_at = COALESCE(read_at, $1) \
             WHERE id = $2 AND patient_id IN ({})",
            placeholders(3, patient_ids.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now).bind(id);
        for patient in patient_ids {
            query = query.bind(patient);
        }
        Ok(query.execute(&self.writer).await?.rows_affected() == 1)
    }

    /// Marks every unread message of `patient_ids` read; how many were unread.
    pub async fn mark_all_read(&self, patient_ids: &[String], now: i64) -> Result<u64, StoreError> {
        if patient_ids.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "UPDATE notifications SET read_at = $1 WHERE read_at IS NULL AND patient_id IN ({})",
            placeholders(2, patient_ids.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now);
        for patient in patient_ids {
            query = query.bind(patient);
        }
        Ok(query.execute(&self.writer).await?.rows_affected())
    }
}

/// `sql` with `patient_ids` bound as `$1…`.
fn bound<'q>(
    sql: &str,
    patient_ids: &'q [String],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    for id in patient_ids {
        query = query.bind(id.as_str());
    }
    query
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn notification(r: &sqlx::any::AnyRow) -> Result<Notification, StoreError> {
    Ok(Notification {
        id: r.try_get(0)?,
        patient_id: r.try_get(1)?,
        kind: r.try_get(2)?,
        text_zh: r.try_get(3)?,
        text_en: r.try_get(4)?,
        reference: r.try_get(5)?,
        created_at: r.try_get(6)?,
        read_at: r.try_get(7)?,
    })
}
