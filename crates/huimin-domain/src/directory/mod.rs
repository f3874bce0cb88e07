//! Vocabularies of the hospital directory: doctors' professional titles,
//! registration classes, the national department catalog, and what each department is
//! and whom it sees.

mod aliases;
mod department;
mod eligibility;
mod profile;

pub use aliases::aliases_of;
pub use department::{DepartmentCode, DepartmentCodeError, catalog};
pub use eligibility::{
    DateWindow, Eligibility, Ineligible, MAX_AGE, PatientFacts, SexLimit, age_on, birthday,
};
pub use profile::{Department, DepartmentKind, DepartmentProfile, Departments};

use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// Clinical professional title (医师职称), highest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PractitionerTitle {
    ChiefPhysician,
    AssociateChiefPhysician,
    AttendingPhysician,
    ResidentPhysician,
}

impl PractitionerTitle {
    pub const ALL: [PractitionerTitle; 4] = [
        PractitionerTitle::ChiefPhysician,
        PractitionerTitle::AssociateChiefPhysician,
        PractitionerTitle::AttendingPhysician,
        PractitionerTitle::ResidentPhysician,
    ];

    pub fn code(self) -> &'static str {
        self.names().0
    }

    pub fn zh(self) -> &'static str {
        self.names().1
    }

    pub fn en(self) -> &'static str {
        self.names().2
    }

    pub fn label(self) -> Text {
        Text::new(self.zh(), self.en())
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == s)
    }

    /// Titles as printed on rosters and imported spreadsheets.
    pub fn from_zh(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|t| t.zh() == s)
    }

    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::ChiefPhysician => ("chief-physician", "主任医师", "Chief Physician"),
            Self::AssociateChiefPhysician => (
                "associate-chief-physician",
                "副主任医师",
                "Associate Chief Physician",
            ),
            Self::AttendingPhysician => ("attending-physician", "主治医师", "Attending Physician"),
            Self::ResidentPhysician => ("resident-physician", "住院医师", "Resident Physician"),
        }
    }
}

/// Registration class (号别), which sets the fee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegistrationClass {
    Ordinary,
    Expert,
    SpecialNeeds,
}

impl RegistrationClass {
    pub const ALL: [RegistrationClass; 3] = [
        RegistrationClass::Ordinary,
        RegistrationClass::Expert,
        RegistrationClass::SpecialNeeds,
    ];

    pub fn code(self) -> &'static str {
        self.names().0
    }

    pub fn zh(self) -> &'static str {
        self.names().1
    }

    pub fn en(self) -> &'static str {
        self.names().2
    }

    pub fn label(self) -> Text {
        Text::new(self.zh(), self.en())
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }

    pub fn from_zh(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|c| c.zh() == s)
    }

    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Ordinary => ("ordinary", "普通号", "Ordinary"),
            Self::Expert => ("expert", "专家号", "Expert"),
            Self::SpecialNeeds => ("special-needs", "特需号", "Special needs"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_round_trip_and_match_serde() {
        for t in PractitionerTitle::ALL {
            assert_eq!(PractitionerTitle::from_code(t.code()), Some(t));
            assert_eq!(PractitionerTitle::from_zh(t.zh()), Some(t));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.code()));
        }
        assert_eq!(
            PractitionerTitle::from_zh(" 副主任医师 "),
            Some(PractitionerTitle::AssociateChiefPhysician)
        );
        assert_eq!(PractitionerTitle::from_code("chief"), None);
        assert_eq!(PractitionerTitle::AttendingPhysician.label().zh, "主治医师");
        assert_eq!(PractitionerTitle::ChiefPhysician.en(), "Chief Physician");
    }

    #[test]
    fn registration_classes_round_trip_and_match_serde() {
        for c in RegistrationClass::ALL {
            assert_eq!(RegistrationClass::from_code(c.code()), Some(c));
            assert_eq!(RegistrationClass::from_zh(c.zh()), Some(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.code()));
        }
        assert_eq!(RegistrationClass::SpecialNeeds.code(), "special-needs");
        assert_eq!(RegistrationClass::Expert.label().zh, "专家号");
        assert_eq!(RegistrationClass::from_code("vip"), None);
    }
}
