//! Billing storage (`docs/design/billing.md`): the price list, imported whole in one
//! transaction, and visit bills (FHIR Invoice), their charge items and the ledger of payments
//! and refunds. The arithmetic is `huimin_domain::billing`; here it is read and written, one
//! transaction per change.

mod bills;
mod einvoice;
mod gateway_refunds;
mod insurance;
pub(crate) use insurance::{pay_settled_in, presettle_in};
mod ledger;
mod online;
mod prices;
mod reconciliation;
mod report;
mod sheet;

pub(crate) use bills::{
    abort_visit_in, held_for_appointment_in, mark_performed_in, move_money_in, open_bill_in,
};
pub use einvoice::{EInvoice, InvoiceContent, Issue};
pub use gateway_refunds::{GatewayRefund, MAX_ATTEMPTS as REFUND_ATTEMPTS};
pub use insurance::{CoverRecord, InsuranceRules};
pub use ledger::{BillError, Payment, Refunded};
pub(crate) use ledger::{give_back_in, pay_in, write_status};
pub use online::{
    NoticeOutcome, NoticeRefusal, OrderRequest, PaidNotice, PayError, PayOrder, Started,
};
pub use prices::PriceQuery;
pub use reconciliation::{DayOrder, DayRefund, Reconciliation};
pub use report::{DayReport, MethodTotal};
pub(crate) use sheet::lock_bill;
pub use sheet::{BillRecord, BillSheet, ChargeItemRecord, EntryRecord};

/// The bill with everything on it, read in the caller's transaction.
pub(crate) async fn load(
    conn: &mut sqlx::AnyConnection,
    id: &str,
) -> Result<BillSheet, crate::StoreError> {
    sheet::load_sheet(conn, id)
        .await?
        .ok_or(crate::StoreError::NotFound)
}
