//! The FHIR `Parameters` bodies of the booking operations (`$hold`, `$book`, `$join`), and
//! the 400s that say what is wrong with one.
//!
//! Every attempt of a booking rush is parsed here, so the body is read straight into the few
//! fields the operations use (each parameter's `name` and `valueReference.reference`) instead
//! of into a `serde_json::Value` tree (a map per object), which took about a twentieth of the
//! server's CPU in a flash crowd. The reading is lenient in the same way the tree's was: a
//! member of an unexpected JSON type reads as absent and the operation then says which
//! parameter is missing or wrong; only malformed JSON is refused as such. One difference: a
//! member given twice in one object is refused as malformed (the tree kept the last one;
//! RFC 8259 leaves such objects' meaning open).

use std::fmt;

use huimin_domain::i18n::Text;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::ApiError;

/// One parameter: its name and, when it has one as a string, its `valueReference.reference`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    pub name: String,
    pub reference: Option<String>,
}

/// Why a body is not a usable `Parameters` resource.
#[derive(Debug, PartialEq, Eq)]
pub enum ParametersError {
    /// Not JSON at all; the parser's message says where.
    Malformed(String),
    /// JSON, but not an object whose `resourceType` is `Parameters`.
    NotParameters,
    /// A parameter without a string `name`.
    Unnamed,
}

/// The parameters of a `Parameters` body, in their order.
pub fn parse(body: &[u8]) -> Result<Vec<Parameter>, ParametersError> {
    let Lenient(body) = serde_json::from_slice::<Lenient<Body>>(body)
        .map_err(|e| ParametersError::Malformed(e.to_string()))?;
    let body = body.ok_or(ParametersError::NotParameters)?;
    if body.resource_type.0.as_deref() != Some("Parameters") {
        return Err(ParametersError::NotParameters);
    }
    body.parameter
        .0
        .unwrap_or_default()
        .into_iter()
        .map(|Lenient(fields)| {
            let fields = fields.ok_or(ParametersError::Unnamed)?;
            let name = fields.name.0.ok_or(ParametersError::Unnamed)?;
            let reference = fields.value_reference.0.and_then(|r| r.reference.0);
            Ok(Parameter { name, reference })
        })
        .collect()
}

#[derive(serde::Deserialize)]
struct Body {
    #[serde(rename = "resourceType", default)]
    resource_type: Lenient<String>,
    #[serde(default)]
    parameter: Lenient<Vec<Lenient<Fields>>>,
}

#[derive(serde::Deserialize)]
struct Fields {
    #[serde(default)]
    name: Lenient<String>,
    #[serde(rename = "valueReference", default)]
    value_reference: Lenient<Reference>,
}

#[derive(serde::Deserialize)]
struct Reference {
    #[serde(default)]
    reference: Lenient<String>,
}

/// A member read as `T` when its JSON type is `T`'s (a string, an array, an object), and
/// skipped as absent otherwise, as `Value::as_str`, `as_array` and `get` read a tree.
struct Lenient<T>(Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<'de, T: Deserialize<'de> + Shape> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor(std::marker::PhantomData))
    }
}

/// Which JSON type a [`Lenient`] member takes.
trait Shape {
    const SHAPE: JsonShape;
}

#[derive(PartialEq, Eq)]
enum JsonShape {
    String,
    Array,
    Object,
}

impl Shape for String {
    const SHAPE: JsonShape = JsonShape::String;
}

impl<T> Shape for Vec<T> {
    const SHAPE: JsonShape = JsonShape::Array;
}

impl Shape for Body {
    const SHAPE: JsonShape = JsonShape::Object;
}

impl Shape for Fields {
    const SHAPE: JsonShape = JsonShape::Object;
}

impl Shape for Reference {
    const SHAPE: JsonShape = JsonShape::Object;
}

struct LenientVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de> + Shape> Visitor<'de> for LenientVisitor<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if T::SHAPE != JsonShape::String {
            return Ok(Lenient(None));
        }
        T::deserialize(de::value::StrDeserializer::<E>::new(v)).map(|t| Lenient(Some(t)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if T::SHAPE == JsonShape::Array {
            return T::deserialize(SeqAccessDeserializer::new(seq)).map(|t| Lenient(Some(t)));
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Lenient(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if T::SHAPE == JsonShape::Object {
            return T::deserialize(MapAccessDeserializer::new(map)).map(|t| Lenient(Some(t)));
        }
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Lenient(None))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }
}

/// A 400 for a bad request parameter.
pub(super) fn bad(zh: String, en: String) -> ApiError {
    ApiError::bad_request(Text::new(zh, en))
}

/// A FHIR `Parameters` body's parameters, or a localised 400 saying what is wrong with it.
pub(super) fn parameters(body: &[u8]) -> Result<Vec<Parameter>, ApiError> {
    parse(body).map_err(|err| match err {
        ParametersError::Malformed(e) => bad(
            format!("JSON 格式错误：{e}"),
            format!("Malformed JSON: {e}"),
        ),
        ParametersError::NotParameters => bad(
            "请求体须为 Parameters 资源".into(),
            "The body must be a Parameters resource".into(),
        ),
        ParametersError::Unnamed => bad("参数缺少 name".into(), "A parameter has no name".into()),
    })
}

/// The id in `parameter[name].valueReference.reference` = `Kind/id`.
pub(super) fn reference_param(
    params: &[Parameter],
    name: &str,
    kind: &str,
) -> Result<Option<String>, ApiError> {
    let Some(parameter) = params.iter().find(|p| p.name == name) else {
        return Ok(None);
    };
    let id = parameter
        .reference
        .as_deref()
        .and_then(|r| r.strip_prefix(kind))
        .and_then(|r| r.strip_prefix('/'));
    match id {
        Some(id) if crate::fhir::kinds::is_valid_id(id) => Ok(Some(id.to_owned())),
        _ => Err(bad(
            format!("参数 {name} 须为 {kind}/<id> 引用"),
            format!("Parameter {name} must reference {kind}/<id>"),
        )
        .at(format!("Parameters.parameter[{name}]"))),
    }
}

pub(super) fn required(value: Option<String>, name: &str) -> Result<String, ApiError> {
    value.ok_or_else(|| {
        bad(
            format!("缺少参数 {name}"),
            format!("The {name} parameter is required"),
        )
        .at(format!("Parameters.parameter[{name}]"))
    })
}

/// A required reference parameter: the id of its `Kind/id`.
pub(super) fn required_reference(
    params: &[Parameter],
    name: &str,
    kind: &str,
) -> Result<String, ApiError> {
    required(reference_param(params, name, kind)?, name)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;

    /// What the operations read of a body, through a `Value` tree: the reading this module
    /// replaced, kept here as the reference it must agree with.
    fn through_tree(body: &[u8]) -> Result<Vec<Parameter>, ParametersError> {
        let value: Value =
            serde_json::from_slice(body).map_err(|e| ParametersError::Malformed(e.to_string()))?;
        if value.get("resourceType").and_then(Value::as_str) != Some("Parameters") {
            return Err(ParametersError::NotParameters);
        }
        let list = match value.get("parameter") {
            Some(Value::Array(list)) => list.clone(),
            _ => Vec::new(),
        };
        list.iter()
            .map(|p| {
                let name = p.get("name").and_then(Value::as_str);
                let name = name.ok_or(ParametersError::Unnamed)?.to_owned();
                let reference = p
                    .pointer("/valueReference/reference")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                Ok(Parameter { name, reference })
            })
            .collect()
    }

    fn parameter(name: &str, reference: Option<&str>) -> Parameter {
        Parameter {
            name: name.to_owned(),
            reference: reference.map(str::to_owned),
        }
    }

    #[test]
    fn a_booking_body_gives_its_references_in_order() {
        let body = json!({"resourceType": "Parameters", "parameter": [
            {"name": "slot", "valueReference": {"reference": "Slot/s1", "display": "上午 8:00"}},
            {"name": "patient", "valueReference": {"reference": "Patient/p-1"}},
            {"name": "note", "valueString": "轮椅"},
        ]});
        assert_eq!(
            parse(body.to_string().as_bytes()),
            Ok(vec![
                parameter("slot", Some("Slot/s1")),
                parameter("patient", Some("Patient/p-1")),
                parameter("note", None),
            ])
        );
    }

    #[test]
    fn members_of_other_types_read_as_absent_and_only_bad_json_is_malformed() {
        let cases = [
            (json!({"resourceType": "Parameters"}), Ok(vec![])),
            (
                json!({"resourceType": "Parameters", "parameter": {"name": "slot"}}),
                Ok(vec![]),
            ),
            (
                json!({"resourceType": "Parameters", "parameter": [{"name": "slot", "valueReference": "Slot/1"}]}),
                Ok(vec![parameter("slot", None)]),
            ),
            (
                json!({"resourceType": "Parameters", "parameter": [{"name": "slot", "valueReference": {"reference": 7}}]}),
                Ok(vec![parameter("slot", None)]),
            ),
            (
                json!({"resourceType": "Parameters", "parameter": [{"name": 3}]}),
                Err(ParametersError::Unnamed),
            ),
            (
                json!({"resourceType": "Parameters", "parameter": ["slot"]}),
                Err(ParametersError::Unnamed),
            ),
            (
                json!({"resourceType": "Patient"}),
                Err(ParametersError::NotParameters),
            ),
            (
                json!({"resourceType": ["Parameters"]}),
                Err(ParametersError::NotParameters),
            ),
            (json!(["Parameters"]), Err(ParametersError::NotParameters)),
            (json!(null), Err(ParametersError::NotParameters)),
        ];
        for (body, expected) in cases {
            let text = body.to_string();
            assert_eq!(parse(text.as_bytes()), expected, "{text}");
            assert_eq!(through_tree(text.as_bytes()), expected, "{text}");
        }
        assert!(matches!(
            parse(b"{\"resourceType\": "),
            Err(ParametersError::Malformed(_))
        ));
        assert!(matches!(parse(b""), Err(ParametersError::Malformed(_))));
    }

    #[test]
    fn a_member_given_twice_is_malformed() {
        let body = br#"{"resourceType": "Parameters", "parameter": [
            {"name": "slot", "name": "patient", "valueReference": {"reference": "Slot/1"}}]}"#;
        assert!(
            matches!(parse(body), Err(ParametersError::Malformed(e)) if e.contains("duplicate field"))
        );
    }

    /// Any JSON, up to a few levels deep, with the member names the operations read.
    fn json_values() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|n| json!(n)),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            prop_oneof![
                Just("Parameters".to_owned()),
                Just("Slot/s1".to_owned()),
                ".{0,6}",
            ]
            .prop_map(Value::String),
        ];
        let keys = prop_oneof![
            Just("resourceType".to_owned()),
            Just("parameter".to_owned()),
            Just("name".to_owned()),
            Just("valueReference".to_owned()),
            Just("reference".to_owned()),
            "[a-z]{1,4}",
        ];
        leaf.prop_recursive(4, 32, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(keys.clone(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Fuzz: on any JSON the direct reading agrees with the tree's.
        #[test]
        fn the_direct_reading_agrees_with_the_tree_on_any_json(value in json_values()) {
            let text = value.to_string();
            prop_assert_eq!(parse(text.as_bytes()), through_tree(text.as_bytes()));
        }

        /// Fuzz: arbitrary bytes never panic, and anything that is not JSON is malformed.
        #[test]
        fn arbitrary_bytes_are_refused_or_read_but_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let direct = parse(&bytes);
            if serde_json::from_slice::<Value>(&bytes).is_err() {
                prop_assert!(matches!(direct, Err(ParametersError::Malformed(_))));
            } else {
                prop_assert_eq!(direct, through_tree(&bytes));
            }
        }
    }
}
