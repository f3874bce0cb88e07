//! A doctor is in one place at a time: a new session may not overlap another active session of
//! the same post, or of the same practitioner's post in another department, on that day.

use sqlx::Row;

use super::sessions::NewSession;
use crate::StoreError;

/// The practitioner behind a post, as the index holds it (`Practitioner/{id}`).
const PRACTITIONER_OF_ROLE: &str = "SELECT value FROM search_tokens \
     WHERE resource_type = 'PractitionerRole' AND param = 'practitioner' AND id = $1";

/// Refuses `session` when it overlaps another active session of the same doctor on its date.
/// The same post in the same period is left to the unique key (`Duplicate`), which roster
/// publication and the demo read as "already there".
/// First takes a row lock on the practitioner and the post (a no-op update), so that two
/// creations for one doctor on PostgreSQL run one after the other and the check below holds
/// when the insert commits; SQLite has one writer already.
pub(crate) async fn refuse_overlap(
    conn: &mut sqlx::AnyConnection,
    session: &NewSession,
) -> Result<(), StoreError> {
    let Some(role) = session.practitioner_role_id.as_deref() else {
        return Ok(());
    };
    let lock_practitioner = format!(
        "UPDATE resources SET version_id = version_id \
         WHERE resource_type = 'Practitioner' AND 'Practitioner/' || id = ({PRACTITIONER_OF_ROLE})"
    );
    sqlx::query(sqlx::AssertSqlSafe(lock_practitioner))
        .bind(role)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE resources SET version_id = version_id \
         WHERE resource_type = 'PractitionerRole' AND id = $1",
    )
    .bind(role)
    .execute(&mut *conn)
    .await?;
    let overlapping = format!(
        "SELECT starts_at, ends_at FROM clinic_sessions \
         WHERE session_date = $1 AND status = 'active' AND starts_at < $3 AND ends_at > $2 \
         AND (practitioner_role_id = $4 OR practitioner_role_id IN ( \
             SELECT t.id FROM search_tokens t WHERE t.resource_type = 'PractitionerRole' \
             AND t.param = 'practitioner' AND t.value = ({PRACTITIONER_OF_ROLE_4}))) \
         AND NOT (practitioner_role_id = $4 AND period = $5) \
         ORDER BY starts_at LIMIT 1",
        PRACTITIONER_OF_ROLE_4 = PRACTITIONER_OF_ROLE.replace("$1", "$4"),
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(overlapping))
        .bind(&session.session_date)
        .bind(session.starts_at)
        .bind(session.ends_at)
        .bind(role)
        .bind(&session.period)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Err(StoreError::Overlap {
            starts_at: row.try_get(0)?,
            ends_at: row.try_get(1)?,
        }),
        None => Ok(()),
    }
}
