//! The desk's money (docs/design/billing.md): a visit's bill on the patient's page with the
//! refund form (`bill`, `refund`), and the cashier's close of day (`report`).

mod bill;
mod refund;
pub mod report;

pub use bill::VisitMoney;
pub use refund::{RefundTyped, back_to_patient, refund};
