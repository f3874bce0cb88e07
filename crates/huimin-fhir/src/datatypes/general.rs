//! General-purpose datatypes: Coding, CodeableConcept, Identifier, Period,
//! Reference, Quantity, Money, Attachment, Signature.

use serde::{Deserialize, Serialize};

use super::{Extension, PrimitiveExtension};
use crate::primitives::de;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Coding {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_selected: Option<bool>,
}

impl Coding {
    pub fn new(
        system: impl Into<String>,
        code: impl Into<String>,
        display: Option<String>,
    ) -> Self {
        Coding {
            system: Some(system.into()),
            code: Some(code.into()),
            display,
            ..Default::default()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CodeableConcept {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `text`'s extensions: its translation into English ([`PrimitiveExtension::translated`]).
    #[serde(rename = "_text", skip_serializing_if = "Option::is_none")]
    pub text_ext: Option<PrimitiveExtension>,
}

impl CodeableConcept {
    /// A concept with only text (no coding).
    pub fn text(text: impl Into<String>) -> Self {
        CodeableConcept {
            text: Some(text.into()),
            ..Default::default()
        }
    }

    /// A concept with one coding; its display doubles as the text.
    pub fn coded(coding: Coding) -> Self {
        CodeableConcept {
            text: coding.display.clone(),
            coding: vec![coding],
            ..Default::default()
        }
    }
}

code_enum!(
    /// http://hl7.org/fhir/ValueSet/identifier-use
    IdentifierUse {
        Usual = "usual",
        Official = "official",
        Temp = "temp",
        Secondary = "secondary",
        Old = "old",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Identifier {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#use: Option<IdentifierUse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// Boxed: Identifier and Reference contain each other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigner: Option<Box<Reference>>,
}

impl Identifier {
    pub fn new(system: impl Into<String>, value: impl Into<String>) -> Self {
        Identifier {
            system: Some(system.into()),
            value: Some(value.into()),
            ..Default::default()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub start: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub end: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Reference {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// Literal reference, e.g. `Organization/1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Type the reference refers to (uri), e.g. `Organization`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

impl Reference {
    /// A literal reference `"{type}/{id}"` with an optional display.
    pub fn to(resource_type: &str, id: &str, display: Option<String>) -> Self {
        Reference {
            reference: Some(format!("{resource_type}/{id}")),
            display,
            ..Default::default()
        }
    }

    /// The id in the literal reference `"{type}/{id}"`, or `text` itself when it is a bare id
    /// (request bodies accept either).
    pub fn local_id<'a>(resource_type: &str, text: &'a str) -> &'a str {
        text.strip_prefix(resource_type)
            .and_then(|rest| rest.strip_prefix('/'))
            .unwrap_or(text)
    }
}

code_enum!(
    /// http://hl7.org/fhir/ValueSet/quantity-comparator
    QuantityComparator {
        Less = "<",
        LessOrEqual = "<=",
        GreaterOrEqual = ">=",
        Greater = ">",
    }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Quantity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<crate::Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparator: Option<QuantityComparator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub code: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Money {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<crate::Decimal>,
    /// ISO 4217 code, e.g. `CNY`.
    #[serde(
        default,
        deserialize_with = "de::opt_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub currency: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Attachment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(
        default,
        deserialize_with = "de::opt_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub language: Option<String>,
    /// base64Binary
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
    /// base64Binary (SHA-1)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation: Option<String>,
}

/// Signature (only used by Bundle.signature).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Signature {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    /// 1..*
    pub r#type: Vec<Coding>,
    #[serde(deserialize_with = "de::instant")]
    pub when: String,
    pub who: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<Reference>,
    #[serde(
        default,
        deserialize_with = "de::opt_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub target_format: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub sig_format: Option<String>,
    /// base64Binary
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::Reference;

    #[test]
    fn a_local_id_is_read_from_a_reference_or_taken_as_it_is() {
        assert_eq!(Reference::local_id("Patient", "Patient/p-1"), "p-1");
        assert_eq!(Reference::local_id("Patient", "p-1"), "p-1");
        // Another type's reference, or a type without its slash, is not cut.
        assert_eq!(
            Reference::local_id("Patient", "Schedule/s-1"),
            "Schedule/s-1"
        );
        assert_eq!(Reference::local_id("Patient", "Patientp-1"), "Patientp-1");
    }
}
