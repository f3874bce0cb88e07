//! `availableTime` / `notAvailable`: identical backbone elements in
//! HealthcareService and PractitionerRole (R4 has no shared datatype for
//! them; R5 introduced Availability), so one Rust type serves both.

use serde::{Deserialize, Serialize};

use super::{Extension, Period};
use crate::DayOfWeek;
use crate::primitives::de;

/// HealthcareService.availableTime / PractitionerRole.availableTime.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AvailableTime {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days_of_week: Vec<DayOfWeek>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_day: Option<bool>,
    /// time, `hh:mm:ss`
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub available_start_time: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub available_end_time: Option<String>,
}

/// HealthcareService.notAvailable / PractitionerRole.notAvailable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotAvailable {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1 in R4.
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub during: Option<Period>,
}
