//! The clinical record's storage: the registry of issued record documents (`documents`), the
//! ICD-10 code table (`icd10`) and the notifiable-disease report cards (`notifiable`).

mod documents;
mod icd10;
pub mod notifiable;

pub use documents::{IssuedDocument, RecordDocument};
pub use icd10::Icd10Table;
pub use notifiable::{CardQuery, CardRecord, Diagnosis, NewCard};
