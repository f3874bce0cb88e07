//! The clinical record (病历): the visit's states, the outpatient note 门诊病历 and its
//! sections, diagnoses, allergies, department templates, and who may read a record.

mod access;
mod encounter;
mod note;
mod templates;

pub use access::*;
pub use encounter::*;
pub use note::*;
pub use templates::*;
