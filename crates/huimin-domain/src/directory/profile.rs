//! What a department is for patients: an outpatient clinic they book, the emergency
//! department they walk into, or a medical-technology department (laboratory, imaging) that
//! works on doctors' orders; and whom it sees ([`Eligibility`]), per registration class where
//! a class differs (特需儿科 up to 18).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::eligibility::{Eligibility, SexLimit};
use super::{DepartmentCode, RegistrationClass};
use crate::i18n::Text;

/// How patients reach a department.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DepartmentKind {
    /// An outpatient clinic: listed, booked in advance.
    #[default]
    Clinic,
    /// 急诊: listed with where to go and whom to call; registered on arrival, never booked.
    Emergency,
    /// 医技 (检验, 影像, 病理): not a clinic; its work comes from doctors' orders.
    MedicalTechnology,
}

impl DepartmentKind {
    pub const ALL: [DepartmentKind; 3] = [
        DepartmentKind::Clinic,
        DepartmentKind::Emergency,
        DepartmentKind::MedicalTechnology,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DepartmentKind::Clinic => "clinic",
            DepartmentKind::Emergency => "emergency",
            DepartmentKind::MedicalTechnology => "medical-technology",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            DepartmentKind::Clinic => Text::new("门诊（可预约）", "Outpatient clinic (bookable)"),
            DepartmentKind::Emergency => Text::new("急诊（不可预约）", "Emergency (not booked)"),
            DepartmentKind::MedicalTechnology => Text::new(
                "医技（凭医嘱，不列为门诊）",
                "Medical technology (on orders, not listed)",
            ),
        }
    }

    /// Listed among the clinics patients choose from.
    pub fn is_listed(self) -> bool {
        self != DepartmentKind::MedicalTechnology
    }
}

/// A department's kind and limits, as the hospital sets them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DepartmentProfile {
    pub kind: DepartmentKind,
    pub eligibility: Eligibility,
    /// Registration classes with limits of their own, which replace the department's for
    /// that class's sessions.
    pub classes: BTreeMap<RegistrationClass, Eligibility>,
}

impl DepartmentProfile {
    /// The starting point for a department of the national code `code`: children's
    /// departments (07 儿科, 08 小儿外科, 09 儿童保健科) see under-14s; 05 妇产科 and its
    /// specialties and 06 妇女保健科 women; 03.10 老年病 those 60 and over; 20 急诊医学科 is
    /// emergency; 30 医学检验科, 31 病理科 and 32 医学影像科 medical technology.
    pub fn suggested(code: &DepartmentCode) -> Self {
        let code = code.as_str();
        let top = code.split('.').next().unwrap_or(code);
        let mut profile = DepartmentProfile::default();
        match top {
            "07" | "08" | "09" => profile.eligibility.age_under = Some(14),
            "05" | "06" => profile.eligibility.sex = SexLimit::Female,
            "20" => profile.kind = DepartmentKind::Emergency,
            "30" | "31" | "32" => profile.kind = DepartmentKind::MedicalTechnology,
            _ if code == "03.10" => profile.eligibility.age_from = Some(60),
            _ => {}
        }
        profile
    }

    /// The limits for a session of `class` (the department's when the class has none of
    /// its own, or the class is not known).
    pub fn eligibility_for(&self, class: Option<RegistrationClass>) -> &Eligibility {
        class
            .and_then(|c| self.classes.get(&c))
            .unwrap_or(&self.eligibility)
    }

    /// Every limit out of range, by its path (`eligibility.age_under`,
    /// `classes.special-needs.age_from`).
    pub fn problems(&self) -> Vec<(String, Text)> {
        let mut out: Vec<(String, Text)> = self
            .eligibility
            .problems()
            .into_iter()
            .map(|(field, text)| (format!("eligibility.{field}"), text))
            .collect();
        for (class, limits) in &self.classes {
            for (field, text) in limits.problems() {
                out.push((format!("classes.{}.{field}", class.code()), text));
            }
        }
        out
    }
}

/// A department as booking and triage see it: its name (for messages) and its profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Department {
    pub name: Text,
    pub profile: DepartmentProfile,
}

/// Every department of the hospital by id, cheap to clone (booking requests carry it).
#[derive(Clone, Debug, Default)]
pub struct Departments(Arc<HashMap<String, Department>>);

impl Departments {
    pub fn new(departments: HashMap<String, Department>) -> Self {
        Self(Arc::new(departments))
    }

    pub fn get(&self, id: &str) -> Option<&Department> {
        self.0.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Department)> {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggested(code: &str) -> DepartmentProfile {
        DepartmentProfile::suggested(&DepartmentCode::parse(code).unwrap())
    }

    #[test]
    fn suggestions_follow_the_national_codes() {
        assert_eq!(suggested("07").eligibility.age_under, Some(14));
        assert_eq!(suggested("05.01").eligibility.sex, SexLimit::Female);
        assert_eq!(suggested("05.02").eligibility.sex, SexLimit::Female);
        assert_eq!(suggested("03.10").eligibility.age_from, Some(60));
        assert_eq!(suggested("20").kind, DepartmentKind::Emergency);
        assert_eq!(suggested("30").kind, DepartmentKind::MedicalTechnology);
        assert_eq!(suggested("32").kind, DepartmentKind::MedicalTechnology);
        assert_eq!(suggested("03.04"), DepartmentProfile::default());
        assert_eq!(suggested("04.04"), DepartmentProfile::default());
    }

    #[test]
    fn a_class_with_limits_of_its_own_replaces_the_departments() {
        let mut profile = suggested("07");
        profile.classes.insert(
            RegistrationClass::SpecialNeeds,
            Eligibility {
                age_under: Some(18),
                ..Eligibility::default()
            },
        );
        let special = profile.eligibility_for(Some(RegistrationClass::SpecialNeeds));
        assert_eq!(special.age_under, Some(18));
        let ordinary = profile.eligibility_for(Some(RegistrationClass::Ordinary));
        assert_eq!(ordinary.age_under, Some(14));
        assert_eq!(profile.eligibility_for(None).age_under, Some(14));
    }

    #[test]
    fn profiles_read_and_write_as_json_with_classes_by_code() {
        let profile: DepartmentProfile = serde_json::from_str(
            r#"{"kind": "clinic", "eligibility": {"age_under": 14},
                "classes": {"special-needs": {"age_under": 18}}}"#,
        )
        .unwrap();
        assert_eq!(profile.eligibility.age_under, Some(14));
        let text = serde_json::to_string(&profile).unwrap();
        assert!(text.contains(r#""special-needs":{"#), "{text}");
        assert_eq!(
            serde_json::from_str::<DepartmentProfile>(&text).unwrap(),
            profile
        );
        assert!(serde_json::from_str::<DepartmentProfile>(r#"{"kind": "ward"}"#).is_err());
        assert!(serde_json::from_str::<DepartmentProfile>(r#"{"age": 3}"#).is_err());
    }

    #[test]
    fn problems_name_the_class_and_bound() {
        let mut profile = DepartmentProfile::default();
        profile.eligibility.age_from = Some(130);
        profile.classes.insert(
            RegistrationClass::Expert,
            Eligibility {
                age_from: Some(18),
                age_under: Some(14),
                ..Eligibility::default()
            },
        );
        let fields: Vec<String> = profile.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["eligibility.age_from", "classes.expert.age_under"]);
    }

    #[test]
    fn only_medical_technology_is_left_out_of_the_clinic_list() {
        assert!(DepartmentKind::Clinic.is_listed());
        assert!(DepartmentKind::Emergency.is_listed());
        assert!(!DepartmentKind::MedicalTechnology.is_listed());
        for kind in DepartmentKind::ALL {
            assert_eq!(DepartmentKind::from_code(kind.code()), Some(kind));
        }
    }
}
