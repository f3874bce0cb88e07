//! Screen tokens: the credential of a waiting-area call screen, issued by an administrator
//! for one department and revoked by one. Only the token's keyed hash is stored.

use sqlx::Row;

use crate::{Store, StoreError};

/// One issued screen token (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScreenTokenRecord {
    pub id: String,
    pub department_id: String,
    pub label: String,
    pub created_by: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

const COLUMNS: &str = "id, department_id, label, created_by, created_at, revoked_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<ScreenTokenRecord, StoreError> {
    Ok(ScreenTokenRecord {
        id: row.try_get(0)?,
        department_id: row.try_get(1)?,
        label: row.try_get(2)?,
        created_by: row.try_get(3)?,
        created_at: row.try_get(4)?,
        revoked_at: row.try_get(5)?,
    })
}

impl Store {
    /// Keeps a new screen token (by its hash) for a department.
    pub async fn add_screen_token(
        &self,
        token: &str,
        department_id: &str,
        label: &str,
        created_by: &str,
        now: i64,
    ) -> Result<ScreenTokenRecord, StoreError> {
        let record = ScreenTokenRecord {
            id: uuid::Uuid::new_v4().to_string(),
            department_id: department_id.to_owned(),
            label: label.to_owned(),
            created_by: created_by.to_owned(),
            created_at: now,
            revoked_at: None,
        };
        sqlx::query(
            "INSERT INTO screen_tokens (id, department_id, label, token_hash, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&record.id)
        .bind(&record.department_id)
        .bind(&record.label)
        .bind(self.crypto.screen_token_hash(token))
        .bind(&record.created_by)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(record)
    }

    /// The live (not revoked) token this is, if any.
    pub async fn screen_token(&self, token: &str) -> Result<Option<ScreenTokenRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM screen_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(self.crypto.screen_token_hash(token))
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Every token issued, newest first, revoked ones included (what was issued stays known).
    pub async fn screen_tokens(&self) -> Result<Vec<ScreenTokenRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM screen_tokens ORDER BY created_at DESC, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Revokes a live token; `None` when there is no such live token.
    pub async fn revoke_screen_token(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Option<ScreenTokenRecord>, StoreError> {
        let sql = format!(
            "UPDATE screen_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING {COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(id)
            .fetch_optional(&self.writer)
            .await?;
        row.as_ref().map(from_row).transpose()
    }
}
