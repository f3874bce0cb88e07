//! Stock per lot, in packages. Approval reserves a line's packages from the lots that expire
//! first (and not before the prescription's last valid day); dispensing takes what was
//! reserved; a lapsed or cancelled prescription releases it. Every change is a conditional
//! update on what is free, so two approvals racing for the last box cannot both get it.

use sqlx::{AnyConnection, Row};

use crate::{Store, StoreError};

/// One lot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotRecord {
    pub id: String,
    pub drug_code: String,
    pub lot_number: String,
    /// The last day of use (YYYY-MM-DD).
    pub expiry: String,
    pub on_hand: i64,
    pub reserved: i64,
    pub received_at: i64,
}

/// A delivery into the pharmacy.
#[derive(Clone, Debug)]
pub struct NewLot<'a> {
    pub drug_code: &'a str,
    pub lot_number: &'a str,
    pub expiry: &'a str,
    pub quantity: i64,
    pub by: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum StockError {
    /// Not enough packages free in lots usable until the day given: (drug, wanted, free).
    #[error("out of stock: {0} wants {1}, {2} free")]
    Short(String, i64, i64),
    /// A reserved lot expired before dispensing (its number).
    #[error("lot {0} expired")]
    Expired(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for StockError {
    fn from(e: sqlx::Error) -> Self {
        StockError::Store(e.into())
    }
}

const LOT_COLUMNS: &str = "id, drug_code, lot_number, expiry, on_hand, reserved, received_at";

fn lot(row: &sqlx::any::AnyRow) -> Result<LotRecord, StoreError> {
    Ok(LotRecord {
        id: row.try_get(0)?,
        drug_code: row.try_get(1)?,
        lot_number: row.try_get(2)?,
        expiry: row.try_get(3)?,
        on_hand: row.try_get(4)?,
        reserved: row.try_get(5)?,
        received_at: row.try_get(6)?,
    })
}

/// Reserves `quantity` packages of `drug` for a line from lots usable until `until`, first
/// expiring first.
pub(crate) async fn reserve_in(
    conn: &mut AnyConnection,
    prescription: &str,
    line_no: i64,
    drug: &str,
    quantity: i64,
    until: &str,
) -> Result<(), StockError> {
    let sql = format!(
        "SELECT {LOT_COLUMNS} FROM drug_lots WHERE drug_code = $1 AND expiry >= $2 \
         AND on_hand > reserved ORDER BY expiry, received_at, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(drug)
        .bind(until)
        .fetch_all(&mut *conn)
        .await?;
    let mut left = quantity;
    for row in &rows {
        if left == 0 {
            break;
        }
        let lot = lot(row)?;
        let take = left.min(lot.on_hand - lot.reserved);
        let taken = sqlx::query(
            "UPDATE drug_lots SET reserved = reserved + $1 WHERE id = $2 \
             AND on_hand - reserved >= $1",
        )
        .bind(take)
        .bind(&lot.id)
        .execute(&mut *conn)
        .await?;
        if taken.rows_affected() != 1 {
            // Taken meanwhile by another approval: what is left is not enough.
            continue;
        }
        sqlx::query(
            "INSERT INTO stock_reservations (prescription_id, line_no, lot_id, quantity) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(prescription)
        .bind(line_no)
        .bind(&lot.id)
        .bind(take)
        .execute(&mut *conn)
        .await?;
        left -= take;
    }
    if left > 0 {
        return Err(StockError::Short(
            drug.to_owned(),
            quantity,
            quantity - left,
        ));
    }
    Ok(())
}

/// Gives a prescription's reserved packages back to their lots.
pub(crate) async fn release_in(
    conn: &mut AnyConnection,
    prescription: &str,
) -> Result<(), StoreError> {
    let rows =
        sqlx::query("SELECT lot_id, quantity FROM stock_reservations WHERE prescription_id = $1")
            .bind(prescription)
            .fetch_all(&mut *conn)
            .await?;
    for row in &rows {
        let (lot, quantity): (String, i64) = (row.try_get(0)?, row.try_get(1)?);
        sqlx::query("UPDATE drug_lots SET reserved = reserved - $1 WHERE id = $2")
            .bind(quantity)
            .bind(&lot)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM stock_reservations WHERE prescription_id = $1")
        .bind(prescription)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One lot received in the caller's transaction.
async fn receive_in(
    conn: &mut AnyConnection,
    new: &NewLot<'_>,
    now: i64,
) -> Result<LotRecord, StoreError> {
    let existing: Option<String> =
        sqlx::query_scalar("SELECT id FROM drug_lots WHERE drug_code = $1 AND lot_number = $2")
            .bind(new.drug_code)
            .bind(new.lot_number)
            .fetch_optional(&mut *conn)
            .await?;
    let id = match existing {
        Some(id) => {
            sqlx::query("UPDATE drug_lots SET on_hand = on_hand + $1 WHERE id = $2")
                .bind(new.quantity)
                .bind(&id)
                .execute(&mut *conn)
                .await?;
            id
        }
        None => {
            let id = uuid::Uuid::now_v7().to_string();
            sqlx::query(
                "INSERT INTO drug_lots (id, drug_code, lot_number, expiry, on_hand, reserved, \
                 received_at, received_by) VALUES ($1, $2, $3, $4, $5, 0, $6, $7)",
            )
            .bind(&id)
            .bind(new.drug_code)
            .bind(new.lot_number)
            .bind(new.expiry)
            .bind(new.quantity)
            .bind(now)
            .bind(new.by)
            .execute(&mut *conn)
            .await?;
            id
        }
    };
    let sql = format!("SELECT {LOT_COLUMNS} FROM drug_lots WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&id)
        .fetch_one(&mut *conn)
        .await?;
    lot(&row)
}

impl Store {
    /// Receives packages of a drug's lot (a new lot, or more of one already held).
    pub async fn receive_lot(&self, new: &NewLot<'_>, now: i64) -> Result<LotRecord, StoreError> {
        let mut received = self.receive_lots(std::slice::from_ref(new), now).await?;
        received
            .pop()
            .ok_or_else(|| StoreError::Corrupt("a lot received is missing".into()))
    }

    /// Receives a delivery of several lots in one transaction.
    pub async fn receive_lots(
        &self,
        lots: &[NewLot<'_>],
        now: i64,
    ) -> Result<Vec<LotRecord>, StoreError> {
        let mut tx = self.writer.begin().await?;
        let mut received = Vec::new();
        for new in lots {
            received.push(receive_in(&mut tx, new, now).await?);
        }
        tx.commit().await?;
        Ok(received)
    }

    /// The lots of a drug (or of every drug), first expiring first.
    pub async fn lots(&self, drug: Option<&str>) -> Result<Vec<LotRecord>, StoreError> {
        let sql = format!(
            "SELECT {LOT_COLUMNS} FROM drug_lots WHERE ($1 = '' OR drug_code = $1) \
             ORDER BY drug_code, expiry, received_at, id LIMIT 2000"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(drug.unwrap_or(""))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(lot).collect()
    }

    /// Free packages per drug in lots usable until `until` (drugs without any are absent).
    pub async fn free_stock(
        &self,
        drugs: &[String],
        until: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut out = Vec::new();
        for drug in drugs {
            let free: Option<i64> = sqlx::query_scalar(
                "SELECT CAST(SUM(on_hand - reserved) AS BIGINT) FROM drug_lots \
                 WHERE drug_code = $1 AND expiry >= $2",
            )
            .bind(drug)
            .bind(until)
            .fetch_one(&self.pool)
            .await?;
            out.push((drug.clone(), free.unwrap_or(0)));
        }
        Ok(out)
    }
}
