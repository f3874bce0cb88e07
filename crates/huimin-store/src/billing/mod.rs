//! Billing storage (`docs/design/billing.md`): the price list, imported whole in one
//! transaction, and the ledger of bills, charge items and payments beside it.

mod prices;

pub use prices::PriceQuery;
