//! A bill as stored: the bill row, its charge items and its entries with their allocations,
//! read together (a visit has a handful of each).

use huimin_domain::billing::{Allocation, Bill, Entry, EntryKind, Item};
use sqlx::{AnyConnection, Row};

use crate::StoreError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillRecord {
    pub id: String,
    pub patient_id: String,
    /// The visit's current appointment.
    pub appointment_id: String,
    pub status: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeItemRecord {
    pub id: String,
    pub bill_id: String,
    pub patient_id: String,
    pub code: String,
    /// The price list's category: `registration` for the visit's fee.
    pub category: String,
    pub name_zh: String,
    pub name_en: String,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub amount_fen: i64,
    /// The price list's price when this item is priced otherwise.
    pub list_price_fen: Option<i64>,
    /// What caused it: `Appointment/<id>`.
    pub context: String,
    /// `billable` or `aborted`.
    pub status: String,
    pub performed_at: Option<i64>,
    pub entered_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRecord {
    pub id: String,
    pub bill_id: String,
    pub patient_id: String,
    /// `payment` or `refund`.
    pub kind: String,
    pub method: String,
    pub amount_fen: i64,
    pub refund_of: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: i64,
    /// (charge item id, amount) in item order.
    pub allocations: Vec<(String, i64)>,
}

/// A bill with everything on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillSheet {
    pub bill: BillRecord,
    pub items: Vec<ChargeItemRecord>,
    pub entries: Vec<EntryRecord>,
}

impl BillSheet {
    /// The numbers the domain's rules work on.
    pub fn numbers(&self) -> Bill {
        Bill {
            items: self
                .items
                .iter()
                .map(|i| Item {
                    id: i.id.clone(),
                    unit_price: i.unit_price_fen,
                    quantity: i.quantity,
                    billable: i.status == "billable",
                    performed: i.performed_at.is_some(),
                })
                .collect(),
            entries: self
                .entries
                .iter()
                .map(|e| Entry {
                    id: e.id.clone(),
                    kind: EntryKind::from_code(&e.kind).unwrap_or(EntryKind::Payment),
                    method: e.method.clone(),
                    amount: e.amount_fen,
                    refund_of: e.refund_of.clone(),
                    order: e.recorded_at,
                })
                .collect(),
            allocations: self
                .entries
                .iter()
                .flat_map(|e| {
                    e.allocations.iter().map(|(item, amount)| Allocation {
                        entry: e.id.clone(),
                        item: item.clone(),
                        amount: *amount,
                    })
                })
                .collect(),
        }
    }

    pub fn payments(&self) -> impl Iterator<Item = &EntryRecord> {
        self.entries.iter().filter(|e| e.kind == "payment")
    }
}

const BILL_COLUMNS: &str =
    "id, patient_id, appointment_id, status, version, created_at, updated_at";
const ITEM_COLUMNS: &str = "id, bill_id, patient_id, code, name_zh, name_en, quantity, \
     unit_price_fen, amount_fen, list_price_fen, context, status, performed_at, entered_by, \
     created_at, updated_at, category";
const ENTRY_COLUMNS: &str = "id, bill_id, patient_id, kind, method, amount_fen, refund_of, \
     reason, note, recorded_by, recorded_at";

fn bill_from_row(r: &sqlx::any::AnyRow) -> Result<BillRecord, StoreError> {
    Ok(BillRecord {
        id: r.try_get(0)?,
        patient_id: r.try_get(1)?,
        appointment_id: r.try_get(2)?,
        status: r.try_get(3)?,
        version: r.try_get(4)?,
        created_at: r.try_get(5)?,
        updated_at: r.try_get(6)?,
    })
}

fn item_from_row(r: &sqlx::any::AnyRow) -> Result<ChargeItemRecord, StoreError> {
    Ok(ChargeItemRecord {
        id: r.try_get(0)?,
        bill_id: r.try_get(1)?,
        patient_id: r.try_get(2)?,
        code: r.try_get(3)?,
        name_zh: r.try_get(4)?,
        name_en: r.try_get(5)?,
        quantity: r.try_get(6)?,
        unit_price_fen: r.try_get(7)?,
        amount_fen: r.try_get(8)?,
        list_price_fen: r.try_get(9)?,
        context: r.try_get(10)?,
        status: r.try_get(11)?,
        performed_at: r.try_get(12)?,
        entered_by: r.try_get(13)?,
        created_at: r.try_get(14)?,
        updated_at: r.try_get(15)?,
        category: r.try_get(16)?,
    })
}

pub(crate) fn entry_from_row(r: &sqlx::any::AnyRow) -> Result<EntryRecord, StoreError> {
    Ok(EntryRecord {
        id: r.try_get(0)?,
        bill_id: r.try_get(1)?,
        patient_id: r.try_get(2)?,
        kind: r.try_get(3)?,
        method: r.try_get(4)?,
        amount_fen: r.try_get(5)?,
        refund_of: r.try_get(6)?,
        reason: r.try_get(7)?,
        note: r.try_get(8)?,
        recorded_by: r.try_get(9)?,
        recorded_at: r.try_get(10)?,
        allocations: Vec::new(),
    })
}

/// The bill whose visit's current appointment is `appointment_id`.
pub(crate) async fn bill_id_of(
    conn: &mut AnyConnection,
    appointment_id: &str,
) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT id FROM bills WHERE appointment_id = $1")
        .bind(appointment_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// Takes the bill's row lock before it is read (see `lifecycle::lock_appointment`).
pub(crate) async fn lock_bill(conn: &mut AnyConnection, id: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE bills SET version = version WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn load_sheet(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<BillSheet>, StoreError> {
    let sql = format!("SELECT {BILL_COLUMNS} FROM bills WHERE id = $1");
    let Some(bill) = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let bill = bill_from_row(&bill)?;
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM charge_items WHERE bill_id = $1 ORDER BY created_at, id"
    );
    let items = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(item_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM ledger_entries WHERE bill_id = $1 ORDER BY recorded_at, id"
    );
    let mut entries = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(entry_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let allocations = sqlx::query(
        "SELECT l.entry_id, l.charge_item_id, l.amount_fen FROM ledger_allocations l \
         JOIN ledger_entries e ON e.id = l.entry_id WHERE e.bill_id = $1 \
         ORDER BY l.charge_item_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for row in &allocations {
        let entry: String = row.try_get(0)?;
        if let Some(e) = entries.iter_mut().find(|e| e.id == entry) {
            e.allocations.push((row.try_get(1)?, row.try_get(2)?));
        }
    }
    Ok(Some(BillSheet {
        bill,
        items,
        entries,
    }))
}
