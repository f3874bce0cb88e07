//! The OpenAPI 3.1 document of the app API (`/api`, `/auth`, `/healthz`), served at
//! `GET /api/openapi.json`. The FHIR endpoints describe themselves (`GET /fhir/metadata`).
//!
//! Written by hand (`api/openapi.json`): the handlers parse their bodies themselves to give
//! localised, field-by-field errors, so no derive could read their shapes. A test checks the
//! document against the router: every route and method is documented, and nothing else.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The document, as served.
pub const DOCUMENT: &str = include_str!("../api/openapi.json");

/// `GET /api/openapi.json`: public.
pub async fn document() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT).into_response()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

    /// `(path, method)` of every `.route("…", get(…).post(…))` in `text` whose path is not
    /// under `/fhir` (FHIR has its own CapabilityStatement).
    fn routes_in(text: &str) -> BTreeSet<(String, String)> {
        let mut found = BTreeSet::new();
        for (at, _) in text.match_indices(".route(") {
            let rest = &text[at + ".route(".len()..];
            let Some(open) = rest.find('"') else { continue };
            let Some(len) = rest[open + 1..].find('"') else {
                continue;
            };
            let path = &rest[open + 1..open + 1 + len];
            // The call's arguments end at the parenthesis that closes `.route(`.
            let mut depth = 1;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            // Mentions of `.route(` in prose (as in this file) are not calls.
            let Some(handlers) = rest.get(open + len + 2..end) else {
                continue;
            };
            if path.starts_with("/fhir") || !path.starts_with('/') {
                continue;
            }
            // A catch-all `{*file}` is the path parameter `{file}` in OpenAPI.
            let path = path.replace("{*", "{");
            let path = path.as_str();
            for method in METHODS {
                let called = handlers.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0 || !handlers[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                });
                if called {
                    found.insert((path.to_owned(), method.to_owned()));
                }
            }
        }
        found
    }

    fn router_routes() -> BTreeSet<(String, String)> {
        let mut found = BTreeSet::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("openapi.rs")
                {
                    found.extend(routes_in(&std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        found
    }

    fn document() -> Value {
        serde_json::from_str(super::DOCUMENT).expect("api/openapi.json is JSON")
    }

    #[test]
    fn routes_are_read_from_the_source() {
        let text = r#".route("/a", get(x).post(y)) .route(
            "/b/{id}",
            delete(z),
        ) .route("/fhir/P", get(p)) .route("/c", routing::put(budget(q)))"#;
        let found: Vec<_> = routes_in(text).into_iter().collect();
        let pairs = [
            ("/a", "get"),
            ("/a", "post"),
            ("/b/{id}", "delete"),
            ("/c", "put"),
        ];
        let expected: Vec<_> = pairs
            .iter()
            .map(|(p, m)| (p.to_string(), m.to_string()))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn every_app_route_is_documented_and_nothing_else() {
        let doc = document();
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.insert((path.clone(), method.clone()));
            }
        }
        let routed = router_routes();
        let missing: Vec<_> = routed.difference(&documented).collect();
        let extra: Vec<_> = documented.difference(&routed).collect();
        assert!(missing.is_empty(), "routes not documented: {missing:?}");
        assert!(extra.is_empty(), "documented but not routed: {extra:?}");
    }

    #[test]
    fn every_operation_is_described_and_every_reference_resolves() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.1.0");
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let at = format!("{method} {path}");
                assert!(
                    op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                    "{at}"
                );
                assert!(
                    op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                    "{at}"
                );
                for name in path.split('{').skip(1).filter_map(|p| p.split('}').next()) {
                    let declared = op["parameters"].as_array().is_some_and(|ps| {
                        ps.iter().any(|p| p["name"] == name && p["in"] == "path")
                    });
                    assert!(declared, "{at}: path parameter {name}");
                }
            }
        }
        let text = super::DOCUMENT;
        let mut ids = BTreeSet::new();
        for item in doc["paths"].as_object().unwrap().values() {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str();
                assert!(
                    id.is_some_and(|id| ids.insert(id.to_owned())),
                    "{method}: a missing or repeated operationId {id:?} \
                     (scripts/openapi-operation-ids derives one)"
                );
            }
        }
        for (at, _) in text.match_indices("\"$ref\": \"#/") {
            let target = &text[at + "\"$ref\": \"#/".len()..];
            let target = &target[..target.find('"').unwrap()];
            let pointer = format!("/{target}");
            assert!(
                doc.pointer(&pointer).is_some(),
                "{pointer} does not resolve"
            );
        }
    }
}
