//! R4 complex datatypes (and the availability backbone shared by
//! HealthcareService and PractitionerRole).
//!
//! Conventions for every struct in this crate: camelCase names as in the
//! spec, `deny_unknown_fields`, absent `Option`s and empty `Vec`s are not
//! written (FHIR forbids `null` and `[]`), and required (`1..1`) elements are
//! not optional. A choice element `x[x]` is one optional field per form.
//! Dosage, Timing, Ratio, Annotation and the Medication resources check their
//! choices and invariants while deserializing (`rules.rs`); Patient's,
//! Observation's and Extension's choices are not checked.

mod annotation;
mod availability;
mod contact;
mod decimal;
mod dosage;
mod element;
mod general;
mod range;
mod timing;

pub use annotation::*;
pub use availability::*;
pub use contact::*;
pub use decimal::*;
pub use dosage::*;
pub use element::*;
pub use general::*;
pub use range::*;
pub use timing::*;
