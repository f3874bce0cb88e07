//! Sign-in sessions (grants, table `account_sessions`): a bearer token names its row and is
//! accepted only while the row is open. Ending rows is how tokens are revoked: one row
//! (signing out, ending one session from the list), or every row of an account (a new
//! password, a disabled account) in the same transaction as the change that calls for it.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{Store, StoreError};

/// Who holds a grant: the first-party sign-in today; third-party apps later.
pub const FIRST_PARTY_CLIENT: &str = "huimin";
/// The kind of a grant made by signing in with a password (or by signing up).
pub const PASSWORD_GRANT: &str = "password";

/// A session to open.
#[derive(Clone, Debug)]
pub struct NewSession<'a> {
    pub user_id: &'a str,
    pub kind: &'a str,
    pub client_id: &'a str,
    pub scope: &'a str,
    /// `browser` (the pages) or `api` (a bearer client).
    pub client_kind: &'a str,
    /// Keyed hash of the client address.
    pub address_hash: &'a str,
    /// The user agent's family only ("Chrome on Android").
    pub user_agent: &'a str,
    pub now_micros: i64,
    pub expires_at_micros: i64,
}

/// A session as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub client_id: String,
    pub scope: String,
    pub client_kind: String,
    pub address_hash: String,
    pub user_agent: String,
    pub created_at_micros: i64,
    pub last_seen_micros: i64,
    pub expires_at_micros: i64,
    pub ended_at_micros: Option<i64>,
}

/// Why sessions ended, as stored in `ended_reason`.
pub mod ended {
    pub const SIGNED_OUT: &str = "signed-out";
    pub const ENDED_BY_HOLDER: &str = "ended-by-holder";
    pub const PASSWORD: &str = "password-changed";
    pub const DISABLED: &str = "account-disabled";
}

const COLUMNS: &str = "id, user_id, kind, client_id, scope, client_kind, address_hash, \
                       user_agent, created_at, last_seen, expires_at, ended_at";

fn from_row(row: &AnyRow) -> Result<SessionRecord, StoreError> {
    Ok(SessionRecord {
        id: row.try_get(0)?,
        user_id: row.try_get(1)?,
        kind: row.try_get(2)?,
        client_id: row.try_get(3)?,
        scope: row.try_get(4)?,
        client_kind: row.try_get(5)?,
        address_hash: row.try_get(6)?,
        user_agent: row.try_get(7)?,
        created_at_micros: row.try_get(8)?,
        last_seen_micros: row.try_get(9)?,
        expires_at_micros: row.try_get(10)?,
        ended_at_micros: row.try_get(11)?,
    })
}

impl Store {
    /// Opens a session and returns its id.
    pub async fn open_session(&self, session: NewSession<'_>) -> Result<String, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO account_sessions (id, user_id, kind, client_id, scope, client_kind, \
             address_hash, user_agent, created_at, last_seen, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)",
        )
        .bind(&id)
        .bind(session.user_id)
        .bind(session.kind)
        .bind(session.client_id)
        .bind(session.scope)
        .bind(session.client_kind)
        .bind(session.address_hash)
        .bind(session.user_agent)
        .bind(session.now_micros)
        .bind(session.expires_at_micros)
        .execute(&self.writer)
        .await?;
        Ok(id)
    }

    /// The session of an id if it is open (not ended, not expired) at `now`.
    pub async fn open_session_by_id(
        &self,
        id: &str,
        now_micros: i64,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM account_sessions \
             WHERE id = $1 AND ended_at IS NULL AND expires_at > $2"
        )))
        .bind(id)
        .bind(now_micros)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Notes that a session was used at `now`, unless that was noted less than `every`
    /// microseconds ago (so a busy session writes at most once per `every`).
    pub async fn touch_session(
        &self,
        id: &str,
        now_micros: i64,
        every_micros: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE account_sessions SET last_seen = $1 \
             WHERE id = $2 AND last_seen < $3 AND ended_at IS NULL",
        )
        .bind(now_micros)
        .bind(id)
        .bind(now_micros - every_micros)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// An account's open sessions, the most recently used first.
    pub async fn open_sessions_of(
        &self,
        user_id: &str,
        now_micros: i64,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM account_sessions \
             WHERE user_id = $1 AND ended_at IS NULL AND expires_at > $2 \
             ORDER BY last_seen DESC, id LIMIT 200"
        )))
        .bind(user_id)
        .bind(now_micros)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Ends one open session of an account; whether there was one to end. A session of
    /// another account is not touched (and answers `false`, like a missing one).
    pub async fn end_session(
        &self,
        user_id: &str,
        id: &str,
        reason: &str,
        now_micros: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE account_sessions SET ended_at = $1, ended_reason = $2 \
             WHERE id = $3 AND user_id = $4 AND ended_at IS NULL AND expires_at > $1",
        )
        .bind(now_micros)
        .bind(reason)
        .bind(id)
        .bind(user_id)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends every open session of an account; how many.
    pub async fn end_sessions_of(
        &self,
        user_id: &str,
        reason: &str,
        now_micros: i64,
    ) -> Result<u64, StoreError> {
        let mut conn = self.writer.acquire().await?;
        end_all(&mut conn, user_id, reason, now_micros).await
    }
}

/// Ends every open session of an account inside the caller's transaction.
pub(crate) async fn end_all(
    conn: &mut AnyConnection,
    user_id: &str,
    reason: &str,
    now_micros: i64,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE account_sessions SET ended_at = $1, ended_reason = $2 \
         WHERE user_id = $3 AND ended_at IS NULL",
    )
    .bind(now_micros)
    .bind(reason)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}
