//! The clinical record: what a printed visit record holds (`document`) and the codes that
//! let anyone check one (`verification`).

pub mod document;
pub mod verification;

pub use document::{
    AllergyLine, Certainty, DiagnosisLine, DocumentError, NoteSection, STANDARD_SECTIONS,
    SignatureLine, SignatureStatus, VisitDocument,
};
pub use verification::{VerificationCode, VerificationCodeError};
