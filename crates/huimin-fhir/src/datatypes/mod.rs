//! R4 complex datatypes (and the availability backbone shared by
//! HealthcareService and PractitionerRole).
//!
//! Conventions for every struct in this crate: camelCase names as in the
//! spec, `deny_unknown_fields`, absent `Option`s and empty `Vec`s are not
//! written (FHIR forbids `null` and `[]`), and required (`1..1`) elements are
//! not optional.

mod availability;
mod contact;
mod decimal;
mod element;
mod general;

pub use availability::*;
pub use contact::*;
pub use decimal::*;
pub use element::*;
pub use general::*;
