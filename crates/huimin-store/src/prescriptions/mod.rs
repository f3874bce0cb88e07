//! Prescriptions storage (docs/design/prescriptions.md): each signed prescription with its
//! sealed content (lines, findings, overrides, signature) and its items plain for the
//! pharmacy; the pharmacist's reviews (`review`); stock per lot with reservations (`stock`);
//! dispensing, hand-over and skin tests (`dispense`); the imported drug tables and
//! prescribing rights (`tables`). Every status change is a conditional update on the status
//! (and version) the caller saw.

mod dispense;
mod external;
mod review;
mod stock;
mod tables;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::sql::InFilter;
use crate::{Store, StoreError};

pub(crate) use dispense::paid_in;
pub use dispense::{DispensedLot, SkinTestRecord};
pub use external::ExternalMedicationRecord;
pub use review::{Decision, ReviewRecord, ReviewStats};
pub use stock::{LotRecord, NewLot, StockError};
pub use tables::{PrescribingRights, ReferenceTable};

/// Where a prescription stands.
pub const STATUSES: [&str; 8] = [
    "submitted",
    "returned",
    "approved",
    "paid",
    "dispensed",
    "collected",
    "expired",
    "cancelled",
];

/// One prescription as stored (content opened).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrescriptionRecord {
    pub id: String,
    /// 处方号 (FHIR `groupIdentifier`).
    pub number: String,
    pub encounter_id: String,
    pub patient_id: String,
    pub department_id: String,
    pub practitioner_id: String,
    pub role_id: String,
    pub doctor: String,
    pub kind: String,
    pub long_term: bool,
    pub status: String,
    /// JSON: lines, findings, overrides, signature.
    pub content: String,
    pub total_fen: i64,
    /// The last day it may be paid and dispensed (YYYY-MM-DD).
    pub valid_until: String,
    pub written_at: i64,
    pub signed_at: i64,
    pub approved_at: Option<i64>,
    pub paid_at: Option<i64>,
    pub dispensed_at: Option<i64>,
    pub collected_at: Option<i64>,
    pub version: i64,
    pub updated_at: i64,
}

/// One line's drug and packages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemRecord {
    pub line_no: i64,
    pub drug_code: String,
    pub quantity: i64,
    pub charge_item_id: Option<String>,
}

/// A prescription to store, signed.
#[derive(Clone, Debug)]
pub struct NewPrescription<'a> {
    pub number: &'a str,
    pub encounter_id: &'a str,
    pub practitioner_id: &'a str,
    pub role_id: &'a str,
    pub doctor: &'a str,
    pub kind: &'a str,
    pub long_term: bool,
    pub content: &'a str,
    pub total_fen: i64,
    pub valid_until: &'a str,
    /// (drug code, packages) per line, in order.
    pub items: &'a [(String, i64)],
}

#[derive(Debug, thiserror::Error)]
pub enum PrescriptionError {
    #[error("no such prescription")]
    NotFound,
    #[error("the visit is not open")]
    VisitClosed,
    #[error("the visit's bill is cancelled")]
    BillCancelled,
    /// The status does not allow the change (the status found).
    #[error("not allowed from {0}")]
    WrongStatus(String),
    #[error("the prescription changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Stock(#[from] StockError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PrescriptionError {
    fn from(e: sqlx::Error) -> Self {
        PrescriptionError::Store(e.into())
    }
}

/// Which prescriptions a search wants; `None` is any.
#[derive(Clone, Debug, Default)]
pub struct PrescriptionFilter {
    pub patients: Option<Vec<String>>,
    pub encounter: Option<String>,
    pub statuses: Option<Vec<String>>,
    pub limit: u32,
}

const COLUMNS: &str = "id, number, encounter_id, patient_id, department_id, practitioner_id, \
     role_id, doctor, kind, long_term, status, content, total_fen, valid_until, written_at, \
     signed_at, approved_at, paid_at, dispensed_at, collected_at, version, updated_at";

fn from_row(store: &Store, row: &AnyRow) -> Result<PrescriptionRecord, StoreError> {
    let sealed: String = row.try_get(11)?;
    let long_term: i64 = row.try_get(9)?;
    Ok(PrescriptionRecord {
        id: row.try_get(0)?,
        number: row.try_get(1)?,
        encounter_id: row.try_get(2)?,
        patient_id: row.try_get(3)?,
        department_id: row.try_get(4)?,
        practitioner_id: row.try_get(5)?,
        role_id: row.try_get(6)?,
        doctor: row.try_get(7)?,
        kind: row.try_get(8)?,
        long_term: long_term != 0,
        status: row.try_get(10)?,
        content: store.crypto.open(&sealed)?,
        total_fen: row.try_get(12)?,
        valid_until: row.try_get(13)?,
        written_at: row.try_get(14)?,
        signed_at: row.try_get(15)?,
        approved_at: row.try_get(16)?,
        paid_at: row.try_get(17)?,
        dispensed_at: row.try_get(18)?,
        collected_at: row.try_get(19)?,
        version: row.try_get(20)?,
        updated_at: row.try_get(21)?,
    })
}

pub(crate) async fn prescription_in(
    store: &Store,
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<PrescriptionRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM prescriptions WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(|r| from_row(store, r)).transpose()
}

pub(crate) async fn items_in(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Vec<ItemRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT line_no, drug_code, quantity, charge_item_id FROM prescription_items \
         WHERE prescription_id = $1 ORDER BY line_no",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ItemRecord {
                line_no: r.try_get(0)?,
                drug_code: r.try_get(1)?,
                quantity: r.try_get(2)?,
                charge_item_id: r.try_get(3)?,
            })
        })
        .collect()
}

/// Moves a prescription from `from` (at `version`) to `to`, stamping `column` when given.
pub(crate) async fn move_status(
    conn: &mut AnyConnection,
    id: &str,
    from: &[&str],
    to: &str,
    stamp: Option<&str>,
    now: i64,
) -> Result<(), PrescriptionError> {
    let stamp = stamp.map_or(String::new(), |c| format!(", {c} = $2"));
    let list = from
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE prescriptions SET status = $1{stamp}, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND status IN ({list})"
    );
    let moved = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(to)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if moved.rows_affected() != 1 {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM prescriptions WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        return Err(match status {
            None => PrescriptionError::NotFound,
            Some(s) => PrescriptionError::WrongStatus(s),
        });
    }
    Ok(())
}

async fn insert_items(
    conn: &mut AnyConnection,
    id: &str,
    items: &[(String, i64)],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM prescription_items WHERE prescription_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (i, (code, quantity)) in items.iter().enumerate() {
        sqlx::query(
            "INSERT INTO prescription_items (prescription_id, line_no, drug_code, quantity, \
             charge_item_id) VALUES ($1, $2, $3, $4, NULL)",
        )
        .bind(id)
        .bind(i as i64)
        .bind(code)
        .bind(*quantity)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

impl Store {
    /// Stores a signed prescription on an open visit and puts it in the pharmacy's review
    /// queue, in one transaction.
    pub async fn insert_prescription(
        &self,
        new: &NewPrescription<'_>,
        now: i64,
    ) -> Result<PrescriptionRecord, PrescriptionError> {
        let mut tx = self.writer.begin().await?;
        let visit: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT appointment_id, status, department_id, patient_id FROM encounters WHERE id = $1",
        )
        .bind(new.encounter_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (appointment, _, department, patient) = visit.ok_or(PrescriptionError::NotFound)?;
        crate::appointments::lock_appointment(&mut tx, &appointment).await?;
        let status: String = sqlx::query_scalar("SELECT status FROM encounters WHERE id = $1")
            .bind(new.encounter_id)
            .fetch_one(&mut *tx)
            .await?;
        if !matches!(status.as_str(), "arrived" | "in-progress") {
            return Err(PrescriptionError::VisitClosed);
        }
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO prescriptions (id, number, encounter_id, patient_id, department_id, \
             practitioner_id, role_id, doctor, kind, long_term, status, content, total_fen, \
             valid_until, written_at, signed_at, approved_at, paid_at, dispensed_at, \
             collected_at, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             $10, 'submitted', $11, $12, $13, $14, $14, NULL, NULL, NULL, NULL, 1, $14)",
        )
        .bind(&id)
        .bind(new.number)
        .bind(new.encounter_id)
        .bind(&patient)
        .bind(&department)
        .bind(new.practitioner_id)
        .bind(new.role_id)
        .bind(new.doctor)
        .bind(new.kind)
        .bind(i64::from(new.long_term))
        .bind(self.crypto.seal(new.content))
        .bind(new.total_fen)
        .bind(new.valid_until)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_items(&mut tx, &id, new.items).await?;
        review::submit_in(&mut tx, &id, 1, new.doctor, now).await?;
        let record = prescription_in(self, &mut tx, &id)
            .await?
            .ok_or(PrescriptionError::NotFound)?;
        tx.commit().await?;
        Ok(record)
    }

    /// Replaces a returned prescription's content (amended and signed again) and sends it
    /// back to review; `version` is the one the doctor amended.
    pub async fn amend_prescription(
        &self,
        id: &str,
        version: i64,
        new: &NewPrescription<'_>,
        now: i64,
    ) -> Result<PrescriptionRecord, PrescriptionError> {
        let mut tx = self.writer.begin().await?;
        let moved = sqlx::query(
            "UPDATE prescriptions SET status = 'submitted', content = $1, total_fen = $2, \
             valid_until = $3, kind = $4, long_term = $5, signed_at = $6, version = version + 1, \
             updated_at = $6 WHERE id = $7 AND status = 'returned' AND version = $8",
        )
        .bind(self.crypto.seal(new.content))
        .bind(new.total_fen)
        .bind(new.valid_until)
        .bind(new.kind)
        .bind(i64::from(new.long_term))
        .bind(now)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() != 1 {
            let current = prescription_in(self, &mut tx, id)
                .await?
                .ok_or(PrescriptionError::NotFound)?;
            return Err(if current.status != "returned" {
                PrescriptionError::WrongStatus(current.status)
            } else {
                PrescriptionError::Conflict
            });
        }
        insert_items(&mut tx, id, new.items).await?;
        review::submit_in(&mut tx, id, version + 1, new.doctor, now).await?;
        let record = prescription_in(self, &mut tx, id)
            .await?
            .ok_or(PrescriptionError::NotFound)?;
        tx.commit().await?;
        Ok(record)
    }

    /// One prescription.
    pub async fn prescription(&self, id: &str) -> Result<Option<PrescriptionRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        prescription_in(self, &mut conn, id).await
    }

    /// A prescription's items (drug, packages, charge item).
    pub async fn prescription_items(&self, id: &str) -> Result<Vec<ItemRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        items_in(&mut conn, id).await
    }

    /// Prescriptions matching the filter, oldest first.
    pub async fn search_prescriptions(
        &self,
        filter: &PrescriptionFilter,
    ) -> Result<Vec<PrescriptionRecord>, StoreError> {
        let mut query = InFilter::new(format!("SELECT {COLUMNS} FROM prescriptions WHERE 1 = 1"));
        for (column, values) in [
            ("patient_id", &filter.patients),
            ("status", &filter.statuses),
        ] {
            if let Some(values) = values {
                if values.is_empty() {
                    return Ok(Vec::new());
                }
                query.push_in(column, values);
            }
        }
        if let Some(e) = &filter.encounter {
            query.push_in("encounter_id", std::slice::from_ref(e));
        }
        query.sql.push_str(&format!(
            " ORDER BY signed_at, id LIMIT {}",
            filter.limit.clamp(1, 500)
        ));
        let mut sql = sqlx::query(sqlx::AssertSqlSafe(query.sql));
        for b in query.binds {
            sql = sql.bind(b);
        }
        let query = sql;
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(|r| from_row(self, r)).collect()
    }

    /// The doctor withdraws a prescription not yet paid; its reservation is released and its
    /// charge items aborted.
    pub async fn cancel_prescription(&self, id: &str, now: i64) -> Result<(), PrescriptionError> {
        let mut tx = self.writer.begin().await?;
        move_status(
            &mut tx,
            id,
            &["submitted", "returned", "approved"],
            "cancelled",
            None,
            now,
        )
        .await?;
        stock::release_in(&mut tx, id).await?;
        review::abort_charges_in(&mut tx, id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends every prescription whose validity ended before `today` unpaid: its reservation
    /// lapses and its unpaid charge items are aborted. Returns how many ended.
    pub async fn lapse_prescriptions(&self, today: &str, now: i64) -> Result<u64, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM prescriptions WHERE status IN ('submitted', 'returned', 'approved') \
             AND valid_until < $1",
        )
        .bind(today)
        .fetch_all(&self.pool)
        .await?;
        let mut ended = 0;
        for id in ids {
            let mut tx = self.writer.begin().await?;
            let moved = move_status(
                &mut tx,
                &id,
                &["submitted", "returned", "approved"],
                "expired",
                None,
                now,
            )
            .await;
            match moved {
                Ok(()) => {
                    stock::release_in(&mut tx, &id).await?;
                    review::abort_charges_in(&mut tx, &id, now)
                        .await
                        .map_err(|e| match e {
                            PrescriptionError::Store(e) => e,
                            other => StoreError::Corrupt(other.to_string()),
                        })?;
                    tx.commit().await?;
                    ended += 1;
                }
                Err(PrescriptionError::Store(e)) => return Err(e),
                Err(_) => continue,
            }
        }
        Ok(ended)
    }
}
