//! The clinical record's storage: the registry of issued record documents (`documents`).

mod documents;

pub use documents::{IssuedDocument, RecordDocument};
