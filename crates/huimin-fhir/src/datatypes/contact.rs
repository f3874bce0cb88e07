//! HumanName, ContactPoint, Address, ContactDetail.

use serde::{Deserialize, Serialize};

use super::{Extension, Period};

code_enum!(
    /// http://hl7.org/fhir/ValueSet/name-use
    NameUse {
        Usual = "usual",
        Official = "official",
        Temp = "temp",
        Nickname = "nickname",
        Anonymous = "anonymous",
        Old = "old",
        Maiden = "maiden",
    }
);

/// HumanName. For Chinese names put the full name in `text` (张三) and the
/// parts in `family` (张) / `given` (三): FHIR has no name-order element.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HumanName {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#use: Option<NameUse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub given: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suffix: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
}

code_enum!(
    /// http://hl7.org/fhir/ValueSet/contact-point-system
    ContactPointSystem {
        Phone = "phone",
        Fax = "fax",
        Email = "email",
        Pager = "pager",
        Url = "url",
        Sms = "sms",
        Other = "other",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/contact-point-use
    ContactPointUse {
        Home = "home",
        Work = "work",
        Temp = "temp",
        Old = "old",
        Mobile = "mobile",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactPoint {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<ContactPointSystem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#use: Option<ContactPointUse>,
    /// positiveInt: 1 = highest preference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<std::num::NonZeroU32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
}

impl ContactPoint {
    pub fn new(system: ContactPointSystem, value: impl Into<String>) -> Self {
        ContactPoint {
            system: Some(system),
            value: Some(value.into()),
            ..Default::default()
        }
    }
}

code_enum!(
    /// http://hl7.org/fhir/ValueSet/address-use
    AddressUse {
        Home = "home",
        Work = "work",
        Temp = "temp",
        Old = "old",
        Billing = "billing",
    }
);

code_enum!(
    /// http://hl7.org/fhir/ValueSet/address-type
    AddressType {
        Postal = "postal",
        Physical = "physical",
        Both = "both",
    }
);

/// Address. In China: `state` = province (省), `city` = city (市),
/// `district` = district/county (区/县), `line` = street and number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#use: Option<AddressUse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<AddressType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
}

/// ContactDetail: a publisher's contact (used by CapabilityStatement).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactDetail {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub telecom: Vec<ContactPoint>,
}
