//! Hospital settings kept in the database (`settings`: key → text), so every server process
//! of an installation sees the same values.

use sqlx::Row;

use crate::{Store, StoreError};

impl Store {
    /// The stored text of a setting, if any.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Stores (or replaces) a setting.
    pub async fn put_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.writer)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Every setting whose key starts with `prefix`, in key order.
    pub async fn settings_with_prefix(
        &self,
        prefix: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        // substr instead of LIKE so `%` or `_` in a prefix mean themselves; the table is small.
        let length = i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX);
        let rows = sqlx::query(
            "SELECT key, value FROM settings WHERE substr(key, 1, $2) = $1 ORDER BY key",
        )
        .bind(prefix)
        .bind(length)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Removes a setting; whether it existed.
    pub async fn delete_setting(&self, key: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM settings WHERE key = $1")
            .bind(key)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
