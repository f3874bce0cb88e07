//! Paying, dispensing and handing over: a payment moves the approved prescriptions it paid
//! to `paid` in its own transaction; dispensing takes the reserved packages lot by lot (an
//! expired lot never leaves the pharmacy) and records them; hand-over ends it. Skin tests 皮试
//! are recorded per visit and drug.

use sqlx::{AnyConnection, Row};

use super::{PrescriptionError, PrescriptionRecord, move_status, prescription_in};
use crate::billing::EntryRecord;
use crate::{Store, StoreError};

/// Packages of one lot handed out for a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DispensedLot {
    pub line_no: i64,
    pub lot_number: String,
    pub expiry: String,
    pub quantity: i64,
    pub dispensed_by: String,
    pub dispensed_at: i64,
}

/// A skin test's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkinTestRecord {
    pub id: String,
    pub encounter_id: String,
    pub drug_code: String,
    /// `negative` or `positive`.
    pub result: String,
    pub recorded_by: String,
    pub recorded_at: i64,
}

/// The prescriptions whose charge items this payment paid move to `paid`.
pub(crate) async fn paid_in(
    conn: &mut AnyConnection,
    entry: &EntryRecord,
    now: i64,
) -> Result<(), StoreError> {
    for (item, _) in &entry.allocations {
        sqlx::query(
            "UPDATE prescriptions SET status = 'paid', paid_at = $1, version = version + 1, \
             updated_at = $1 WHERE status = 'approved' AND id IN (SELECT prescription_id FROM \
             prescription_items WHERE charge_item_id = $2)",
        )
        .bind(now)
        .bind(item)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

impl Store {
    /// Dispenses a paid prescription: its reserved packages leave their lots (none expired on
    /// `today`), recorded lot by lot, and it becomes ready to collect.
    pub async fn dispense_prescription(
        &self,
        id: &str,
        pharmacist: &str,
        today: &str,
        now: i64,
    ) -> Result<PrescriptionRecord, PrescriptionError> {
        let mut tx = self.writer.begin().await?;
        move_status(
            &mut tx,
            id,
            &["paid"],
            "dispensed",
            Some("dispensed_at"),
            now,
        )
        .await?;
        let rows = sqlx::query(
            "SELECT r.line_no, r.lot_id, r.quantity, l.lot_number, l.expiry \
             FROM stock_reservations r JOIN drug_lots l ON l.id = r.lot_id \
             WHERE r.prescription_id = $1 ORDER BY r.line_no, l.expiry",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            let line_no: i64 = row.try_get(0)?;
            let lot: String = row.try_get(1)?;
            let quantity: i64 = row.try_get(2)?;
            let number: String = row.try_get(3)?;
            let expiry: String = row.try_get(4)?;
            if expiry.as_str() < today {
                return Err(super::StockError::Expired(number).into());
            }
            let taken = sqlx::query(
                "UPDATE drug_lots SET on_hand = on_hand - $1, reserved = reserved - $1 \
                 WHERE id = $2 AND reserved >= $1 AND on_hand >= $1",
            )
            .bind(quantity)
            .bind(&lot)
            .execute(&mut *tx)
            .await?;
            if taken.rows_affected() != 1 {
                return Err(PrescriptionError::Conflict);
            }
            sqlx::query(
                "INSERT INTO dispensed_lots (prescription_id, line_no, lot_id, lot_number, \
                 expiry, quantity, dispensed_by, dispensed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(line_no)
            .bind(&lot)
            .bind(&number)
            .bind(&expiry)
            .bind(quantity)
            .bind(pharmacist)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM stock_reservations WHERE prescription_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // The drugs are handed over: their charge items can no longer be refunded as unused.
        sqlx::query(
            "UPDATE charge_items SET performed_at = $1, updated_at = $1 WHERE status = 'billable' \
             AND performed_at IS NULL AND id IN (SELECT charge_item_id FROM prescription_items \
             WHERE prescription_id = $2)",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let record = prescription_in(self, &mut tx, id)
            .await?
            .ok_or(PrescriptionError::NotFound)?;
        tx.commit().await?;
        Ok(record)
    }

    /// The patient has collected a dispensed prescription.
    pub async fn hand_over_prescription(
        &self,
        id: &str,
        now: i64,
    ) -> Result<PrescriptionRecord, PrescriptionError> {
        let mut tx = self.writer.begin().await?;
        move_status(
            &mut tx,
            id,
            &["dispensed"],
            "collected",
            Some("collected_at"),
            now,
        )
        .await?;
        let record = prescription_in(self, &mut tx, id)
            .await?
            .ok_or(PrescriptionError::NotFound)?;
        tx.commit().await?;
        Ok(record)
    }

    /// What was handed out for a prescription, line by line.
    pub async fn dispensed_lots(&self, id: &str) -> Result<Vec<DispensedLot>, StoreError> {
        let rows = sqlx::query(
            "SELECT line_no, lot_number, expiry, quantity, dispensed_by, dispensed_at \
             FROM dispensed_lots WHERE prescription_id = $1 ORDER BY line_no, expiry",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DispensedLot {
                    line_no: r.try_get(0)?,
                    lot_number: r.try_get(1)?,
                    expiry: r.try_get(2)?,
                    quantity: r.try_get(3)?,
                    dispensed_by: r.try_get(4)?,
                    dispensed_at: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Records a skin test's result on a visit.
    pub async fn record_skin_test(
        &self,
        encounter_id: &str,
        patient_id: &str,
        drug_code: &str,
        result: &str,
        by: &str,
        now: i64,
    ) -> Result<SkinTestRecord, StoreError> {
        let record = SkinTestRecord {
            id: uuid::Uuid::now_v7().to_string(),
            encounter_id: encounter_id.to_owned(),
            drug_code: drug_code.to_owned(),
            result: result.to_owned(),
            recorded_by: by.to_owned(),
            recorded_at: now,
        };
        sqlx::query(
            "INSERT INTO skin_tests (id, encounter_id, patient_id, drug_code, result, \
             recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&record.id)
        .bind(encounter_id)
        .bind(patient_id)
        .bind(drug_code)
        .bind(result)
        .bind(by)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(record)
    }

    /// A visit's skin tests, first first.
    pub async fn skin_tests(&self, encounter_id: &str) -> Result<Vec<SkinTestRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, encounter_id, drug_code, result, recorded_by, recorded_at \
             FROM skin_tests WHERE encounter_id = $1 ORDER BY recorded_at, id",
        )
        .bind(encounter_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SkinTestRecord {
                    id: r.try_get(0)?,
                    encounter_id: r.try_get(1)?,
                    drug_code: r.try_get(2)?,
                    result: r.try_get(3)?,
                    recorded_by: r.try_get(4)?,
                    recorded_at: r.try_get(5)?,
                })
            })
            .collect()
    }
}
