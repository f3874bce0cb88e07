//! Fuzzing the HTTP edge: mutated Patient documents and query strings get a 2xx or a 4xx
//! with an OperationOutcome, never a 5xx, and a refused write leaves the data as it was.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;

fn mutations() -> impl Strategy<Value = (String, Value)> {
    let field = prop_oneof![
        Just("identifier".to_owned()),
        Just("name".to_owned()),
        Just("telecom".to_owned()),
        Just("birthDate".to_owned()),
        Just("gender".to_owned()),
        Just("active".to_owned()),
        Just("address".to_owned()),
        Just("resourceType".to_owned()),
        "[a-z]{1,6}",
    ];
    let value = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        "\\PC{0,20}".prop_map(Value::String),
        Just(json!([{"system": "urn:huimin:sid:cn-resident-id", "value": "11010519491231002"}])),
        Just(json!([{"text": "\u{0}"}])),
        Just(json!({"nested": [1, 2, {"deep": true}]})),
        Just(json!("1990-02-30")),
    ];
    (field, value)
}

/// Rewrites a created Patient without its identity document, so that the next case may use
/// the same document.
async fn park(app: &TestApp, token: &str, patient: &Value) {
    let mut parked = patient.clone();
    parked.as_object_mut().unwrap().remove("identifier");
    let id = parked["id"].as_str().unwrap().to_owned();
    app.put_json(&format!("/fhir/Patient/{id}"), Some(token), &parked, None)
        .await;
}

async fn mutated_patients_and_queries_never_cause_a_server_error(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let mut runner = TestRunner::new(Config {
        cases: 48,
        ..Config::default()
    });
    let mut cases = Vec::new();
    for _ in 0..48 {
        cases.push(mutations().new_tree(&mut runner).unwrap().current());
    }
    for (field, value) in cases {
        let mut doc = patient_json("张三", "张", "三", ID_2, "13800138000");
        doc[field.as_str()] = value;
        let response = app.post_json("/fhir/Patient", Some(&registrar), &doc).await;
        assert!(response.status < 500, "{} for {doc}", response.status);
        if response.status >= 400 {
            assert_eq!(
                response.body["resourceType"], "OperationOutcome",
                "{}",
                response.body
            );
        }
        if response.status == 201 {
            // Keep the document free for the next case.
            park(&app, &registrar, &response.body).await;
        }
    }
    let queries = [
        "name=%FF",
        "birthdate=lt",
        "identifier=|",
        "_count=-1",
        "phone=,,,",
        "name:contains=%25_",
        "_sort=name",
        "gender:missing=true",
        "_offset=99999999999",
        "name=%00",
        "%00=x",
        "identifier=a%00b",
    ];
    for query in queries {
        let response = app
            .get(&format!("/fhir/Patient?{query}"), Some(&registrar))
            .await;
        assert!(response.status < 500, "{} for {query}", response.status);
    }
    for path in [
        "/fhir/Patient/%00",
        "/fhir/Patient/a%00b/_history/1",
        "/fhir/Patient/..%2F..%2Fetc",
    ] {
        let response = app.get(path, Some(&registrar)).await;
        assert!(response.status < 500, "{} for {path}", response.status);
    }
    let nul_login = app.login("admin\u{0}", "x").await;
    assert_eq!(nul_login.status, 400);
    let bad_gender = json!({"phone": "13911119999", "password": PASSWORD, "name": "John Smith", "document_type": "passport", "document_number": "E12345678", "gender": "robot\u{0}"});
    let response = app
        .post_raw(
            "/auth/register",
            None,
            "application/json",
            &bad_gender.to_string(),
        )
        .await;
    assert_eq!(response.status, 422, "{}", response.body);
    assert_eq!(response.expression(), Some("gender"));
    app.finish().await;
}

/// Mutated transaction Bundles: never a 5xx, and a refused one creates nothing.
async fn mutated_transactions_never_cause_a_server_error(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let places = prop_oneof![
        Just("/type"),
        Just("/entry"),
        Just("/entry/0"),
        Just("/entry/0/request"),
        Just("/entry/0/request/method"),
        Just("/entry/0/request/url"),
        Just("/entry/0/fullUrl"),
        Just("/entry/0/resource"),
        Just("/entry/0/resource/resourceType"),
        Just("/entry/1/resource/link"),
        Just("/entry/1/resource/identifier"),
    ];
    let mut runner = TestRunner::new(Config {
        cases: 40,
        ..Config::default()
    });
    let strategy = (places, mutations().prop_map(|(_, value)| value));
    for _ in 0..40 {
        let (place, value) = strategy.new_tree(&mut runner).unwrap().current();
        let mut bundle = json!({"resourceType": "Bundle", "type": "transaction", "entry": [
            {"fullUrl": "urn:uuid:a", "request": {"method": "POST", "url": "Patient"},
             "resource": patient_json("张三", "张", "三", ID_2, "13800138000")},
            {"request": {"method": "POST", "url": "Patient"},
             "resource": patient_json("李四", "李", "四", ID_3, "13800138001")},
        ]});
        if let Some(target) = bundle.pointer_mut(place) {
            *target = value;
        }
        let response = app.post_json("/fhir", Some(&registrar), &bundle).await;
        assert!(response.status < 500, "{} for {bundle}", response.status);
        if response.status >= 400 {
            assert_eq!(response.body["resourceType"], "OperationOutcome");
        }
        // Keep the documents free for the next case, whatever was created.
        for id in [ID_2, ID_3] {
            let found = app
                .get(&format!("/fhir/Patient?identifier={id}"), Some(&registrar))
                .await;
            if response.status >= 400 {
                assert_eq!(found.body["total"], 0, "a refused transaction left {id}");
            }
            for entry in found.body["entry"].as_array().into_iter().flatten() {
                park(&app, &registrar, &entry["resource"]).await;
            }
        }
    }
    app.finish().await;
}

on_both!(mutated_transactions_never_cause_a_server_error);
on_both!(mutated_patients_and_queries_never_cause_a_server_error);
