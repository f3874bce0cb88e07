//! Who may move an appointment to a status: one table for every path (FHIR `PUT`/`PATCH`,
//! `/api`, the staff and patient pages, which call the API), by role and by how the caller
//! stands to the appointment. Least privilege: a role gets what its work needs and no more.
//!
//! | role | cancel (退号, refunds follow) | check in (签到) | seen (就诊完成) |
//! |---|---|---|---|
//! | patient | own family | own family (in the check-in window) | — |
//! | registrar (desk) | any | any | — |
//! | nurse (triage, the waiting area) | — | any | — |
//! | doctor | own session | own session | own session |
//! | administrator | any | any | any |
//! | pharmacist, technician | — | — | — |
//!
//! A doctor's "own session" is a session of a post (PractitionerRole) the doctor holds;
//! another doctor of the same department has no more right to it than one of another.

use crate::roles::Role;

use super::AppointmentStatus;

/// How the caller stands to the appointment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// The appointment is of a patient of the caller's family (patients).
    pub own_family: bool,
    /// The caller is the doctor of the appointment's session (doctors).
    pub own_session: bool,
}

/// The statuses a caller may ask for; the others (pending, booked, no-show, waitlist) are
/// set by the booking engine and its workers, never by a request.
pub const ASKED: [AppointmentStatus; 3] = [
    AppointmentStatus::Cancelled,
    AppointmentStatus::CheckedIn,
    AppointmentStatus::Fulfilled,
];

/// Whether `role`, standing so to the appointment, may move it to `to`.
pub fn may_change(role: Role, standing: Standing, to: AppointmentStatus) -> bool {
    use AppointmentStatus::{Cancelled, CheckedIn, Fulfilled};
    match role {
        Role::Admin => matches!(to, Cancelled | CheckedIn | Fulfilled),
        Role::Registrar => matches!(to, Cancelled | CheckedIn),
        Role::Nurse => to == CheckedIn,
        Role::Doctor => standing.own_session && matches!(to, Cancelled | CheckedIn | Fulfilled),
        Role::Patient => standing.own_family && matches!(to, Cancelled | CheckedIn),
        Role::Pharmacist | Role::Technician => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole matrix, written out: role, own family, own session, then the outcome for
    /// cancelled, checked-in, fulfilled. Every combination of the enums appears once, so a
    /// new role or status fails here until its row is written.
    const MATRIX: &[(Role, bool, bool, [bool; 3])] = &[
        (Role::Admin, false, false, [true, true, true]),
        (Role::Admin, false, true, [true, true, true]),
        (Role::Admin, true, false, [true, true, true]),
        (Role::Admin, true, true, [true, true, true]),
        (Role::Registrar, false, false, [true, true, false]),
        (Role::Registrar, false, true, [true, true, false]),
        (Role::Registrar, true, false, [true, true, false]),
        (Role::Registrar, true, true, [true, true, false]),
        (Role::Doctor, false, false, [false, false, false]),
        (Role::Doctor, false, true, [true, true, true]),
        (Role::Doctor, true, false, [false, false, false]),
        (Role::Doctor, true, true, [true, true, true]),
        (Role::Nurse, false, false, [false, true, false]),
        (Role::Nurse, false, true, [false, true, false]),
        (Role::Nurse, true, false, [false, true, false]),
        (Role::Nurse, true, true, [false, true, false]),
        (Role::Pharmacist, false, false, [false, false, false]),
        (Role::Pharmacist, false, true, [false, false, false]),
        (Role::Pharmacist, true, false, [false, false, false]),
        (Role::Pharmacist, true, true, [false, false, false]),
        (Role::Technician, false, false, [false, false, false]),
        (Role::Technician, false, true, [false, false, false]),
        (Role::Technician, true, false, [false, false, false]),
        (Role::Technician, true, true, [false, false, false]),
        (Role::Patient, false, false, [false, false, false]),
        (Role::Patient, false, true, [false, false, false]),
        (Role::Patient, true, false, [true, true, false]),
        (Role::Patient, true, true, [true, true, false]),
    ];

    #[test]
    fn the_matrix_covers_every_role_and_standing_and_holds() {
        assert_eq!(MATRIX.len(), Role::ALL.len() * 4);
        for role in Role::ALL {
            for own_family in [false, true] {
                for own_session in [false, true] {
                    let row = MATRIX
                        .iter()
                        .find(|r| r.0 == role && r.1 == own_family && r.2 == own_session)
                        .unwrap_or_else(|| {
                            panic!("no row for {role:?} {own_family} {own_session}")
                        });
                    let standing = Standing {
                        own_family,
                        own_session,
                    };
                    for (to, expected) in ASKED.iter().zip(row.3) {
                        assert_eq!(
                            may_change(role, standing, *to),
                            expected,
                            "{role:?} {standing:?} → {to:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn nobody_asks_for_the_engines_statuses() {
        for role in Role::ALL {
            for to in [
                AppointmentStatus::Pending,
                AppointmentStatus::Booked,
                AppointmentStatus::Noshow,
                AppointmentStatus::Waitlist,
            ] {
                let all = Standing {
                    own_family: true,
                    own_session: true,
                };
                assert!(!may_change(role, all, to), "{role:?} → {to:?}");
            }
        }
    }
}
