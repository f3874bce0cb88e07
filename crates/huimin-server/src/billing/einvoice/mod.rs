//! Electronic invoices (电子票据) for balanced bills. [`InvoiceIssuer`] is where an issuer
//! plugs in: today the [`LocalIssuer`] numbers invoices itself (`HM2026` + 8 digits, per
//! year) and Huimin prints them as a demonstration invoice. The national 财政电子票据 platform
//! is out of reach from here; an issuer for it would send the same [`InvoiceDocument`] to the
//! platform's API under the hospital's 开票单位代码 and keep the 票据代码, 票据号码 and 校验码
//! it answers (`docs/operations.md`, "电子票据 E-invoices").
//!
//! An invoice states the bill's billable items, the money by payment method and the total.
//! When that changes (a refund on a balanced bill), the invoice is re-issued: the old number
//! voided, a new one given. A bill that is no longer balanced has no live invoice.

pub mod amount;
pub mod api;
mod pdf;

use std::collections::BTreeMap;
use std::future::Future;

use huimin_clock::Clock;
use huimin_domain::appointments::PaymentMethod;
use huimin_domain::billing::BillStatus;
use huimin_store::billing::{BillSheet, EInvoice, InvoiceContent, Issue};
use huimin_store::{Store, StoreError};
use sha2::{Digest, Sha256};

pub use pdf::render_invoice_pdf;

/// One line of an invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceLine {
    pub name: String,
    pub quantity: i64,
    pub unit_fen: i64,
    pub amount_fen: i64,
}

/// What an invoice states, ready to print (or to send to a platform).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceDocument {
    pub number: String,
    /// `YYYY-MM-DD`, the hospital's day of issue.
    pub issued_on: String,
    pub hospital_zh: String,
    pub hospital_en: String,
    pub patient_name: String,
    pub lines: Vec<InvoiceLine>,
    pub total_fen: i64,
    /// The total in capital figures (大写).
    pub total_words: String,
    /// (method's name, net amount) in a fixed order.
    pub payments: Vec<(String, i64)>,
    /// 校验码: a short hash of the number and the content.
    pub check_code: String,
}

/// What issuing gave.
#[derive(Clone, Debug)]
pub struct Issued {
    pub invoice: EInvoice,
    pub sheet: BillSheet,
    /// The number voided by this issue (the bill changed since).
    pub voided: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("no such bill")]
    NoBill,
    #[error("the bill is not balanced")]
    NotBalanced,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Issues invoices: gives the bill's live invoice for what it states now.
pub trait InvoiceIssuer: Send + Sync {
    fn issue(
        &self,
        bill_id: &str,
        by: &str,
    ) -> impl Future<Output = Result<Issued, IssueError>> + Send;
}

/// The issuer used today: Huimin numbers and keeps its invoices itself.
pub struct LocalIssuer {
    pub store: Store,
    pub clock: Clock,
}

impl InvoiceIssuer for LocalIssuer {
    async fn issue(&self, bill_id: &str, by: &str) -> Result<Issued, IssueError> {
        let now = self.clock.now();
        let year = now.to_zoned(self.clock.zone().clone()).year();
        let issue = self
            .store
            .issue_e_invoice(bill_id, by, now.as_microsecond(), year, content)
            .await?;
        match issue.ok_or(IssueError::NoBill)? {
            Issue::Issued {
                invoice,
                sheet,
                voided,
                ..
            } => Ok(Issued {
                invoice,
                sheet: *sheet,
                voided,
            }),
            Issue::NotInvoiceable { .. } => Err(IssueError::NotBalanced),
        }
    }
}

/// The billable lines of a bill.
pub fn lines(sheet: &BillSheet) -> Vec<InvoiceLine> {
    sheet
        .items
        .iter()
        .filter(|i| i.status == "billable" && i.amount_fen != 0)
        .map(|i| InvoiceLine {
            name: i.name_zh.clone(),
            quantity: i.quantity,
            unit_fen: i.unit_price_fen,
            amount_fen: i.amount_fen,
        })
        .collect()
}

/// The money kept by payment method (payments less refunds), in the methods' order.
pub fn payments(sheet: &BillSheet) -> Vec<(String, i64)> {
    let mut net: BTreeMap<usize, (String, i64)> = BTreeMap::new();
    for e in &sheet.entries {
        let method = PaymentMethod::from_code(&e.method);
        let order = method.map_or(usize::MAX, |m| {
            PaymentMethod::ALL.iter().position(|x| *x == m).unwrap_or(0)
        });
        let name = method.map_or_else(|| e.method.clone(), |m| m.zh().to_owned());
        let sign = if e.kind == "refund" { -1 } else { 1 };
        net.entry(order).or_insert((name, 0)).1 += sign * e.amount_fen;
    }
    net.into_values().filter(|(_, fen)| *fen != 0).collect()
}

/// What a balanced bill's invoice states, hashed; `None` for any other bill.
fn content(sheet: &BillSheet) -> Option<InvoiceContent> {
    let numbers = sheet.numbers();
    if numbers.status() != BillStatus::Balanced {
        return None;
    }
    let mut text = format!("bill {}\n", sheet.bill.id);
    for l in lines(sheet) {
        text.push_str(&format!(
            "item {}|{}|{}|{}\n",
            l.name, l.quantity, l.unit_fen, l.amount_fen
        ));
    }
    for (method, fen) in payments(sheet) {
        text.push_str(&format!("paid {method}|{fen}\n"));
    }
    text.push_str(&format!("total {}\n", numbers.total()));
    Some(InvoiceContent {
        total_fen: numbers.total(),
        sha256: hex(&Sha256::digest(text.as_bytes())),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 校验码: ten hex digits of the hash of the number and the content, `XXXXX-XXXXX`.
pub fn check_code(invoice: &EInvoice) -> String {
    let digest = Sha256::digest(format!("{}|{}", invoice.number, invoice.content_sha256));
    let code = hex(&digest[..5]).to_uppercase();
    format!("{}-{}", &code[..5], &code[5..])
}
