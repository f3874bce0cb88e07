//! Property-based fuzzing of the parser: whatever arrives, parsing returns a value or an
//! error with a path, and never panics.

use huimin_fhir::*;
use proptest::prelude::*;
use serde_json::{Value, json};

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("resourceType".to_owned()),
                    Just("identifier".to_owned()),
                    Just("name".to_owned()),
                    Just("telecom".to_owned()),
                    Just("birthDate".to_owned()),
                    Just("value".to_owned()),
                    Just("system".to_owned()),
                    Just("extension".to_owned()),
                    "[a-zA-Z_]{1,8}",
                ],
                inner,
                0..5,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_resource::<Patient>(&bytes);
        let _ = parse_resource::<PractitionerRole>(&bytes);
        let _ = parse_resource::<MedicationRequest>(&bytes);
    }

    #[test]
    fn arbitrary_json_documents_never_panic(mut doc in arbitrary_json(), as_patient in any::<bool>()) {
        if as_patient && let Some(object) = doc.as_object_mut() {
            object.insert("resourceType".into(), json!("Patient"));
        }
        let bytes = serde_json::to_vec(&doc).unwrap();
        match parse_resource::<Patient>(&bytes) {
            Ok(patient) => {
                // Whatever parses re-serialises and parses again to the same value.
                let again = serde_json::to_vec(&patient).unwrap();
                prop_assert_eq!(parse_resource::<Patient>(&again).unwrap(), patient);
            }
            Err(error) => prop_assert!(!error.message.is_empty()),
        }
    }

    #[test]
    fn a_medication_example_edited_anywhere_parses_or_is_refused_with_a_path(
        which in 0..3usize,
        at in any::<prop::sample::Index>(),
        value in arbitrary_json(),
    ) {
        match which {
            0 => edit_and_parse::<Medication>(include_str!("examples/medication.json"), at, value)?,
            1 => edit_and_parse::<MedicationRequest>(
                include_str!("examples/medication_request.json"), at, value)?,
            _ => edit_and_parse::<MedicationDispense>(
                include_str!("examples/medication_dispense.json"), at, value)?,
        }
    }
}

/// Every JSON pointer inside `doc` below its root.
fn pointers(doc: &Value, at: String, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match doc {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => return,
    };
    for (key, child) in children {
        let pointer = format!("{at}/{key}");
        out.push(pointer.clone());
        pointers(child, pointer, out);
    }
}

/// Replaces one element of `example` (deep ones included: dosage, timing, ratios) by `value`:
/// the parse never panics, a refusal names a path inside the resource, and what parses
/// round-trips.
fn edit_and_parse<T: FhirResource + std::fmt::Debug + PartialEq>(
    example: &str,
    at: prop::sample::Index,
    value: Value,
) -> Result<(), TestCaseError> {
    let mut doc: Value = serde_json::from_str(example).unwrap();
    let mut all = Vec::new();
    pointers(&doc, String::new(), &mut all);
    let pointer = at.get(&all);
    *doc.pointer_mut(pointer).unwrap() = value;
    let bytes = serde_json::to_vec(&doc).unwrap();
    match parse_resource::<T>(&bytes) {
        Ok(resource) => {
            let again = serde_json::to_vec(&resource).unwrap();
            prop_assert_eq!(parse_resource::<T>(&again).unwrap(), resource);
        }
        Err(error) => {
            prop_assert!(!error.message.is_empty());
            prop_assert!(error.path.starts_with(T::TYPE), "{}", error.path);
        }
    }
    Ok(())
}
