//! Extension, Meta and Narrative.

use serde::{Deserialize, Serialize};

use super::{
    Address, Attachment, CodeableConcept, Coding, ContactPoint, HumanName, Identifier, Money,
    Period, Quantity, Reference,
};
use crate::primitives::de;

/// Extension, with `value[x]` as one optional field per type (the R4 JSON
/// form). At most one `value*` may be set; nested `extension` is the
/// alternative for complex extensions. Types outside this list are rejected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Extension {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_string: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_markdown: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_positive_int: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_unsigned_int: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_boolean: Option<bool>,
    #[serde(
        default,
        deserialize_with = "de::opt_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub value_code: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub value_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_decimal: Option<crate::Decimal>,
    #[serde(
        default,
        deserialize_with = "de::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub value_date: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_date_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub value_date_time: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_instant",
        skip_serializing_if = "Option::is_none"
    )]
    pub value_instant: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub value_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_canonical: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_base64_binary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_coding: Option<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_codeable_concept: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_reference: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_identifier: Option<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_period: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_money: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_quantity: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_address: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_contact_point: Option<ContactPoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_human_name: Option<HumanName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_attachment: Option<Attachment>,
}

impl Extension {
    /// An extension with just its url; set one `value_*` field afterwards.
    pub fn new(url: impl Into<String>) -> Self {
        Extension {
            url: url.into(),
            ..Default::default()
        }
    }
}

/// Meta: metadata about a resource, maintained by the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Meta {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(
        default,
        deserialize_with = "de::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub version_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "de::opt_instant",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// canonical(StructureDefinition)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profile: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security: Vec<Coding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<Coding>,
}

code_enum!(
    /// http://hl7.org/fhir/ValueSet/narrative-status
    NarrativeStatus {
        Generated = "generated",
        Extensions = "extensions",
        Additional = "additional",
        Empty = "empty",
    }
);

/// Narrative: the human-readable XHTML summary of a resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Narrative {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    pub status: NarrativeStatus,
    /// Limited XHTML; must be a `<div xmlns="http://www.w3.org/1999/xhtml">`.
    pub div: String,
}

/// The URL of HL7's extension giving a string in another language (`lang` valueCode,
/// `content` valueString), as a primitive's extension (`_name` beside `name`).
pub const TRANSLATION_EXT: &str = "http://hl7.org/fhir/StructureDefinition/translation";

/// The id and extensions of a primitive value, written beside it with a leading underscore
/// (`"_name": {"extension": […]}`). Huimin uses it for translations: a department's English
/// name beside its Chinese one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrimitiveExtension {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
}

impl PrimitiveExtension {
    /// The value's translation into `lang` (a BCP 47 code such as `en`), alone.
    pub fn translation(lang: &str, content: impl Into<String>) -> Self {
        let part = |url: &str| Extension::new(url);
        let mut lang_part = part("lang");
        lang_part.value_code = Some(lang.to_owned());
        let mut content_part = part("content");
        content_part.value_string = Some(content.into());
        let mut translation = Extension::new(TRANSLATION_EXT);
        translation.extension = vec![lang_part, content_part];
        PrimitiveExtension {
            id: None,
            extension: vec![translation],
        }
    }

    /// The value in `lang`, if a translation into it is given and not blank.
    pub fn translated(&self, lang: &str) -> Option<&str> {
        self.extension
            .iter()
            .filter(|e| e.url == TRANSLATION_EXT)
            .find(|e| part(e, "lang").and_then(|p| p.value_code.as_deref()) == Some(lang))
            .and_then(|e| part(e, "content")?.value_string.as_deref())
            .filter(|text| !text.trim().is_empty())
    }
}

fn part<'a>(extension: &'a Extension, url: &str) -> Option<&'a Extension> {
    extension.extension.iter().find(|p| p.url == url)
}
