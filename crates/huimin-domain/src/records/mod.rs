//! The clinical record (病历), pure: the visit's states, the outpatient note 门诊病历 and its
//! sections, diagnoses, allergies, department templates, who may read a record (`access`);
//! what a printed visit record holds (`document`) and the codes that let anyone check one
//! (`verification`); ICD-10 diagnosis codes (`icd10`) and the notifiable infectious diseases a
//! diagnosis must be reported as (`notifiable`).

mod access;
pub mod document;
mod encounter;
pub mod icd10;
mod note;
pub mod notifiable;
mod templates;
pub mod verification;

pub use access::*;
pub use document::{
    AllergyLine, DiagnosisLine, DocumentError, NoteSection, STANDARD_SECTIONS, SignatureLine,
    SignatureStatus, VisitDocument,
};
pub use encounter::*;
pub use icd10::{Chapter, Icd10Code, Icd10CodeError, Icd10Entry, Icd10Index, parse_icd10_table};
pub use note::*;
pub use notifiable::{NotifiableDisease, notifiable_for};
pub use templates::*;
pub use verification::{VerificationCode, VerificationCodeError};
