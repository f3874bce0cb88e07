//! Billing: the hospital's price list, and the arithmetic of a visit's bill (what is due,
//! what a refund may take back and through which payment, what a move costs or returns) and
//! the reasons money moves. `docs/design/billing.md` has the model; the store applies these
//! plans in transactions.

pub mod bill;
pub mod insurance;
pub mod price_list;
pub mod reason;

pub use bill::{
    Allocation, Bill, BillStatus, Entry, EntryKind, Item, MoveCost, PlannedRefund, RefundPart,
    RefundRefusal, move_cost,
};
pub use reason::RefundReason;
