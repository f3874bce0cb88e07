//! Holds whose time ran out give their places back: cancelled, their slot and pool counters
//! returned, their waitlist offer ended.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::StoreError;
use crate::messages::{NewEvent, emit_in};

/// Cancels expired holds matching `column = value` and returns their places; how many.
pub(crate) async fn release_expired(
    conn: &mut AnyConnection,
    column: &str,
    value: &str,
    now: i64,
) -> Result<usize, StoreError> {
    let condition = format!("{column} = $2");
    Ok(release_expired_where(conn, &condition, &[value], now)
        .await?
        .len())
}

/// Cancels the expired holds of a patient or in a slot; the slots that got places back.
pub(super) async fn release_expired_of(
    conn: &mut AnyConnection,
    patient_id: &str,
    slot_id: &str,
    now: i64,
) -> Result<Vec<String>, StoreError> {
    let condition = "(patient_id = $2 OR slot_id = $3)";
    release_expired_where(conn, condition, &[patient_id, slot_id], now).await
}

/// `condition` uses `$2`, `$3`, … for `values`; the last placeholder is the instant.
async fn release_expired_where(
    conn: &mut AnyConnection,
    condition: &str,
    values: &[&str],
    now: i64,
) -> Result<Vec<String>, StoreError> {
    let until = format!("${}", values.len() + 2);
    let sql = lapse_statement("$1", condition, &until);
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now);
    for value in values {
        query = query.bind(value.to_string());
    }
    let rows = query.bind(now).fetch_all(&mut *conn).await?;
    let mut slots = Vec::with_capacity(rows.len());
    for row in &rows {
        slots.push(give_back_lapsed(conn, row, now).await?);
    }
    Ok(slots)
}

/// Cancels the pending holds matching `condition` whose time has run out (`now` and `until`
/// are the placeholders of the current instant), answering each one's
/// `slot_id, session_id, pool, id` for [`give_back_lapsed`].
pub(crate) fn lapse_statement(now: &str, condition: &str, until: &str) -> String {
    format!(
        "UPDATE appointments SET status = 'cancelled', cancel_reason = 'hold-lapsed', \
         updated_at = {now} WHERE {condition} AND status = 'pending' AND hold_expires_at <= {until} \
         RETURNING slot_id, session_id, pool, id, patient_id"
    )
}

/// Gives a lapsed hold's place back to its slot and pool, ends its waitlist offer and tells
/// the patient; the slot.
pub(crate) async fn give_back_lapsed(
    conn: &mut AnyConnection,
    row: &AnyRow,
    now: i64,
) -> Result<String, StoreError> {
    let (slot, session, pool): (String, String, String) =
        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    return_place(conn, &slot, &session, &pool, "held").await?;
    let appointment: String = row.try_get(3)?;
    settle_offer(conn, &appointment, "lapsed", now).await?;
    let event = NewEvent {
        kind: "hold-lapsed",
        patient_id: row.try_get(4)?,
        reference: format!("Appointment/{appointment}"),
        params: serde_json::json!({"appointment": appointment}),
    };
    emit_in(conn, &event, now).await?;
    Ok(slot)
}

/// A waitlist offer (a hold made for a waiting patient) ends with its hold: `booked` when
/// confirmed, `lapsed` when it expired, `declined` when the patient cancelled it.
pub(crate) async fn settle_offer(
    conn: &mut AnyConnection,
    appointment_id: &str,
    status: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE waitlist_entries SET status = $1, updated_at = $2 WHERE appointment_id = $3 AND status = 'offered'",
    )
    .bind(status)
    .bind(now)
    .bind(appointment_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Gives one place back to its slot counter (`held` or `booked`) and pool.
pub(crate) async fn return_place(
    conn: &mut AnyConnection,
    slot: &str,
    session: &str,
    pool: &str,
    counter: &str,
) -> Result<(), StoreError> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE slots SET {counter} = {counter} - 1 WHERE id = $1 AND {counter} > 0"
    )))
    .bind(slot)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE session_pools SET used = used - 1 WHERE session_id = $1 AND pool = $2 AND used > 0",
    )
    .bind(session)
    .bind(pool)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
