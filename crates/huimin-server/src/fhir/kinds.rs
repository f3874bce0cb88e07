//! The resource types served at `/fhir`, each described once (see `spec.rs` for what a
//! description holds).

pub use super::spec::*;

pub const PATIENT: KindSpec = super::patient::SPEC;

pub fn all() -> [&'static KindSpec; 6] {
    [
        &PATIENT,
        &super::directory::PRACTITIONER,
        &super::directory::PRACTITIONER_ROLE,
        &super::directory::ORGANIZATION,
        &super::directory::LOCATION,
        &super::directory::HEALTHCARE_SERVICE,
    ]
}

pub fn by_name(name: &str) -> Option<&'static KindSpec> {
    all().into_iter().find(|k| k.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_search_parameter_indexes_some_element() {
        for kind in all() {
            for param in kind.params {
                assert!(
                    !param.paths.is_empty(),
                    "{}.{} indexes nothing",
                    kind.name,
                    param.name
                );
            }
        }
    }

    #[test]
    fn sealed_kinds_index_identifiers_and_phones_blind() {
        let patient = json!({
            "resourceType": "Patient",
            "identifier": [{"system": "urn:huimin:sid:cn-resident-id", "value": "110101199003071137"}],
            "name": [{"text": "张三", "family": "张", "given": ["三"]}],
            "telecom": [{"system": "phone", "value": "13800138000"}],
        });
        let (tokens, unique) = PATIENT.index(&patient);
        for token in tokens
            .iter()
            .filter(|t| t.param == "identifier" || t.param == "phone")
        {
            assert!(
                matches!(token.value, huimin_store::IndexValue::Blind(_)),
                "{token:?}"
            );
        }
        assert!(tokens.iter().any(|t| t.param == "family"));
        assert_eq!(unique.len(), 1);
    }
}
