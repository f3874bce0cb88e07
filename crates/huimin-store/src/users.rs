//! Accounts. Passwords arrive already hashed: hashing policy belongs to the HTTP layer, which
//! owns authentication; storage only keeps what it is given.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::account_sessions::{end_all, ended};
use crate::family::{link, record_consent};
use crate::resources::{ResourceWrite, StoredResource};
use crate::{Store, StoreError, now_micros};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub display_name: String,
    pub practitioner_id: Option<String>,
    pub disabled: bool,
    pub failed_logins: i64,
    pub locked_until_micros: i64,
    pub created_at_micros: i64,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub display_name: String,
    pub practitioner_id: Option<String>,
}

const USER_COLUMNS: &str = "id, username, password_hash, role, display_name, practitioner_id, \
                            disabled, failed_logins, locked_until, created_at";

fn user_from_row(row: &AnyRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: row.try_get(0)?,
        username: row.try_get(1)?,
        password_hash: row.try_get(2)?,
        role: row.try_get(3)?,
        display_name: row.try_get(4)?,
        practitioner_id: row.try_get(5)?,
        disabled: row.try_get::<i64, _>(6)? != 0,
        failed_logins: row.try_get(7)?,
        locked_until_micros: row.try_get(8)?,
        created_at_micros: row.try_get(9)?,
    })
}

impl Store {
    pub async fn create_user(&self, user: NewUser) -> Result<UserRecord, StoreError> {
        let mut conn = self.writer.acquire().await?;
        let id = insert_user(&mut conn, &user).await?;
        drop(conn);
        self.user_by_id(&id).await?.ok_or(StoreError::NotFound)
    }

    /// Creates a patient account, its own Patient record and the link between them in one
    /// transaction: either all three exist afterwards or none does.
    /// `consent` is the version of the agreement and privacy policy the person accepted
    /// (accounts made by the demo accepted none).
    pub async fn register_patient_account(
        &self,
        user: NewUser,
        patient: ResourceWrite<'_>,
        consent: Option<&str>,
    ) -> Result<(UserRecord, StoredResource), StoreError> {
        let mut tx = self.writer.begin().await?;
        let user_id = insert_user(&mut tx, &user).await?;
        let stored = self.insert_resource(&mut tx, patient).await?;
        // A record made in this transaction is nobody's yet.
        link(&mut tx, &user_id, &stored.id, "self")
            .await?
            .map_err(|_| StoreError::Corrupt("a new Patient was already linked".into()))?;
        if let Some(version) = consent {
            record_consent(&mut tx, &user_id, version).await?;
        }
        tx.commit().await?;
        let record = self
            .user_by_id(&user_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((record, stored))
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn user_by_id(&self, id: &str) -> Result<Option<UserRecord>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn list_users(&self, limit: u32, offset: u32) -> Result<Vec<UserRecord>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY username LIMIT {limit} OFFSET {offset}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    pub async fn count_users(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get(0)?)
    }

    /// Disables or enables an account; disabling ends every session of it in the same
    /// transaction.
    pub async fn set_user_disabled(
        &self,
        username: &str,
        disabled: bool,
    ) -> Result<(), StoreError> {
        let now = now_micros();
        let mut tx = self.writer.begin().await?;
        let row = sqlx::query(
            "UPDATE users SET disabled = $1, updated_at = $2 WHERE username = $3 RETURNING id",
        )
        .bind(i64::from(disabled))
        .bind(now)
        .bind(username)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound);
        };
        if disabled {
            let id: String = row.try_get(0)?;
            end_all(&mut tx, &id, ended::DISABLED, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password hash and ends every session of the account, in one transaction.
    pub async fn set_user_password(
        &self,
        username: &str,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        let now = now_micros();
        let mut tx = self.writer.begin().await?;
        let row = sqlx::query(
            "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = 0, \
             updated_at = $2 WHERE username = $3 RETURNING id",
        )
        .bind(password_hash)
        .bind(now)
        .bind(username)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound);
        };
        let id: String = row.try_get(0)?;
        end_all(&mut tx, &id, ended::PASSWORD, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

pub(crate) async fn insert_user(
    conn: &mut AnyConnection,
    user: &NewUser,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    let now = now_micros();
    let inserted = sqlx::query(
        "INSERT INTO users (id, username, password_hash, role, display_name, practitioner_id, \
         disabled, failed_logins, locked_until, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 0, $7, $8)",
    )
    .bind(&id)
    .bind(&user.username)
    .bind(&user.password_hash)
    .bind(&user.role)
    .bind(&user.display_name)
    .bind(user.practitioner_id.clone())
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(_) => Ok(id),
        Err(err) if StoreError::is_unique_violation(&err) => Err(StoreError::UsernameTaken),
        Err(err) => Err(err.into()),
    }
}
