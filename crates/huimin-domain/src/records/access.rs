//! Who may read a clinical record (B11). A doctor reads the records of patients in their own
//! sessions, in their department's lines today, or referred to them; anything else is
//! break-the-glass (紧急查阅): a reason is required and the access is flagged for the
//! department head. Other roles see the least their work needs.

use crate::i18n::Text;
use crate::roles::Role;

use super::NoteProblem;

/// What is known about a doctor and a patient when the doctor opens the patient's record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CareFacts {
    /// The patient has a visit or booking in one of the doctor's own sessions.
    pub own_session: bool,
    /// The patient is in a line of the doctor's department today.
    pub department_line_today: bool,
    /// The patient was referred (moved by triage) to the doctor.
    pub referred: bool,
}

/// Why a doctor may read a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DoctorAccess {
    /// A care relationship: an ordinary, audited read.
    Care,
    /// No care relationship: allowed only with a reason, flagged for the department head.
    BreakTheGlass,
}

pub fn doctor_access(facts: CareFacts) -> DoctorAccess {
    if facts.own_session || facts.department_line_today || facts.referred {
        DoctorAccess::Care
    } else {
        DoctorAccess::BreakTheGlass
    }
}

/// The parts of a record a role sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordView {
    /// The visits (Encounter): when, where, with whom, its state.
    pub visits: bool,
    /// Allergies (AllergyIntolerance): safety information.
    pub allergies: bool,
    /// Diagnoses (Condition).
    pub diagnoses: bool,
    /// The note's narrative sections and its signatures.
    pub notes: bool,
    /// Laboratory and imaging results (Observation, DiagnosticReport).
    pub results: bool,
}

impl RecordView {
    /// The least each role needs: doctors all of it (with the care rule above), patients
    /// their family's, nurses the visits and allergies (for triage and injections),
    /// pharmacists the diagnoses and allergies (to check prescriptions), registrars and
    /// technicians the visits only (with their orders), administrators nothing (they read the audit, not the record).
    pub fn of(role: Role) -> RecordView {
        let view = |visits, allergies, diagnoses, notes, results| RecordView {
            visits,
            allergies,
            diagnoses,
            notes,
            results,
        };
        match role {
            Role::Doctor | Role::Patient => view(true, true, true, true, true),
            Role::Nurse => view(true, true, false, false, true),
            Role::Pharmacist => view(false, true, true, false, true),
            Role::Registrar => view(true, false, false, false, false),
            // Laboratory and imaging staff see the visits they take orders of and the results
            // they enter, not the notes.
            Role::Technician => view(true, false, false, false, true),
            Role::Admin => view(false, false, false, false, false),
        }
    }
}

/// The reason given for a break-the-glass read: required, 4 to 500 characters.
pub fn check_break_glass_reason(reason: &str) -> Result<String, NoteProblem> {
    let reason = reason.trim();
    let n = reason.chars().count();
    if !(4..=500).contains(&n) {
        return Err(NoteProblem {
            field: "reason".into(),
            text: Text::new(
                "查阅非本人诊治患者的病历须说明原因（4–500 字），该查阅将记录并报科主任",
                "Reading the record of a patient not in your care needs a reason (4–500 characters); the access is recorded and shown to the head of department",
            ),
        });
    }
    Ok(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_doctor_without_a_care_relationship_must_break_the_glass() {
        assert_eq!(
            doctor_access(CareFacts::default()),
            DoctorAccess::BreakTheGlass
        );
        for facts in [
            CareFacts {
                own_session: true,
                ..Default::default()
            },
            CareFacts {
                department_line_today: true,
                ..Default::default()
            },
            CareFacts {
                referred: true,
                ..Default::default()
            },
        ] {
            assert_eq!(doctor_access(facts), DoctorAccess::Care);
        }
    }

    #[test]
    fn roles_see_the_least_their_work_needs() {
        assert!(!RecordView::of(Role::Registrar).notes);
        assert!(!RecordView::of(Role::Registrar).diagnoses);
        assert!(RecordView::of(Role::Pharmacist).allergies);
        assert!(!RecordView::of(Role::Pharmacist).notes);
        assert!(!RecordView::of(Role::Admin).visits);
        assert!(RecordView::of(Role::Doctor).notes);
    }

    #[test]
    fn breaking_the_glass_needs_a_reason() {
        assert!(check_break_glass_reason("  ").is_err());
        assert!(check_break_glass_reason("会诊需要").is_ok());
    }
}
