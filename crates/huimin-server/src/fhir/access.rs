//! Who may do what at `/fhir`. Patients reach only the Patient records linked to their
//! account; staff roles reach what their work needs.

use huimin_domain::roles::Role;

use super::kinds::{Access, KindSpec};
use crate::context::Ctx;
use crate::error::ApiError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Create,
    Read,
    Update,
    Search,
}

/// What the caller may see of a kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    /// Only these ids (a patient's own records).
    Only(Vec<String>),
}

impl Scope {
    pub fn allows(&self, id: &str) -> bool {
        match self {
            Self::All => true,
            Self::Only(ids) => ids.iter().any(|i| i == id),
        }
    }
}

pub fn authorize(kind: &KindSpec, op: Op, ctx: &Ctx) -> Result<Scope, ApiError> {
    match (kind.access, op) {
        (Access::Directory, Op::Read | Op::Search) => Ok(Scope::All),
        (Access::Directory, Op::Create | Op::Update) => {
            let caller = ctx.require()?;
            if caller.role == Role::Admin {
                Ok(Scope::All)
            } else {
                Err(ApiError::forbidden())
            }
        }
        (Access::PatientData, op) => {
            let caller = ctx.require()?;
            match (caller.role, op) {
                // A patient account adds family members (就诊人); they are linked to it.
                (Role::Patient, Op::Create) => Ok(Scope::Only(Vec::new())),
                (Role::Patient, _) => Ok(Scope::Only(caller.patient_ids.clone())),
                (Role::Admin | Role::Registrar, _) => Ok(Scope::All),
                (Role::Doctor | Role::Nurse | Role::Pharmacist, Op::Read | Op::Search) => {
                    Ok(Scope::All)
                }
                _ => Err(ApiError::forbidden()),
            }
        }
    }
}
