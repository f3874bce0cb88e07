//! One waitlist entry (候补): read it, its place in the line, and leaving it.

use sqlx::Row;

use super::waitlist::{COLUMNS, WaitlistRecord, from_row};
use crate::{Store, StoreError};

impl Store {
    /// The waitlist entry with this id.
    pub async fn waitlist_entry(&self, id: &str) -> Result<Option<WaitlistRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM waitlist_entries WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// A waiting entry's place in its session's line (1: the next to get a place), in the
    /// order places are given (`first_waiting`); `None` once it no longer waits.
    pub async fn waitlist_position(
        &self,
        entry: &WaitlistRecord,
    ) -> Result<Option<i64>, StoreError> {
        if entry.status != "waiting" {
            return Ok(None);
        }
        let ahead: i64 = sqlx::query(
            "SELECT COUNT(*) FROM waitlist_entries WHERE session_id = $1 AND status = 'waiting' \
             AND (created_at < $2 OR (created_at = $2 AND id < $3))",
        )
        .bind(&entry.session_id)
        .bind(entry.created_at)
        .bind(&entry.id)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        Ok(Some(ahead + 1))
    }

    /// Takes a waiting entry off the waitlist (status `left`); `false` when it no longer
    /// waited (a place was taken for it first, or it had already ended). One conditional
    /// update, so it cannot cross a promotion: either the patient left or they got the place.
    pub async fn leave_waitlist(&self, id: &str) -> Result<bool, StoreError> {
        self.settle_waitlist_entry(id, "left", None, None).await
    }
}
