//! How a resource type served at `/fhir` is described: how to parse it, which domain rules it
//! must pass, what to index, which search parameters it answers and who may touch it. The
//! registry of the types served is `kinds.rs`.

use huimin_fhir::{FhirResource, ParseError};
use huimin_store::{IndexEntry, UniqueKey};
use serde_json::Value;

use super::index;
use crate::error::Issue;

/// Who may do what with a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Personal data: patients reach only their own records, staff by role; every access
    /// is audited and identifiers are masked for roles that do not need them.
    PatientData,
    /// The hospital's public directory: anyone may read, administrators write.
    Directory,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// Case-insensitive starts-with; `:exact` and `:contains` modifiers.
    Str,
    /// Like `Str`, over every part of HumanName elements (text, family, given, whole name).
    HumanName,
    /// A code without a system (gender, active, status).
    Code,
    /// `system|code` or `code` on CodeableConcepts.
    Coding,
    /// `system|value` or `value` on Identifiers.
    Identifier,
    /// A phone number in any common notation.
    Phone,
    /// `Type/id` or `id` of the given target type.
    Reference(&'static str),
    /// `YYYY[-MM[-DD]]` with eq/ne/gt/lt/ge/le/sa/eb prefixes.
    Date,
    /// An instant or period searched by dates and times with prefixes (`_lastUpdated`,
    /// `Slot.start`); not indexed as tokens.
    Instant,
}

impl ParamKind {
    pub fn fhir_type(self) -> &'static str {
        match self {
            Self::Str | Self::HumanName => "string",
            Self::Code | Self::Coding | Self::Identifier | Self::Phone => "token",
            Self::Reference(_) => "reference",
            Self::Date | Self::Instant => "date",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct ParamDef {
    pub name: &'static str,
    pub kind: ParamKind,
    /// The elements indexed for this parameter, as dotted paths (`address.city`).
    pub paths: &'static [&'static str],
    pub doc: &'static str,
}

/// One search parameter: name, kind, indexed element paths, documentation.
pub const fn param(
    name: &'static str,
    kind: ParamKind,
    paths: &'static [&'static str],
    doc: &'static str,
) -> ParamDef {
    ParamDef {
        name,
        kind,
        paths,
        doc,
    }
}

pub type Checked = Result<(), Vec<Issue>>;

pub struct KindSpec {
    pub name: &'static str,
    pub access: Access,
    /// Sealed at rest and blind-indexed.
    pub sealed: bool,
    pub parse: fn(&[u8]) -> Result<Value, ParseError>,
    /// Domain rules and normalisation; `previous` is the stored version on update.
    /// The domain rules on a new or changed resource (with the one it replaces), as of `today`
    /// on the hospital's clock.
    pub check: fn(&mut Value, Option<&Value>, jiff::civil::Date) -> Checked,
    /// Identifiers that at most one resource of the kind may carry.
    pub unique: fn(&Value) -> Vec<UniqueKey>,
    pub params: &'static [ParamDef],
    pub documentation: &'static str,
}

impl KindSpec {
    pub fn param(&self, name: &str) -> Option<&ParamDef> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The search tokens of a resource, derived from the same parameter table that search
    /// uses, so indexing and searching cannot drift apart.
    pub fn index(&self, value: &Value) -> (Vec<IndexEntry>, Vec<UniqueKey>) {
        let mut out = Vec::new();
        for param in self.params {
            for dotted in param.paths {
                let path: Vec<&str> = dotted.split('.').collect();
                let (name, path) = (param.name, path.as_slice());
                match param.kind {
                    ParamKind::Str => index::plain_strings(value, name, path, &mut out),
                    ParamKind::HumanName => index::human_names(value, name, path, &mut out),
                    ParamKind::Code | ParamKind::Date => index::codes(value, name, path, &mut out),
                    ParamKind::Coding => index::codings(value, name, path, &mut out),
                    ParamKind::Identifier => {
                        index::identifiers(value, name, path, self.sealed, &mut out)
                    }
                    ParamKind::Phone => index::phones(value, name, path, self.sealed, &mut out),
                    ParamKind::Reference(_) => index::references(value, name, path, &mut out),
                    ParamKind::Instant => {}
                }
            }
        }
        (out, (self.unique)(value))
    }
}

/// For kinds without unique identifiers.
pub fn no_unique(_: &Value) -> Vec<UniqueKey> {
    Vec::new()
}

/// Parses into the typed resource (strict: unknown elements and wrong types are refused) and
/// back to JSON, so what is stored is exactly what the types can express.
pub fn parse_as<T: FhirResource>(body: &[u8]) -> Result<Value, ParseError> {
    let typed: T = huimin_fhir::parse_resource(body)?;
    let value = serde_json::to_value(typed).expect("typed resources always serialise");
    match bad_string_path(&value, T::TYPE) {
        Some(path) => Err(ParseError {
            path,
            message: "strings must not be empty or contain control characters".into(),
            kind: huimin_fhir::ParseErrorKind::Structure,
        }),
        None => Ok(value),
    }
}

/// FHIR forbids empty strings, and control characters (NUL above all, which PostgreSQL
/// cannot store) have no place in clinical text; the path of the first such string.
fn bad_string_path(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::String(s) if s.trim().is_empty() || has_control_chars(s) => Some(path.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| bad_string_path(v, &format!("{path}[{i}]"))),
        Value::Object(map) => map
            .iter()
            .find_map(|(k, v)| bad_string_path(v, &format!("{path}.{k}"))),
        _ => None,
    }
}

/// Control characters other than tab, line feed and carriage return.
pub fn has_control_chars(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// The FHIR `id` syntax; anything else cannot name a stored resource.
pub fn is_valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}
