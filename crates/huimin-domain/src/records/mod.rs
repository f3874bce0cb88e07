//! The clinical record's pure parts: what a printed visit record holds (`document`), the codes
//! that let anyone check one (`verification`), ICD-10 diagnosis codes (`icd10`) and the
//! notifiable infectious diseases a diagnosis must be reported as (`notifiable`).

pub mod document;
pub mod icd10;
pub mod notifiable;
pub mod verification;

pub use document::{
    AllergyLine, Certainty, DiagnosisLine, DocumentError, NoteSection, STANDARD_SECTIONS,
    SignatureLine, SignatureStatus, VisitDocument,
};
pub use icd10::{Chapter, Icd10Code, Icd10CodeError, Icd10Entry, Icd10Index, parse_icd10_table};
pub use notifiable::{NotifiableDisease, notifiable_for};
pub use verification::{VerificationCode, VerificationCodeError};
