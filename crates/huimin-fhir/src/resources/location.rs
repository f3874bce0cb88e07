//! Location (R4): campuses (院区), buildings, wards, rooms (诊室).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ResourceType;
use crate::primitives::de;
use crate::{
    Address, CodeableConcept, Coding, ContactPoint, DayOfWeek, Extension, Identifier, Meta,
    Narrative, Reference,
};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/location-status
    LocationStatus {
        Active = "active",
        Suspended = "suspended",
        Inactive = "inactive",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/location-mode
    LocationMode {
        Instance = "instance",
        Kind = "kind",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Location {
    pub resource_type: ResourceType<Location>,
    #[serde(
        default,
        deserialize_with = "de::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implicit_rules: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Narrative>,
    /// Contained resources, kept as JSON (any resource type may appear).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contained: Vec<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<LocationStatus>,
    /// Bed/room operational status (v2 table 0116), e.g. `O` occupied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operational_status: Option<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alias: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<LocationMode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub r#type: Vec<CodeableConcept>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub telecom: Vec<ContactPoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// e.g. `bu` building, `wa` ward, `ro` room (location-physical-type).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical_type: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<LocationPosition>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managing_organization: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_of: Option<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hours_of_operation: Vec<LocationHoursOfOperation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_exceptions: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoint: Vec<Reference>,
}

impl Location {
    pub fn new() -> Self {
        Self::default()
    }
}

fhir_resource!(Location);

/// Location.position: WGS84 coordinates. Note that maps in mainland China
/// commonly use GCJ-02; convert before filling this in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocationPosition {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_extension: Vec<Extension>,
    /// 1..1
    #[serde(serialize_with = "de::decimal")]
    pub longitude: f64,
    /// 1..1
    #[serde(serialize_with = "de::decimal")]
    pub latitude: f64,
    #[serde(
        serialize_with = "de::opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub altitude: Option<f64>,
}

/// Location.hoursOfOperation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocationHoursOfOperation {
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
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub opening_time: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub closing_time: Option<String>,
}
