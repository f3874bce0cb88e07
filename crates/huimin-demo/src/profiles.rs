//! What each demo department is and whom it sees, as the hospital sets it (the defaults the
//! national codes suggest): 儿科 under 14, 妇科 and 产科 women only, 老年病科 60 and over,
//! 急诊 not booked in advance, 医学检验科 and 医学影像科 not outpatient clinics. The demo has
//! no 男科 (andrology is part of 泌尿外科, which sees everyone).

use huimin_domain::directory::{DepartmentKind, DepartmentProfile, Eligibility, SexLimit};

/// `(department key, profile)` for the departments that are not an open clinic.
pub(crate) fn profiles() -> Vec<(&'static str, DepartmentProfile)> {
    let kind = |kind| DepartmentProfile {
        kind,
        ..DepartmentProfile::default()
    };
    let limited = |eligibility| DepartmentProfile {
        eligibility,
        ..DepartmentProfile::default()
    };
    let women = Eligibility {
        sex: SexLimit::Female,
        ..Eligibility::default()
    };
    vec![
        ("emergency", kind(DepartmentKind::Emergency)),
        ("medical-imaging", kind(DepartmentKind::MedicalTechnology)),
        ("laboratory", kind(DepartmentKind::MedicalTechnology)),
        (
            "pediatrics",
            limited(Eligibility {
                age_under: Some(14),
                ..Eligibility::default()
            }),
        ),
        ("gynecology", limited(women)),
        ("obstetrics", limited(women)),
        (
            "geriatrics",
            limited(Eligibility {
                age_from: Some(60),
                ..Eligibility::default()
            }),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use huimin_domain::directory::DepartmentCode;

    use super::*;

    /// The demo sets what the national codes suggest, and every other department is an open
    /// clinic by the same suggestion.
    #[test]
    fn the_demo_profiles_are_the_national_suggestions() {
        let set = profiles();
        for department in crate::departments::departments() {
            let code = DepartmentCode::parse(department.code).unwrap();
            let suggested = DepartmentProfile::suggested(&code);
            match set.iter().find(|(key, _)| *key == department.key) {
                Some((_, profile)) => assert_eq!(profile, &suggested, "{}", department.key),
                None => assert_eq!(
                    suggested,
                    DepartmentProfile::default(),
                    "{}",
                    department.key
                ),
            }
        }
    }
}
