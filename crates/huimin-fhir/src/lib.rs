//! Hand-written serde types for the HL7 FHIR R4 (4.0.1) resources Huimin
//! serves, with strict parsing.
//!
//! Why hand-written: a crate generating all ~150 R4 resources costs minutes of
//! build time on our 2-core machines, and we serve only a handful. Every
//! struct denies unknown fields so a typo in a client's payload is reported
//! (with its element path) instead of silently dropped.
//!
//! Primitive-typed elements stay plain `String`s (easy to build from domain
//! data); their formats (`id`, `date`, `dateTime`, `instant`, `time`, `code`)
//! are checked while deserializing, see [`primitives`]. Codes bound
//! `required` in R4 are enums. The medication resources and the datatypes
//! they use (Dosage, Timing, Ratio, Annotation) also check their choice
//! elements (`medication[x]`: exactly one) and R4 invariants while
//! deserializing, refusing a broken one at its element's path.

#[macro_use]
mod codes;
#[macro_use]
mod rules;
pub mod datatypes;
pub mod names;
pub mod parse;
pub mod primitives;
pub mod resources;

pub use codes::*;
pub use datatypes::*;
pub use parse::{ParseError, ParseErrorKind, parse_resource};
pub use resources::*;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The FHIR version written in CapabilityStatement.fhirVersion.
pub const FHIR_VERSION: &str = "4.0.1";

/// A FHIR resource type Huimin serves.
pub trait FhirResource: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// The `resourceType` value, e.g. `"Patient"`.
    const TYPE: &'static str;
    fn id(&self) -> Option<&str>;
    fn set_id(&mut self, id: String);
    fn meta(&self) -> Option<&Meta>;
    /// Mutable access to `meta`, creating an empty one if absent.
    fn meta_mut(&mut self) -> &mut Meta;
}

/// Absolute path of the vendored official R4 JSON schema, for schema tests in
/// this and other crates.
pub fn schema_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/fhir.schema.json")
}

/// The vendored schema as JSON, tightened for validation; prefer it to
/// reading [`schema_path`] directly.
///
/// Medplum's generator lists some backbone elements (e.g.
/// `AccessPolicyResource`, whose `resourceType` is any string) among the
/// resources of the root `oneOf` and of `ResourceList`, so a document with an
/// unknown resourceType would pass. Both lists are cut down here to real
/// resources: definitions whose `resourceType` is the `const` of their name.
pub fn schema_json() -> std::io::Result<serde_json::Value> {
    use serde_json::Value;
    let text = std::fs::read(schema_path())?;
    let mut schema: Value = serde_json::from_slice(&text)?;
    let is_resource = |defs: &Value, r: &Value| -> bool {
        let Some(name) = r["$ref"]
            .as_str()
            .and_then(|s| s.strip_prefix("#/definitions/"))
        else {
            return false;
        };
        defs[name]["properties"]["resourceType"]["const"].as_str() == Some(name)
    };
    let defs = schema["definitions"].clone();
    for pointer in ["/oneOf", "/definitions/ResourceList/oneOf"] {
        if let Some(Value::Array(items)) = schema.pointer_mut(pointer) {
            items.retain(|r| is_resource(&defs, r));
        }
    }
    Ok(schema)
}
