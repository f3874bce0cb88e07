//! Strict parsing of a request body into a typed resource, with errors that
//! name the offending element (`Patient.identifier[0].value`) so the server
//! can put it in `OperationOutcome.issue.expression`.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::{FhirResource, IssueSeverity, IssueType, OperationOutcome};

/// Why a body was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Not well-formed JSON.
    Syntax,
    /// Well-formed JSON that does not fit the resource: unknown element,
    /// wrong JSON type, missing required element, invalid code or primitive
    /// format (bad date, id, ...).
    Structure,
    /// `resourceType` missing (`found: None`) or not the expected one.
    WrongResourceType {
        expected: String,
        found: Option<String>,
    },
}

/// A rejected body: `path` is FHIRPath-like and rooted at the expected type
/// (`Patient.name[0].given[1]`); for errors not tied to an element (syntax,
/// wrong resourceType) it is just the type (`Patient`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ParseError {
    pub path: String,
    pub message: String,
    pub kind: ParseErrorKind,
}

impl ParseError {
    /// The OperationOutcome issue type matching this error.
    pub fn issue_type(&self) -> IssueType {
        match self.kind {
            ParseErrorKind::Syntax | ParseErrorKind::Structure => IssueType::Structure,
            ParseErrorKind::WrongResourceType { .. } => IssueType::Invalid,
        }
    }

    /// A single-issue `error` outcome with the path as its expression.
    pub fn to_operation_outcome(&self) -> OperationOutcome {
        OperationOutcome::single(
            IssueSeverity::Error,
            self.issue_type(),
            self.message.clone(),
            Some(self.path.clone()),
        )
    }
}

/// Parses `body` as a `T`, rejecting unknown elements, wrong JSON types,
/// invalid codes and primitive formats, and any `resourceType` but `T::TYPE`.
pub fn parse_resource<T: FhirResource>(body: &[u8]) -> Result<T, ParseError> {
    // First pass: syntax, top-level shape and resourceType, so that posting
    // a Practitioner to /Patient says so instead of "unknown field".
    let found = serde_json::from_slice::<Probe>(body).map_err(|e| root_error::<T>(&e))?;
    if found.0.as_deref() != Some(T::TYPE) {
        let message = match &found.0 {
            Some(f) => format!("resourceType is {f:?}, expected {:?}", T::TYPE),
            None => format!("resourceType is missing, expected {:?}", T::TYPE),
        };
        return Err(ParseError {
            path: T::TYPE.to_owned(),
            message,
            kind: ParseErrorKind::WrongResourceType {
                expected: T::TYPE.to_owned(),
                found: found.0,
            },
        });
    }

    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let mut message = bare_message(&inner);
        let mut path = fhir_path(T::TYPE, &path);
        // For an unknown element serde names it only in the message, with a
        // long list of expected names: put the name in the path instead.
        if let Some(rest) = message.strip_prefix("unknown field `")
            && let Some(name) = rest.split('`').next()
        {
            if !path.ends_with(&format!(".{name}")) {
                path = format!("{path}.{name}");
            }
            message = format!("unknown element `{name}`");
        } else if let Some(element) = crate::rules::broken_element(&message) {
            // A broken choice or invariant names its element: `medication[x]` → `.medication`,
            // the choice's FHIRPath name.
            path = format!("{path}.{}", element.trim_end_matches("[x]"));
        }
        ParseError {
            path,
            message,
            kind: kind_of(&inner),
        }
    })
}

/// `.` (root) → `Patient`; `identifier[0].value` → `Patient.identifier[0].value`.
fn fhir_path(root: &str, serde_path: &str) -> String {
    if serde_path == "." || serde_path.is_empty() {
        root.to_owned()
    } else {
        format!("{root}.{serde_path}")
    }
}

fn kind_of(e: &serde_json::Error) -> ParseErrorKind {
    match e.classify() {
        serde_json::error::Category::Data => ParseErrorKind::Structure,
        _ => ParseErrorKind::Syntax,
    }
}

fn root_error<T: FhirResource>(e: &serde_json::Error) -> ParseError {
    ParseError {
        path: T::TYPE.to_owned(),
        // Syntax errors keep "at line L column C": there is no element path.
        message: match kind_of(e) {
            ParseErrorKind::Syntax => e.to_string(),
            _ => bare_message(e),
        },
        kind: kind_of(e),
    }
}

/// serde_json's message without its " at line L column C" suffix.
fn bare_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
}

/// The `resourceType` of a JSON object, ignoring everything else. Only a
/// JSON object is accepted (serde would otherwise take an array for a
/// struct).
struct Probe(Option<String>);

impl<'de> de::Deserialize<'de> for Probe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ProbeVisitor)
    }
}

struct ProbeVisitor;

impl<'de> Visitor<'de> for ProbeVisitor {
    type Value = Probe;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a FHIR resource (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Probe, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "resourceType" {
                // A non-string resourceType is reported as not matching.
                let v: serde_json::Value = map.next_value()?;
                found = Some(match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                });
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Probe(found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Bundle, Patient};

    fn err(body: &str) -> ParseError {
        parse_resource::<Patient>(body.as_bytes()).unwrap_err()
    }

    #[test]
    fn unknown_element_is_named_in_path() {
        let e = err(r#"{"resourceType":"Patient","identifier":[{"system":"s","vaule":"1"}]}"#);
        assert_eq!(e.kind, ParseErrorKind::Structure);
        assert_eq!(e.path, "Patient.identifier[0].vaule");
        assert_eq!(e.message, "unknown element `vaule`");
    }

    #[test]
    fn wrong_type_and_bad_formats() {
        let e = err(r#"{"resourceType":"Patient","active":"yes"}"#);
        assert_eq!(
            (e.kind, e.path.as_str()),
            (ParseErrorKind::Structure, "Patient.active")
        );
        let e = err(r#"{"resourceType":"Patient","birthDate":"1990-02-30"}"#);
        assert_eq!(
            (e.kind, e.path.as_str()),
            (ParseErrorKind::Structure, "Patient.birthDate")
        );
        let e = err(r#"{"resourceType":"Patient","id":"a_b"}"#);
        assert_eq!(e.path, "Patient.id");
        let e = err(r#"{"resourceType":"Patient","gender":"M"}"#);
        assert_eq!(e.path, "Patient.gender");
        let e = err(r#"{"resourceType":"Patient","name":[{"given":["三",1]}]}"#);
        assert_eq!(e.path, "Patient.name[0].given[1]");
        let e = err(r#"{"resourceType":"Patient","meta":{"lastUpdated":"2024-01-01"}}"#);
        assert_eq!(e.path, "Patient.meta.lastUpdated");
        let e = err(r#"{"resourceType":"Patient","language":" zh"}"#);
        assert_eq!(e.path, "Patient.language");
    }

    #[test]
    fn required_element_missing() {
        let e = err(r#"{"resourceType":"Patient","link":[{"type":"refer"}]}"#);
        assert_eq!(
            (e.kind, e.path.as_str()),
            (ParseErrorKind::Structure, "Patient.link[0]")
        );
        assert!(e.message.contains("other"), "{}", e.message);
    }

    #[test]
    fn syntax_and_shape() {
        let e = err(r#"{"resourceType":"Patient","#);
        assert_eq!(
            (e.kind, e.path.as_str()),
            (ParseErrorKind::Syntax, "Patient")
        );
        let e = err(r#"{"resourceType":"Patient"} x"#);
        assert_eq!(e.kind, ParseErrorKind::Syntax);
        let e = err(r#"["Patient"]"#);
        assert_eq!(e.kind, ParseErrorKind::Structure);
    }

    #[test]
    fn resource_type_checked_first() {
        let e = err(r#"{"resourceType":"Practitioner","qualification":[]}"#);
        assert_eq!(
            e.kind,
            ParseErrorKind::WrongResourceType {
                expected: "Patient".into(),
                found: Some("Practitioner".into())
            }
        );
        let e = err(r#"{"id":"1"}"#);
        assert!(matches!(
            e.kind,
            ParseErrorKind::WrongResourceType { found: None, .. }
        ));
        let e = parse_resource::<Bundle>(br#"{"resourceType":"Patient"}"#).unwrap_err();
        assert_eq!(e.path, "Bundle");
    }

    #[test]
    fn outcome_from_error() {
        let e = err(r#"{"resourceType":"Patient","birthDate":"1990-13"}"#);
        let oo = e.to_operation_outcome();
        assert_eq!(oo.issue[0].code, IssueType::Structure);
        assert_eq!(oo.issue[0].expression, vec!["Patient.birthDate".to_owned()]);
    }
}
