//! Identity documents accepted at registration (DOMAIN §2).
//!
//! Mainland residents use the 18-character resident ID; Hong Kong, Macao and
//! Taiwan residents and foreigners have their own documents. Three of them
//! share the GB 11643-1999 layout and checksum, so that logic lives once in
//! the `checksum` module.

mod checksum;
mod desk_code;
mod document;
mod error;
mod resident_id;

#[cfg(test)]
mod proptests;

pub use checksum::resident_id_check_char;
pub use desk_code::{
    CODE_ALPHABET, CODE_LENGTH, CodePurpose, CodeRefusal, DeskCode, DeskCodeRule, IssuedCode,
    judge_code,
};
pub use document::IdentityDocument;
pub use error::IdentityError;
pub use resident_id::ResidentId;

use crate::i18n::Text;
use serde::{Deserialize, Serialize};

/// Administrative sex as recorded on the identity document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// The FHIR R4 `AdministrativeGender` code.
    pub fn fhir_gender(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    pub fn label(self) -> Text {
        match self {
            Sex::Male => Text::new("男", "Male"),
            Sex::Female => Text::new("女", "Female"),
        }
    }
}

/// The kinds of identity document a patient may register with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// 居民身份证: 18 characters, GB 11643-1999.
    ResidentId,
    /// Any country's passport; formats vary too much to check more than shape.
    Passport,
    /// 港澳居民来往内地通行证: `H` or `M` followed by 8 digits (2013+ card).
    HkMoTravelPermit,
    /// 台湾居民来往大陆通行证: 8 digits (2015+ card).
    TwTravelPermit,
    /// 港澳台居民居住证: resident-ID layout with area 810000/820000/830000.
    HmtResidencePermit,
    /// 外国人永久居留身份证: 2023 card is 18 characters starting with 9
    /// (resident-ID checksum); the 2017 card is 3 letters + 12 digits.
    ForeignPermanentResident,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::ResidentId,
        DocumentKind::Passport,
        DocumentKind::HkMoTravelPermit,
        DocumentKind::TwTravelPermit,
        DocumentKind::HmtResidencePermit,
        DocumentKind::ForeignPermanentResident,
    ];

    /// Stable code for storage and forms.
    pub fn code(self) -> &'static str {
        self.names().code
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The FHIR `Identifier.system` URI for numbers of this kind.
    pub fn fhir_system(self) -> &'static str {
        self.names().system
    }

    pub fn from_fhir_system(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.fhir_system() == s)
    }

    /// The document's name, e.g. 居民身份证 / Resident identity card.
    pub fn label(self) -> Text {
        let n = self.names();
        Text::new(n.label_zh, n.label_en)
    }

    /// How error messages refer to this kind's number field.
    pub(crate) fn field(self) -> (&'static str, &'static str) {
        let n = self.names();
        (n.field_zh, n.field_en)
    }

    fn names(self) -> &'static KindNames {
        let index = match self {
            DocumentKind::ResidentId => 0,
            DocumentKind::Passport => 1,
            DocumentKind::HkMoTravelPermit => 2,
            DocumentKind::TwTravelPermit => 3,
            DocumentKind::HmtResidencePermit => 4,
            DocumentKind::ForeignPermanentResident => 5,
        };
        &KIND_NAMES[index]
    }
}

struct KindNames {
    code: &'static str,
    system: &'static str,
    label_zh: &'static str,
    label_en: &'static str,
    field_zh: &'static str,
    field_en: &'static str,
}

// One table so that codes, URIs and labels cannot drift apart per kind.
const KIND_NAMES: [KindNames; 6] = [
    KindNames {
        code: "resident_id",
        system: "urn:huimin:sid:cn-resident-id",
        label_zh: "居民身份证",
        label_en: "Resident identity card",
        field_zh: "身份证号",
        field_en: "resident ID",
    },
    KindNames {
        code: "passport",
        system: "urn:huimin:sid:passport",
        label_zh: "护照",
        label_en: "Passport",
        field_zh: "护照号码",
        field_en: "passport number",
    },
    KindNames {
        code: "hk_mo_travel_permit",
        system: "urn:huimin:sid:hk-mo-travel-permit",
        label_zh: "港澳居民来往内地通行证",
        label_en: "Mainland travel permit for Hong Kong and Macao residents",
        field_zh: "港澳居民来往内地通行证号码",
        field_en: "Hong Kong/Macao travel permit number",
    },
    KindNames {
        code: "tw_travel_permit",
        system: "urn:huimin:sid:tw-travel-permit",
        label_zh: "台湾居民来往大陆通行证",
        label_en: "Mainland travel permit for Taiwan residents",
        field_zh: "台湾居民来往大陆通行证号码",
        field_en: "Taiwan travel permit number",
    },
    KindNames {
        code: "hmt_residence_permit",
        system: "urn:huimin:sid:hmt-residence-permit",
        label_zh: "港澳台居民居住证",
        label_en: "Residence permit for Hong Kong, Macao and Taiwan residents",
        field_zh: "港澳台居民居住证号码",
        field_en: "HMT residence permit number",
    },
    KindNames {
        code: "foreign_permanent_resident",
        system: "urn:huimin:sid:foreign-permanent-resident",
        label_zh: "外国人永久居留身份证",
        label_en: "Foreign permanent resident ID card",
        field_zh: "外国人永久居留身份证号码",
        field_en: "foreign permanent resident ID",
    },
];

/// Canonical form of a typed document number: whitespace removed anywhere,
/// full-width ASCII (what Chinese IMEs produce) folded to half-width, and
/// letters uppercased, so `１１０１ ０５…x` and `110105…X` are the same number.
pub(crate) fn normalise_number(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_codes_and_systems_round_trip() {
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::from_code(kind.code()), Some(kind));
            assert_eq!(
                DocumentKind::from_fhir_system(kind.fhir_system()),
                Some(kind)
            );
            assert!(kind.fhir_system().starts_with("urn:huimin:sid:"));
        }
        assert_eq!(DocumentKind::from_code("RESIDENT_ID"), None);
        assert_eq!(DocumentKind::from_fhir_system("urn:oid:1.2"), None);
    }

    #[test]
    fn kind_codes_match_the_published_contract() {
        assert_eq!(DocumentKind::ResidentId.code(), "resident_id");
        assert_eq!(
            DocumentKind::ResidentId.fhir_system(),
            "urn:huimin:sid:cn-resident-id"
        );
        assert_eq!(DocumentKind::HkMoTravelPermit.code(), "hk_mo_travel_permit");
        assert_eq!(
            DocumentKind::ForeignPermanentResident.fhir_system(),
            "urn:huimin:sid:foreign-permanent-resident"
        );
        assert_eq!(DocumentKind::ResidentId.label().zh, "居民身份证");
    }

    #[test]
    fn sex_maps_to_fhir_gender_and_serde_lowercase() {
        assert_eq!(Sex::Male.fhir_gender(), "male");
        assert_eq!(Sex::Female.fhir_gender(), "female");
        assert_eq!(Sex::Female.label().zh, "女");
    }

    #[test]
    fn normalise_strips_spaces_folds_full_width_and_uppercases() {
        assert_eq!(normalise_number(" 1101 0519\u{3000}x "), "11010519X");
        assert_eq!(normalise_number("１１０ｘ"), "110X");
        assert_eq!(normalise_number("h1234 5678"), "H12345678");
    }
}
