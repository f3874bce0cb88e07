//! Opening a visit's bill, handing it to the appointment a move replaces, and closing it
//! when the visit is cancelled. All in the caller's transaction.

use sqlx::{AnyConnection, Row};

use super::ledger::{give_back_in, write_status};
use super::sheet::{BillSheet, EntryRecord, bill_id_of, load_sheet, lock_bill};
use crate::StoreError;
use crate::appointments::AppointmentRecord;
use huimin_domain::billing::RefundReason;

/// The visit's bill, opened with its registration item when money first touches it.
pub(crate) async fn open_bill_in(
    conn: &mut AnyConnection,
    appointment: &AppointmentRecord,
    by: Option<&str>,
    now: i64,
) -> Result<String, StoreError> {
    if let Some(id) = bill_id_of(conn, &appointment.id).await? {
        lock_bill(conn, &id).await?;
        return Ok(id);
    }
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO bills (id, patient_id, appointment_id, status, version, created_at, updated_at) \
         VALUES ($1, $2, $3, 'issued', 1, $4, $5)",
    )
    .bind(&id)
    .bind(&appointment.patient_id)
    .bind(&appointment.id)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    registration_item_in(conn, &id, appointment, by, now).await?;
    Ok(id)
}

/// The appointment's registration fee as a charge item: priced by its session (the doctor's
/// fee), named after the price list's item for the registration class when there is one.
async fn registration_item_in(
    conn: &mut AnyConnection,
    bill_id: &str,
    appointment: &AppointmentRecord,
    by: Option<&str>,
    now: i64,
) -> Result<String, StoreError> {
    let session =
        sqlx::query("SELECT fee_fen, registration_class FROM clinic_sessions WHERE id = $1")
            .bind(&appointment.session_id)
            .fetch_one(&mut *conn)
            .await?;
    let (fee, class): (i64, String) = (session.try_get(0)?, session.try_get(1)?);
    let listed = sqlx::query(
        "SELECT code, name_zh, name_en, price_fen FROM price_items \
         WHERE category = 'registration' AND registration_class = $1",
    )
    .bind(&class)
    .fetch_optional(&mut *conn)
    .await?;
    let (code, zh, en, list_price) = match listed {
        Some(r) => {
            let price: i64 = r.try_get(3)?;
            (
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                (price != fee).then_some(price),
            )
        }
        None => (
            format!("registration-{class}"),
            "挂号费".to_owned(),
            "Registration fee".to_owned(),
            None,
        ),
    };
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO charge_items (id, bill_id, patient_id, code, name_zh, name_en, quantity, \
         unit_price_fen, amount_fen, list_price_fen, context, status, performed_at, entered_by, \
         created_at, updated_at, category) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10, 'billable', NULL, $11, $12, $13, \
         'registration')",
    )
    .bind(&id)
    .bind(bill_id)
    .bind(&appointment.patient_id)
    .bind(code)
    .bind(zh)
    .bind(en)
    .bind(fee)
    .bind(fee)
    .bind(list_price)
    .bind(format!("Appointment/{}", appointment.id))
    .bind(by)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// A move: the bill follows the visit to `new`; the old registration item is aborted and the
/// new one billed at the target's fee, taking over the old item's payments. Returns the bill
/// as it now stands (money held beyond the new fee not yet given back: the caller decides),
/// or `None` when the visit had no bill (nothing was paid).
pub(crate) async fn move_bill_in(
    conn: &mut AnyConnection,
    old: &AppointmentRecord,
    new: &AppointmentRecord,
    now: i64,
) -> Result<Option<BillSheet>, StoreError> {
    let Some(bill) = bill_id_of(conn, &old.id).await? else {
        return Ok(None);
    };
    lock_bill(conn, &bill).await?;
    sqlx::query("UPDATE bills SET appointment_id = $1, updated_at = $2 WHERE id = $3")
        .bind(&new.id)
        .bind(now)
        .bind(&bill)
        .execute(&mut *conn)
        .await?;
    let old_items = sqlx::query(
        "UPDATE charge_items SET status = 'aborted', updated_at = $1 \
         WHERE bill_id = $2 AND context = $3 AND status = 'billable' RETURNING id",
    )
    .bind(now)
    .bind(&bill)
    .bind(format!("Appointment/{}", old.id))
    .fetch_all(&mut *conn)
    .await?;
    let new_item = registration_item_in(conn, &bill, new, None, now).await?;
    for row in &old_items {
        let old_item: String = row.try_get(0)?;
        sqlx::query("UPDATE ledger_allocations SET charge_item_id = $1 WHERE charge_item_id = $2")
            .bind(&new_item)
            .bind(&old_item)
            .execute(&mut *conn)
            .await?;
    }
    load_sheet(conn, &bill).await
}

/// A move's money: the bill follows the visit to `new` ([`move_bill_in`]) and what the old
/// fee held beyond the new one goes back at once; the bill's id, or `None` without a bill.
pub(crate) async fn move_money_in(
    conn: &mut AnyConnection,
    old: &AppointmentRecord,
    new: &AppointmentRecord,
    now: i64,
) -> Result<Option<String>, StoreError> {
    let Some(sheet) = move_bill_in(conn, old, new, now).await? else {
        return Ok(None);
    };
    let reason = RefundReason::MovedCheaper;
    give_back_in(conn, &sheet.bill.id, reason, None, None, now).await?;
    Ok(Some(sheet.bill.id))
}

/// A cancelled visit: every item not yet performed is aborted and the money held for them
/// goes back; the refunds written.
pub(crate) async fn abort_visit_in(
    conn: &mut AnyConnection,
    appointment_id: &str,
    reason: RefundReason,
    now: i64,
) -> Result<Vec<EntryRecord>, StoreError> {
    let Some(bill) = bill_id_of(conn, appointment_id).await? else {
        return Ok(Vec::new());
    };
    lock_bill(conn, &bill).await?;
    sqlx::query(
        "UPDATE charge_items SET status = 'aborted', updated_at = $1 \
         WHERE bill_id = $2 AND status = 'billable' AND performed_at IS NULL",
    )
    .bind(now)
    .bind(&bill)
    .execute(&mut *conn)
    .await?;
    let refunds = give_back_in(conn, &bill, reason, None, None, now).await?;
    if refunds.is_empty() {
        write_status(conn, &bill, now).await?;
    }
    Ok(refunds)
}

/// The appointment's registration was given (the doctor called the patient in): no longer
/// refundable. Other items of the visit are given when their service is.
pub(crate) async fn mark_performed_in(
    conn: &mut AnyConnection,
    appointment_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE charge_items SET performed_at = $1 WHERE context = $2 \
         AND category = 'registration' AND status = 'billable' AND performed_at IS NULL",
    )
    .bind(now)
    .bind(format!("Appointment/{appointment_id}"))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Money the visit's bill holds for the items this appointment caused (0 without a bill).
pub(crate) async fn held_for_appointment_in(
    conn: &mut AnyConnection,
    appointment_id: &str,
) -> Result<i64, StoreError> {
    let Some(bill) = bill_id_of(conn, appointment_id).await? else {
        return Ok(0);
    };
    let sheet = load_sheet(conn, &bill).await?.ok_or(StoreError::NotFound)?;
    let numbers = sheet.numbers();
    let context = format!("Appointment/{appointment_id}");
    Ok(sheet
        .items
        .iter()
        .filter(|i| i.context == context && i.status == "billable")
        .map(|i| numbers.held_for(&i.id))
        .sum())
}
