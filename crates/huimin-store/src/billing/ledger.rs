//! Payments and refunds: entries against a bill, allocated to its items as the domain plans
//! them, each told to the patient through the outbox in the same transaction.

use huimin_domain::billing::{BillStatus, RefundReason, RefundRefusal};
use serde_json::json;
use sqlx::AnyConnection;

use super::sheet::{BillSheet, EntryRecord, load_sheet, lock_bill};
use crate::messages::{NewEvent, emit_in};
use crate::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum BillError {
    #[error("no such bill")]
    NotFound,
    #[error("refund refused: {0}")]
    Refused(#[from] RefundRefusal),
    #[error("price list has no item {0}")]
    UnknownPrice(String),
    #[error("bill is cancelled")]
    Cancelled,
    #[error("a registration fee comes with its appointment")]
    Registration,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BillError {
    fn from(e: sqlx::Error) -> Self {
        BillError::Store(e.into())
    }
}

/// A payment and the bill after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub entry: EntryRecord,
    pub sheet: BillSheet,
    /// Whether this call paid (else the bill was already paid and `entry` is its last payment).
    pub fresh: bool,
}

/// Refunds made and the bill after them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refunded {
    pub refunds: Vec<EntryRecord>,
    pub sheet: BillSheet,
}

async fn sheet(conn: &mut AnyConnection, id: &str) -> Result<BillSheet, StoreError> {
    load_sheet(conn, id).await?.ok_or(StoreError::NotFound)
}

/// Stores the bill's status as its numbers say, and moves its version on.
pub(crate) async fn write_status(
    conn: &mut AnyConnection,
    id: &str,
    now: i64,
) -> Result<BillStatus, StoreError> {
    let current = sheet(conn, id).await?;
    let numbers = current.numbers();
    let status = numbers.status();
    if numbers.paid() > 0 && numbers.paid() == numbers.refunded() {
        // Everything went back: the bill's insurance settlements are reversed whole.
        super::insurance::bill_emptied_in(conn, id, &current.bill.patient_id, now).await?;
    }
    sqlx::query(
        "UPDATE bills SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(status.code())
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(status)
}

/// Writes an entry with its allocations and tells the patient (about `appointment`, the visit's
/// current appointment).
async fn insert_entry(
    conn: &mut AnyConnection,
    e: &EntryRecord,
    appointment: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO ledger_entries (id, bill_id, patient_id, kind, method, amount_fen, refund_of, \
         reason, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&e.id)
    .bind(&e.bill_id)
    .bind(&e.patient_id)
    .bind(&e.kind)
    .bind(&e.method)
    .bind(e.amount_fen)
    .bind(&e.refund_of)
    .bind(&e.reason)
    .bind(&e.note)
    .bind(&e.recorded_by)
    .bind(e.recorded_at)
    .execute(&mut *conn)
    .await?;
    for (item, amount) in &e.allocations {
        sqlx::query(
            "INSERT INTO ledger_allocations (entry_id, charge_item_id, amount_fen) VALUES ($1, $2, $3)",
        )
        .bind(&e.id)
        .bind(item)
        .bind(amount)
        .execute(&mut *conn)
        .await?;
    }
    if e.kind == "refund" {
        // Money that came through a gateway goes back through it.
        super::gateway_refunds::refund_entry_in(conn, e, e.recorded_at).await?;
        // Money that came from the insurance goes back to it.
        super::insurance::refunded_in(conn, e, e.recorded_at).await?;
    }
    let (kind, reason) = match e.kind.as_str() {
        "payment" => ("payment", None),
        _ => ("refund", e.reason.as_deref()),
    };
    let event = NewEvent {
        kind,
        patient_id: e.patient_id.clone(),
        reference: format!("Appointment/{appointment}"),
        params: json!({
            "appointment": appointment,
            "amount_fen": e.amount_fen,
            "method": e.method,
            "reason": reason,
            "note": e.note,
        }),
    };
    emit_in(conn, &event, e.recorded_at).await?;
    Ok(())
}

/// Pays everything due on the bill (locked by the caller) by `method`; `None` when nothing
/// is due.
pub(crate) async fn pay_in(
    conn: &mut AnyConnection,
    bill_id: &str,
    method: &str,
    by: Option<&str>,
    now: i64,
) -> Result<Option<EntryRecord>, StoreError> {
    let plan = sheet(conn, bill_id).await?.numbers().payment_plan();
    if plan.iter().all(|(_, a)| *a == 0) {
        return Ok(None);
    }
    // One part: the whole balance by `method`, allocated as the domain plans it.
    let mut entries = pay_parts_in(conn, bill_id, vec![(method, plan)], by, now).await?;
    Ok(entries.pop())
}

/// Pays the bill (locked by the caller) in parts, each by its method and allocated to items as
/// given (an insured bill: pool, personal account and cash); parts of nothing are skipped.
/// The parts must add up to what is due item by item: the caller's settlement planned them.
pub(crate) async fn pay_parts_in(
    conn: &mut AnyConnection,
    bill_id: &str,
    parts: Vec<(&str, Vec<(String, i64)>)>,
    by: Option<&str>,
    now: i64,
) -> Result<Vec<EntryRecord>, StoreError> {
    let current = sheet(conn, bill_id).await?;
    let mut entries = Vec::new();
    for (method, allocations) in parts {
        let allocations: Vec<(String, i64)> =
            allocations.into_iter().filter(|(_, a)| *a > 0).collect();
        let amount: i64 = allocations.iter().map(|(_, a)| a).sum();
        if amount == 0 {
            continue;
        }
        let entry = EntryRecord {
            id: uuid::Uuid::new_v4().to_string(),
            bill_id: bill_id.to_owned(),
            patient_id: current.bill.patient_id.clone(),
            kind: "payment".into(),
            method: method.to_owned(),
            amount_fen: amount,
            refund_of: None,
            reason: None,
            note: None,
            recorded_by: by.map(str::to_owned),
            recorded_at: now,
            allocations,
        };
        insert_entry(conn, &entry, &current.bill.appointment_id).await?;
        // The orders and prescriptions this payment paid move to `paid` in its transaction.
        crate::orders::paid_in(conn, &entry, now).await?;
        crate::prescriptions::paid_in(conn, &entry, now).await?;
        entries.push(entry);
    }
    write_status(conn, bill_id, now).await?;
    Ok(entries)
}

/// Gives back whatever the bill's items hold beyond their amounts, each refund through the
/// payment that brought the money and by its method; the refunds written.
pub(crate) async fn give_back_in(
    conn: &mut AnyConnection,
    bill_id: &str,
    reason: RefundReason,
    note: Option<&str>,
    by: Option<&str>,
    now: i64,
) -> Result<Vec<EntryRecord>, StoreError> {
    let current = sheet(conn, bill_id).await?;
    let mut refunds = Vec::new();
    for planned in current.numbers().planned_refunds() {
        let entry = EntryRecord {
            id: uuid::Uuid::new_v4().to_string(),
            bill_id: bill_id.to_owned(),
            patient_id: current.bill.patient_id.clone(),
            kind: "refund".into(),
            method: planned.method.clone(),
            amount_fen: planned.amount(),
            refund_of: Some(planned.payment.clone()),
            reason: Some(reason.code().to_owned()),
            note: note.map(str::to_owned),
            recorded_by: by.map(str::to_owned),
            recorded_at: now,
            allocations: planned
                .parts
                .iter()
                .map(|p| (p.item.clone(), p.amount))
                .collect(),
        };
        insert_entry(conn, &entry, &current.bill.appointment_id).await?;
        refunds.push(entry);
    }
    if !refunds.is_empty() {
        write_status(conn, bill_id, now).await?;
    }
    Ok(refunds)
}

impl Store {
    pub async fn bill(&self, id: &str) -> Result<Option<BillSheet>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load_sheet(&mut conn, id).await
    }

    /// The bill of the visit whose current appointment this is.
    pub async fn bill_of_appointment(
        &self,
        appointment_id: &str,
    ) -> Result<Option<BillSheet>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        match super::sheet::bill_id_of(&mut conn, appointment_id).await? {
            Some(id) => load_sheet(&mut conn, &id).await,
            None => Ok(None),
        }
    }

    /// Takes units of items off a bill (`lines`: charge item id and units; `None`: every
    /// refundable item in full) and gives back the money they held. Refused as a whole when
    /// any line is (performed, aborted, too many units, the fee of a visit still booked: that
    /// is refunded by cancelling it): nothing changes then.
    pub async fn refund_items(
        &self,
        bill_id: &str,
        lines: Option<&[(String, i64)]>,
        note: &str,
        by: &str,
        now: i64,
    ) -> Result<Refunded, BillError> {
        let mut tx = self.writer.begin().await?;
        lock_bill(&mut tx, bill_id).await?;
        let current = load_sheet(&mut tx, bill_id)
            .await?
            .ok_or(BillError::NotFound)?;
        let numbers = current.numbers();
        let visit_open: bool = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM appointments WHERE id = $1 \
             AND status IN ('pending', 'booked', 'checked-in')",
        )
        .bind(&current.bill.appointment_id)
        .fetch_one(&mut *tx)
        .await?
            > 0;
        // The fee of a visit still booked is refunded by cancelling the visit.
        let locked = |id: &str| {
            visit_open
                && current
                    .items
                    .iter()
                    .any(|i| i.id == id && i.category == "registration")
        };
        let lines: Vec<(String, i64)> = match lines {
            Some(lines) => lines.to_vec(),
            None => {
                let (locked, open): (Vec<_>, Vec<_>) = numbers
                    .refundable()
                    .into_iter()
                    .partition(|(id, _)| locked(id));
                if open.is_empty() && !locked.is_empty() {
                    return Err(RefundRefusal::CancelTheVisit.into());
                }
                open
            }
        };
        if lines.is_empty() {
            return Err(RefundRefusal::Nothing.into());
        }
        for (item, units) in &lines {
            numbers.check_refund(item, *units)?;
            if locked(item) {
                return Err(RefundRefusal::CancelTheVisit.into());
            }
        }
        for (item, units) in &lines {
            let line = current
                .items
                .iter()
                .find(|i| &i.id == item)
                .ok_or(BillError::NotFound)?;
            let left = line.quantity - units;
            // An item with no units left is aborted and keeps its quantity, so the bill
            // still shows what was refunded.
            let (quantity, status) = if left == 0 {
                (line.quantity, "aborted")
            } else {
                (left, "billable")
            };
            sqlx::query(
                "UPDATE charge_items SET quantity = $1, amount_fen = unit_price_fen * $2, \
                 status = $3, updated_at = $4 WHERE id = $5",
            )
            .bind(quantity)
            .bind(quantity)
            .bind(status)
            .bind(now)
            .bind(item)
            .execute(&mut *tx)
            .await?;
        }
        let refunds = give_back_in(
            &mut tx,
            bill_id,
            RefundReason::Desk,
            Some(note),
            Some(by),
            now,
        )
        .await?;
        if refunds.is_empty() {
            write_status(&mut tx, bill_id, now).await?;
        }
        let sheet = sheet(&mut tx, bill_id).await?;
        tx.commit().await?;
        Ok(Refunded { refunds, sheet })
    }

    /// Adds `quantity` of a price-list item to the visit's bill (opened if need be).
    pub async fn add_charge_item(
        &self,
        appointment: &crate::appointments::AppointmentRecord,
        code: &str,
        quantity: i64,
        by: &str,
        now: i64,
    ) -> Result<BillSheet, BillError> {
        let mut tx = self.writer.begin().await?;
        let price = sqlx::query_as::<_, (String, String, i64, String)>(
            "SELECT name_zh, name_en, price_fen, category FROM price_items WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| BillError::UnknownPrice(code.to_owned()))?;
        if price.3 == "registration" {
            return Err(BillError::Registration);
        }
        let bill = super::open_bill_in(&mut tx, appointment, Some(by), now).await?;
        let status: String = sqlx::query_scalar("SELECT status FROM bills WHERE id = $1")
            .bind(&bill)
            .fetch_one(&mut *tx)
            .await?;
        if status == "cancelled" {
            return Err(BillError::Cancelled);
        }
        sqlx::query(
            "INSERT INTO charge_items (id, bill_id, patient_id, code, name_zh, name_en, quantity, \
             unit_price_fen, amount_fen, list_price_fen, context, status, performed_at, entered_by, \
             created_at, updated_at, category) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, 'billable', NULL, $11, $12, $13, \
             $14)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&bill)
        .bind(&appointment.patient_id)
        .bind(code)
        .bind(&price.0)
        .bind(&price.1)
        .bind(quantity)
        .bind(price.2)
        .bind(price.2 * quantity)
        .bind(format!("Appointment/{}", appointment.id))
        .bind(by)
        .bind(now)
        .bind(now)
        .bind(&price.3)
        .execute(&mut *tx)
        .await?;
        write_status(&mut tx, &bill, now).await?;
        let sheet = sheet(&mut tx, &bill).await?;
        tx.commit().await?;
        Ok(sheet)
    }
}

impl Store {
    /// The bill a charge item is on.
    pub async fn bill_of_charge_item(&self, item: &str) -> Result<Option<BillSheet>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let bill: Option<String> =
            sqlx::query_scalar("SELECT bill_id FROM charge_items WHERE id = $1")
                .bind(item)
                .fetch_optional(&mut *conn)
                .await?;
        match bill {
            Some(id) => load_sheet(&mut conn, &id).await,
            None => Ok(None),
        }
    }
}
