//! Who a user is acting as. Access rules elsewhere match on these.

use crate::i18n::Text;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Registrar,
    Doctor,
    Nurse,
    Pharmacist,
    /// Laboratory and imaging staff (技师): take orders through their steps, enter and sign
    /// off results.
    Technician,
    Patient,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Registrar,
        Role::Doctor,
        Role::Nurse,
        Role::Pharmacist,
        Role::Technician,
        Role::Patient,
    ];

    /// Stable lowercase code, the same as the serde form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Registrar => "registrar",
            Role::Doctor => "doctor",
            Role::Nurse => "nurse",
            Role::Pharmacist => "pharmacist",
            Role::Technician => "technician",
            Role::Patient => "patient",
        }
    }

    pub fn is_staff(self) -> bool {
        self != Role::Patient
    }

    /// Registrars must compare a full ID number with the card in front of
    /// them, and admins handle corrections; everyone else sees masked
    /// identifiers (minimum necessary access).
    pub fn sees_unmasked_identifiers(self) -> bool {
        matches!(self, Role::Admin | Role::Registrar)
    }

    pub fn label(self) -> Text {
        match self {
            Role::Admin => Text::new("管理员", "Administrator"),
            Role::Registrar => Text::new("挂号员", "Registrar"),
            Role::Doctor => Text::new("医生", "Doctor"),
            Role::Nurse => Text::new("护士", "Nurse"),
            Role::Pharmacist => Text::new("药师", "Pharmacist"),
            Role::Technician => Text::new("技师", "Technician"),
            Role::Patient => Text::new("患者", "Patient"),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown role {input:?}; expected one of admin, registrar, doctor, nurse, pharmacist, technician, patient"
)]
pub struct RoleParseError {
    pub input: String,
}

impl RoleParseError {
    pub fn message(&self) -> Text {
        Text::new(
            format!(
                "未知角色“{}”，应为 admin、registrar、doctor、nurse、pharmacist、technician 或 patient",
                self.input
            ),
            self.to_string(),
        )
    }
}

impl FromStr for Role {
    type Err = RoleParseError;

    /// Case-insensitive and trimmed, since roles arrive from config files
    /// and command-line flags as well as from the database.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(trimmed))
            .ok_or_else(|| RoleParseError {
                input: s.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_strings() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(role.to_string(), role.as_str());
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
        }
        assert_eq!(" Doctor ".parse::<Role>(), Ok(Role::Doctor));
    }

    #[test]
    fn unknown_roles_are_rejected_with_a_message() {
        let err = "surgeon".parse::<Role>().unwrap_err();
        assert_eq!(err.input, "surgeon");
        assert!(err.message().zh.contains("未知角色“surgeon”"));
        assert_eq!(err.message().en, err.to_string());
        assert!("".parse::<Role>().is_err());
    }

    #[test]
    fn only_patients_are_not_staff() {
        let staff: Vec<Role> = Role::ALL.into_iter().filter(|r| r.is_staff()).collect();
        assert_eq!(staff.len(), 6);
        assert!(!Role::Patient.is_staff());
    }

    #[test]
    fn only_admins_and_registrars_see_unmasked_identifiers() {
        let unmasked: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.sees_unmasked_identifiers())
            .collect();
        assert_eq!(unmasked, [Role::Admin, Role::Registrar]);
    }

    #[test]
    fn labels_are_chinese_job_titles() {
        let zh: Vec<String> = Role::ALL.iter().map(|r| r.label().zh).collect();
        assert_eq!(
            zh,
            ["管理员", "挂号员", "医生", "护士", "药师", "技师", "患者"]
        );
    }
}
