//! The clinical record's stored vocabularies and reports: the ICD-10 code table (`icd10`)
//! and the notifiable-disease report cards (`notifiable`).

mod icd10;
pub mod notifiable;

pub use icd10::Icd10Table;
pub use notifiable::{CardQuery, CardRecord, Diagnosis, NewCard};
