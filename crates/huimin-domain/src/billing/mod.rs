//! Billing: the hospital's price list, and the ledger of what each visit costs
//! (`docs/design/billing.md`). Pure rules; the callers read and write the data.

pub mod price_list;
