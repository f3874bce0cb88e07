//! Counters of failed logins and of registrations (table `login_throttle`), shared by every
//! server on the database. A key counts failures since its last quiet spell; the caller
//! (which owns the back-off policy) sets the time before which the key is refused.

use sqlx::Row;

use crate::{Store, StoreError};

impl Store {
    /// The latest `blocked_until` of the keys (0 when none is blocked or known).
    pub async fn throttle_blocked_until(&self, keys: &[&str]) -> Result<i64, StoreError> {
        let mut latest = 0;
        for key in keys {
            let row = sqlx::query("SELECT blocked_until FROM login_throttle WHERE key = $1")
                .bind(*key)
                .fetch_optional(&self.pool)
                .await?;
            if let Some(row) = row {
                latest = latest.max(row.try_get::<i64, _>(0)?);
            }
        }
        Ok(latest)
    }

    /// Counts one failure of a key at `now` and returns the count. A key whose last failure
    /// is older than `quiet_since` starts again at one.
    pub async fn throttle_count(
        &self,
        key: &str,
        now_micros: i64,
        quiet_since_micros: i64,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO login_throttle (key, failures, blocked_until, updated_at) \
             VALUES ($1, 1, 0, $2) \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN login_throttle.updated_at < $3 THEN 1 \
                        ELSE login_throttle.failures + 1 END, \
             updated_at = $2 \
             RETURNING failures",
        )
        .bind(key)
        .bind(now_micros)
        .bind(quiet_since_micros)
        .fetch_one(&self.writer)
        .await?;
        Ok(row.try_get(0)?)
    }

    /// Refuses a key until `until` (never shortens a longer refusal).
    pub async fn throttle_block(&self, key: &str, until_micros: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE login_throttle SET blocked_until = $1 WHERE key = $2 AND blocked_until < $1",
        )
        .bind(until_micros)
        .bind(key)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Forgets a key's failures (a successful login clears its account's key only).
    pub async fn throttle_clear(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(key)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Drops keys quiet since `quiet_since` and no longer refused at `now`; how many.
    pub async fn throttle_sweep(
        &self,
        now_micros: i64,
        quiet_since_micros: i64,
    ) -> Result<u64, StoreError> {
        let done =
            sqlx::query("DELETE FROM login_throttle WHERE updated_at < $1 AND blocked_until < $2")
                .bind(quiet_since_micros)
                .bind(now_micros)
                .execute(&self.writer)
                .await?;
        Ok(done.rows_affected())
    }
}
