//! Electronic invoices (电子票据) as the local issuer keeps them: numbered per year without
//! gaps or repeats, one live invoice per bill, re-issued under a new number (the old one
//! voided) when what the bill states has changed. What an invoice states, and so its hash,
//! is the server's (`billing::einvoice`); here it is numbered and kept, in one transaction
//! that holds the bill's lock so two readers cannot issue two numbers for one bill.

use sqlx::{AnyConnection, Row};

use super::sheet::{BillSheet, load_sheet, lock_bill};
use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EInvoice {
    /// `HM2026` and an 8-digit sequence.
    pub number: String,
    pub bill_id: String,
    pub patient_id: String,
    pub issued_at: i64,
    pub issued_by: String,
    pub total_fen: i64,
    pub content_sha256: String,
    pub voided_at: Option<i64>,
    /// The invoice that replaced this voided one.
    pub replaced_by: Option<String>,
}

/// What a bill's invoice states, as far as numbering cares: its total and its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceContent {
    pub total_fen: i64,
    pub sha256: String,
}

/// What asking for a bill's invoice did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Issue {
    /// The live invoice, and the bill it was issued from.
    Issued {
        invoice: EInvoice,
        sheet: Box<BillSheet>,
        /// Whether it was numbered by this call.
        fresh: bool,
        /// The invoice it replaced (voided by this call).
        voided: Option<String>,
    },
    /// The bill states nothing to invoice (not balanced); a live invoice was voided.
    NotInvoiceable { voided: Option<String> },
}

const COLUMNS: &str = "number, bill_id, patient_id, issued_at, issued_by, total_fen, \
     content_sha256, voided_at, replaced_by";

fn from_row(r: &sqlx::any::AnyRow) -> Result<EInvoice, StoreError> {
    Ok(EInvoice {
        number: r.try_get(0)?,
        bill_id: r.try_get(1)?,
        patient_id: r.try_get(2)?,
        issued_at: r.try_get(3)?,
        issued_by: r.try_get(4)?,
        total_fen: r.try_get(5)?,
        content_sha256: r.try_get(6)?,
        voided_at: r.try_get(7)?,
        replaced_by: r.try_get(8)?,
    })
}

async fn live(conn: &mut AnyConnection, bill: &str) -> Result<Option<EInvoice>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM e_invoices WHERE bill_id = $1 AND voided_at IS NULL");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(bill)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The year's next number; a number is never given twice, even if its invoice is voided.
async fn next_number(conn: &mut AnyConnection, year: i16) -> Result<String, StoreError> {
    sqlx::query(
        "INSERT INTO e_invoice_sequences (year, last) VALUES ($1, 0) ON CONFLICT DO NOTHING",
    )
    .bind(i64::from(year))
    .execute(&mut *conn)
    .await?;
    let last: i64 = sqlx::query_scalar(
        "UPDATE e_invoice_sequences SET last = last + 1 WHERE year = $1 RETURNING last",
    )
    .bind(i64::from(year))
    .fetch_one(&mut *conn)
    .await?;
    Ok(format!("HM{year}{last:08}"))
}

impl Store {
    /// The bill's live invoice for what `content` says it states now: the same one when
    /// nothing changed, else a new number (voiding the old). `None` when there is no bill;
    /// `content` answers `None` for a bill with nothing to invoice.
    pub async fn issue_e_invoice(
        &self,
        bill_id: &str,
        by: &str,
        now: i64,
        year: i16,
        content: impl FnOnce(&BillSheet) -> Option<InvoiceContent>,
    ) -> Result<Option<Issue>, StoreError> {
        let mut tx = self.writer.begin().await?;
        lock_bill(&mut tx, bill_id).await?;
        let Some(sheet) = load_sheet(&mut tx, bill_id).await? else {
            return Ok(None);
        };
        let current = live(&mut tx, bill_id).await?;
        let Some(content) = content(&sheet) else {
            let voided = match current {
                Some(old) => Some(void_in(&mut tx, &old.number, None, now).await?),
                None => None,
            };
            tx.commit().await?;
            return Ok(Some(Issue::NotInvoiceable { voided }));
        };
        if let Some(old) = current
            .as_ref()
            .filter(|o| o.content_sha256 == content.sha256)
        {
            let invoice = old.clone();
            tx.commit().await?;
            return Ok(Some(Issue::Issued {
                invoice,
                sheet: Box::new(sheet),
                fresh: false,
                voided: None,
            }));
        }
        let number = next_number(&mut tx, year).await?;
        let voided = match current {
            Some(old) => Some(void_in(&mut tx, &old.number, Some(&number), now).await?),
            None => None,
        };
        let invoice = EInvoice {
            number,
            bill_id: bill_id.to_owned(),
            patient_id: sheet.bill.patient_id.clone(),
            issued_at: now,
            issued_by: by.to_owned(),
            total_fen: content.total_fen,
            content_sha256: content.sha256,
            voided_at: None,
            replaced_by: None,
        };
        let sql = format!(
            "INSERT INTO e_invoices ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&invoice.number)
            .bind(&invoice.bill_id)
            .bind(&invoice.patient_id)
            .bind(invoice.issued_at)
            .bind(&invoice.issued_by)
            .bind(invoice.total_fen)
            .bind(&invoice.content_sha256)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(Issue::Issued {
            invoice,
            sheet: Box::new(sheet),
            fresh: true,
            voided,
        }))
    }

    /// Every invoice of a bill, oldest first (voided ones included).
    pub async fn e_invoices_of_bill(&self, bill_id: &str) -> Result<Vec<EInvoice>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let sql = format!(
            "SELECT {COLUMNS} FROM e_invoices WHERE bill_id = $1 ORDER BY issued_at, number"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(bill_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(from_row)
            .collect()
    }
}

async fn void_in(
    conn: &mut AnyConnection,
    number: &str,
    replaced_by: Option<&str>,
    now: i64,
) -> Result<String, StoreError> {
    sqlx::query("UPDATE e_invoices SET voided_at = $1, replaced_by = $2 WHERE number = $3")
        .bind(now)
        .bind(replaced_by)
        .bind(number)
        .execute(&mut *conn)
        .await?;
    Ok(number.to_owned())
}
