//! The clinical record (病历): the visit's states, the outpatient note 门诊病历 and its
//! sections, diagnoses, allergies, department templates, who may read a record, and the
//! record's vocabularies: ICD-10 diagnosis codes (`icd10`).

mod access;
mod encounter;
pub mod icd10;
mod note;
mod templates;

pub use access::*;
pub use encounter::*;
pub use icd10::{Chapter, Icd10Code, Icd10CodeError, Icd10Entry, Icd10Index, parse_icd10_table};
pub use note::*;
pub use templates::*;
