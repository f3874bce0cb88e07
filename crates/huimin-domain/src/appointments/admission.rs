//! Whether a department takes a booking for a patient: its kind (emergency is not booked,
//! medical technology is not a clinic) and its limits for the session's registration class,
//! on the session's date. Booking ($hold, $book, the desk, the waitlist) and the pages ask
//! here, so there is one answer.

use jiff::civil::Date;

use super::BookingRefusal;
use crate::directory::{
    DateWindow, Department, DepartmentKind, Eligibility, PatientFacts, RegistrationClass,
};

/// Who is booking: a patient (or an account for its family), or staff who see the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Booker {
    Patient,
    /// The registration window, a doctor's extra place: they see the person, so they may
    /// register an emergency patient and decide when the record lacks a birth date or sex.
    Staff,
}

/// `Ok` when `department` takes a booking for a patient with `facts` in a session of `class`
/// on `visit`. A department the hospital has not described takes everyone.
pub fn check_admission(
    department: Option<&Department>,
    class: Option<RegistrationClass>,
    facts: &PatientFacts,
    visit: Date,
    booker: Booker,
) -> Result<(), BookingRefusal> {
    let Some(department) = department else {
        return Ok(());
    };
    let profile = &department.profile;
    if !takes_bookings(profile.kind, booker) {
        return Err(BookingRefusal::NotBookable {
            department: department.name.clone(),
            kind: profile.kind,
        });
    }
    let limits = profile.eligibility_for(class);
    match limits.check(facts, visit) {
        Ok(()) => Ok(()),
        Err(reason) if reason.is_unknown() && booker == Booker::Staff => Ok(()),
        Err(reason) => Err(BookingRefusal::Ineligible {
            department: department.name.clone(),
            limits: *limits,
            reason,
        }),
    }
}

/// Clinics are booked; emergency is registered by staff on arrival; medical technology
/// works on orders only.
pub fn takes_bookings(kind: DepartmentKind, booker: Booker) -> bool {
    match (kind, booker) {
        (DepartmentKind::Clinic, _) | (DepartmentKind::Emergency, Booker::Staff) => true,
        (DepartmentKind::Emergency | DepartmentKind::MedicalTechnology, _) => false,
    }
}

/// The visit dates on which [`check_admission`] passes for a session of `class`, so that a
/// search for a patient leaves out the rest; `None` when it passes on none.
pub fn admission_dates(
    department: Option<&Department>,
    class: Option<RegistrationClass>,
    facts: &PatientFacts,
    booker: Booker,
) -> Option<DateWindow> {
    let Some(department) = department else {
        return Some((None, None));
    };
    if !takes_bookings(department.profile.kind, booker) {
        return None;
    }
    let limits = department.profile.eligibility_for(class);
    if booker == Booker::Patient {
        return limits.open_dates(facts);
    }
    // Staff decide a missing fact: as if it met the limits, so only known facts count.
    let assumed = PatientFacts {
        sex: facts.sex.or(limits.sex.only()),
        birth_date: facts.birth_date,
    };
    let counted = if facts.birth_date.is_some() {
        *limits
    } else {
        Eligibility {
            age_from: None,
            age_under: None,
            ..*limits
        }
    };
    counted.open_dates(&assumed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{DepartmentProfile, Eligibility, SexLimit};
    use crate::i18n::Text;
    use crate::identity::Sex;
    use jiff::civil::date;

    fn department(zh: &str, en: &str, profile: DepartmentProfile) -> Department {
        Department {
            name: Text::new(zh, en),
            profile,
        }
    }

    fn pediatrics() -> Department {
        let mut profile = DepartmentProfile::default();
        profile.eligibility.age_under = Some(14);
        profile.classes.insert(
            RegistrationClass::SpecialNeeds,
            Eligibility {
                age_under: Some(18),
                ..Eligibility::default()
            },
        );
        department("儿科", "Pediatrics", profile)
    }

    fn boy(birth: Date) -> PatientFacts {
        PatientFacts {
            birth_date: Some(birth),
            sex: Some(Sex::Male),
        }
    }

    #[test]
    fn a_fifteen_year_old_is_refused_ordinary_pediatrics_in_both_languages() {
        let refused = check_admission(
            Some(&pediatrics()),
            Some(RegistrationClass::Ordinary),
            &boy(date(2011, 1, 1)),
            date(2026, 3, 16),
            Booker::Patient,
        )
        .unwrap_err();
        assert_eq!(refused.rule_code(), "eligibility-age-under");
        assert_eq!(refused.message().zh, "儿科仅接诊 14 岁以下患者");
        assert_eq!(
            refused.message().en,
            "Pediatrics only sees patients under 14"
        );
        assert!(!refused.is_conflict());
        // The special-needs class sees them up to 18; staff cannot override a known age.
        let special = Some(RegistrationClass::SpecialNeeds);
        let facts = boy(date(2011, 1, 1));
        assert!(
            check_admission(
                Some(&pediatrics()),
                special,
                &facts,
                date(2026, 3, 16),
                Booker::Patient
            )
            .is_ok()
        );
        assert!(
            check_admission(
                Some(&pediatrics()),
                None,
                &facts,
                date(2026, 3, 16),
                Booker::Staff
            )
            .is_err()
        );
    }

    #[test]
    fn a_boy_is_refused_gynecology() {
        let mut profile = DepartmentProfile::default();
        profile.eligibility.sex = SexLimit::Female;
        let gynecology = department("妇科", "Gynecology", profile);
        let refused = check_admission(
            Some(&gynecology),
            Some(RegistrationClass::SpecialNeeds),
            &boy(date(2020, 1, 1)),
            date(2026, 3, 16),
            Booker::Staff,
        )
        .unwrap_err();
        assert_eq!(refused.rule_code(), "eligibility-sex");
        assert_eq!(refused.message().zh, "妇科仅接诊女性患者");
        assert_eq!(refused.message().en, "Gynecology only sees female patients");
    }

    #[test]
    fn an_unknown_birth_date_is_refused_online_and_left_to_the_desk() {
        let facts = PatientFacts {
            birth_date: None,
            sex: Some(Sex::Female),
        };
        let refused = check_admission(
            Some(&pediatrics()),
            None,
            &facts,
            date(2026, 3, 16),
            Booker::Patient,
        )
        .unwrap_err();
        assert_eq!(refused.rule_code(), "eligibility-birth-date-unknown");
        assert!(refused.message().zh.contains("出生日期"), "{:?}", refused);
        assert!(refused.message().en.contains("birth date"), "{:?}", refused);
        assert!(
            check_admission(
                Some(&pediatrics()),
                None,
                &facts,
                date(2026, 3, 16),
                Booker::Staff
            )
            .is_ok()
        );
    }

    #[test]
    fn emergency_is_registered_at_the_desk_and_medical_technology_never_booked() {
        let emergency = department(
            "急诊医学科",
            "Emergency Medicine",
            DepartmentProfile {
                kind: DepartmentKind::Emergency,
                ..DepartmentProfile::default()
            },
        );
        let facts = boy(date(1980, 1, 1));
        let day = date(2026, 3, 16);
        let refused =
            check_admission(Some(&emergency), None, &facts, day, Booker::Patient).unwrap_err();
        assert_eq!(refused.rule_code(), "not-bookable");
        assert!(refused.message().zh.starts_with("急诊医学科不接受预约"));
        assert!(check_admission(Some(&emergency), None, &facts, day, Booker::Staff).is_ok());
        let laboratory = department(
            "医学检验科",
            "Clinical Laboratory",
            DepartmentProfile {
                kind: DepartmentKind::MedicalTechnology,
                ..DepartmentProfile::default()
            },
        );
        let refused =
            check_admission(Some(&laboratory), None, &facts, day, Booker::Staff).unwrap_err();
        assert_eq!(refused.rule_code(), "not-bookable");
        assert!(refused.message().en.contains("not an outpatient clinic"));
    }

    proptest::proptest! {
        /// A search's dates and the booking's check give the same answer on every day.
        #[test]
        fn admission_dates_agree_with_the_check(
            birth_days in proptest::option::of(0i64..30_000),
            sex in proptest::option::of(proptest::bool::ANY),
            visit_days in 0i64..40_000,
            limits in (0u8..4, 0u8..4, 0u8..3, 0u8..3),
            staff in proptest::bool::ANY,
        ) {
            let epoch = date(1930, 1, 1);
            let day = |n: i64| epoch.checked_add(jiff::Span::new().days(n)).unwrap();
            let facts = PatientFacts {
                birth_date: birth_days.map(day),
                sex: sex.map(|f| if f { Sex::Female } else { Sex::Male }),
            };
            let bound = |n: u8, base: u8| (n > 0).then_some(base + n * 10);
            let profile = DepartmentProfile {
                kind: DepartmentKind::ALL[usize::from(limits.3)],
                eligibility: Eligibility {
                    age_from: bound(limits.0, 0),
                    age_under: bound(limits.1, 40),
                    sex: [SexLimit::Any, SexLimit::Female, SexLimit::Male][usize::from(limits.2)],
                },
                ..DepartmentProfile::default()
            };
            let dept = department("科", "Dept", profile);
            let booker = if staff { Booker::Staff } else { Booker::Patient };
            let visit = day(visit_days);
            let window = admission_dates(Some(&dept), None, &facts, booker);
            let inside = window.is_some_and(|(from, until)| {
                from.is_none_or(|d| visit >= d) && until.is_none_or(|d| visit < d)
            });
            let passes = check_admission(Some(&dept), None, &facts, visit, booker).is_ok();
            proptest::prop_assert_eq!(passes, inside);
        }
    }

    #[test]
    fn an_undescribed_department_takes_everyone() {
        let facts = PatientFacts::default();
        let day = date(2026, 3, 16);
        assert!(check_admission(None, None, &facts, day, Booker::Patient).is_ok());
        let open = department("内科", "Internal Medicine", DepartmentProfile::default());
        assert!(check_admission(Some(&open), None, &facts, day, Booker::Patient).is_ok());
    }
}
