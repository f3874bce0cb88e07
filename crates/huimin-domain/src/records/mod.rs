//! The clinical record's vocabularies: ICD-10 diagnosis codes (`icd10`) and the notifiable
//! infectious diseases a diagnosis must be reported as (`notifiable`).

pub mod icd10;
pub mod notifiable;

pub use icd10::{Chapter, Icd10Code, Icd10CodeError, Icd10Entry, Icd10Index, parse_icd10_table};
pub use notifiable::{NotifiableDisease, notifiable_for};
