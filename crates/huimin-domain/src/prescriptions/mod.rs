//! Prescriptions 处方 and rational drug use: the formulary 药品字典 as data, the frequency
//! table, a prescription's lines and the quantity they need, and the checks run as the doctor
//! types and again on signing.

pub mod allergens;
pub mod checks;
pub mod drug;
pub mod formulary;
mod formulary_row;
pub mod frequency;
pub mod interactions;
pub mod prescription;

#[cfg(test)]
pub(crate) mod fixtures;

pub use allergens::{AllergenTerm, Allergens, parse_allergens};
pub use checks::{
    ActiveMedication, Finding, Override, PatientFacts, Policy, PrescriberFacts, Prescription,
    RULES, RuleInfo, Severity, Tables, check, overridable, signing_problems, skin_test_gate,
    unresolved,
};
pub use drug::{
    AntimicrobialGrade, Caution, DosageForm, DoseLimits, Drug, DrugClass, DrugKind, Micro, Route,
    StrengthUnit,
};
pub use formulary::{DrugHit, Formulary, parse_formulary};
pub use frequency::Frequency;
pub use interactions::{Interaction, InteractionSeverity, Interactions, Side, parse_interactions};
pub use prescription::{
    DoseUnit, FieldProblem, Line, LineInput, PrescriptionKind, check_line, computed_quantity,
};
