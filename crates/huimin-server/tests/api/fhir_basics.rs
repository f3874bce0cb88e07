use serde_json::json;

use crate::helpers::*;
use crate::on_both;

async fn metadata_is_public_and_a_valid_capability_statement(db: Db) {
    let app = TestApp::spawn(db).await;
    let response = app.get("/fhir/metadata", None).await;
    assert_eq!(response.status, 200);
    assert!(
        response
            .header("content-type")
            .unwrap()
            .starts_with("application/fhir+json")
    );
    assert_eq!(response.body["fhirVersion"], "4.0.1");
    let types: Vec<&str> = response.body["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    for t in [
        "Patient",
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "Location",
        "HealthcareService",
        "AuditEvent",
    ] {
        assert!(types.contains(&t), "{t} missing");
    }
    let text = response.body.to_string();
    assert!(
        text.contains("urn:huimin:sid:cn-resident-id") && text.contains("urn:huimin:sid:passport"),
        "identifier systems documented"
    );
    assert_schema_valid(&response.body);
    app.finish().await;
}
on_both!(metadata_is_public_and_a_valid_capability_statement);

async fn malformed_json_is_400_with_an_operation_outcome(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let response = app
        .post_raw(
            "/fhir/Patient",
            Some(&admin),
            "application/fhir+json",
            "{\"resourceType\": \"Patient\", ",
        )
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(response.body["resourceType"], "OperationOutcome");
    assert_eq!(response.body["issue"][0]["code"], "structure");
    assert_schema_valid(&response.body);
    app.finish().await;
}
on_both!(malformed_json_is_400_with_an_operation_outcome);

async fn unknown_elements_and_wrong_types_are_400_naming_the_element(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let mut patient = patient_json("张三", "张", "三", ID_2, "13800138000");
    patient["identifier"][0]["vaule"] = json!("x");
    let response = app.post_json("/fhir/Patient", Some(&admin), &patient).await;
    assert_eq!(response.status, 400);
    assert!(
        response.expression().unwrap().contains("identifier[0]"),
        "{}",
        response.body
    );
    let wrong_type = json!({"resourceType": "Patient", "active": "yes"});
    let response = app
        .post_json("/fhir/Patient", Some(&admin), &wrong_type)
        .await;
    assert_eq!(response.status, 400);
    assert!(response.expression().unwrap().contains("active"));
    let empty = json!({"resourceType": "Patient", "name": [{"text": ""}]});
    let response = app.post_json("/fhir/Patient", Some(&admin), &empty).await;
    assert_eq!(response.status, 400);
    assert_eq!(response.expression(), Some("Patient.name[0].text"));
    let wrong_resource = json!({"resourceType": "Practitioner"});
    assert_eq!(
        app.post_json("/fhir/Patient", Some(&admin), &wrong_resource)
            .await
            .status,
        400
    );
    app.finish().await;
}
on_both!(unknown_elements_and_wrong_types_are_400_naming_the_element);

async fn non_json_bodies_and_xml_only_clients_are_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let xml = app
        .post_raw(
            "/fhir/Patient",
            Some(&admin),
            "application/fhir+xml",
            "<Patient/>",
        )
        .await;
    assert_eq!(xml.status, 415);
    let request = app
        .client
        .get(format!("{}/fhir/Organization", app.base))
        .header("accept", "application/fhir+xml");
    assert_eq!(request.send().await.unwrap().status(), 406);
    // The same on every FHIR endpoint, operations included, whichever module serves them.
    let operation = app
        .post_raw(
            "/fhir/Appointment/$book",
            Some(&admin),
            "text/plain",
            "slot=Slot/1",
        )
        .await;
    assert_eq!(operation.status, 415, "{}", operation.body);
    assert_eq!(operation.body["resourceType"], "OperationOutcome");
    let patch = app
        .send(
            app.client
                .patch(format!("{}/fhir/Appointment/any", app.base))
                .header("content-type", "text/csv")
                .body("status,cancelled"),
            Some(&admin),
        )
        .await;
    assert_eq!(patch.status, 415);
    for path in [
        "/fhir/Appointment/$find?_format=xml",
        "/fhir/Organization?_format=application/fhir%2Bxml",
        "/fhir/metadata?_format=xml",
    ] {
        assert_eq!(app.get(path, Some(&admin)).await.status, 406, "{path}");
    }
    let xml_only = app
        .client
        .get(format!("{}/fhir/Appointment/$find", app.base))
        .header("accept", "application/fhir+xml");
    assert_eq!(xml_only.send().await.unwrap().status(), 406);
    assert_eq!(
        app.get("/fhir/metadata?_format=json", None).await.status,
        200
    );
    app.finish().await;
}
on_both!(non_json_bodies_and_xml_only_clients_are_refused);

async fn unknown_types_ids_and_search_parameters_are_reported(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let unknown_type = app.get("/fhir/Spaceship", Some(&admin)).await;
    assert_eq!(unknown_type.status, 404);
    assert_eq!(unknown_type.body["resourceType"], "OperationOutcome");
    assert_eq!(
        app.get("/fhir/Patient/does-not-exist", Some(&admin))
            .await
            .status,
        404
    );
    let misspelt = app.get("/fhir/Patient?nmae=张", Some(&admin)).await;
    assert_eq!(misspelt.status, 400);
    assert!(
        misspelt.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("nmae")
    );
    let bad_date = app
        .get("/fhir/Patient?birthdate=1990-13-01", Some(&admin))
        .await;
    assert_eq!(bad_date.status, 400);
    // Ids are the server's: a PUT to an unknown id is 405 (no update-as-create) for staff, and
    // 404 for a patient, to whom someone else's record and a missing one look the same.
    let body = json!({"resourceType": "Organization", "id": "no-such-org", "name": "某医院"});
    let put = app
        .put_json("/fhir/Organization/no-such-org", Some(&admin), &body, None)
        .await;
    assert_eq!(put.status, 405, "{}", put.body);
    assert_eq!(put.body["issue"][0]["code"], "not-supported");
    assert_eq!(
        app.get("/fhir/Organization/no-such-org", Some(&admin))
            .await
            .status,
        404,
        "nothing was created"
    );
    let (patient, _) = app.patient("13900000001", "李四", ID_3).await;
    let mine = json!({"resourceType": "Patient", "id": "no-such-patient"});
    let put = app
        .put_json("/fhir/Patient/no-such-patient", Some(&patient), &mine, None)
        .await;
    assert_eq!(put.status, 404, "{}", put.body);
    app.finish().await;
}
on_both!(unknown_types_ids_and_search_parameters_are_reported);

async fn errors_are_in_chinese_by_default_and_english_on_request(db: Db) {
    let app = TestApp::spawn(db).await;
    let zh = app.get("/fhir/Patient", None).await;
    assert!(
        zh.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("登录")
    );
    let en = app.get_lang("/fhir/Patient", None, "en").await;
    assert!(
        en.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("Authentication")
    );
    let query = app.get("/fhir/Patient?lang=en", None).await;
    assert!(
        query.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("Authentication")
    );
    app.finish().await;
}
on_both!(errors_are_in_chinese_by_default_and_english_on_request);

async fn health_check_answers_when_ready(db: Db) {
    let app = TestApp::spawn(db).await;
    let response = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    app.finish().await;
}
on_both!(health_check_answers_when_ready);

/// The app API describes itself to anyone: the OpenAPI document the router is checked against.
async fn the_app_api_serves_its_openapi_document(db: Db) {
    let app = TestApp::spawn(db).await;
    let document = app.get("/api/openapi.json", None).await;
    assert_eq!(document.status, 200);
    assert_eq!(document.body["openapi"], "3.1.0");
    assert!(document.body["paths"]["/api/admin/sessions"]["post"].is_object());
    app.finish().await;
}
on_both!(the_app_api_serves_its_openapi_document);

/// What the framework refuses before a handler runs is an OperationOutcome in the caller's
/// language too, with its status and headers kept.
async fn framework_refusals_are_operation_outcomes(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let wrong_method = app
        .send(
            app.client
                .delete(format!("{}/fhir/metadata?lang=en", app.base)),
            Some(&admin),
        )
        .await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.body["resourceType"], "OperationOutcome");
    assert_eq!(wrong_method.body["issue"][0]["code"], "not-supported");
    assert!(wrong_method.header("allow").is_some(), "Allow is kept");
    assert!(
        wrong_method.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("method")
    );
    let unparsed = app
        .get("/api/departments/any/calls?_count=many", None)
        .await;
    assert_eq!(unparsed.status, 400);
    assert_eq!(unparsed.body["resourceType"], "OperationOutcome");
    assert!(
        unparsed.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("请求无法解析"),
        "Chinese by default: {}",
        unparsed.body
    );
    let huge = "x".repeat(2 * 1024 * 1024);
    let too_large = app
        .post_raw(
            "/fhir/Patient",
            Some(&admin),
            "application/fhir+json",
            &huge,
        )
        .await;
    assert_eq!(too_large.status, 413);
    assert_eq!(too_large.body["resourceType"], "OperationOutcome");
    app.finish().await;
}
on_both!(framework_refusals_are_operation_outcomes);

/// Swagger UI at `/api/docs/` reads the served OpenAPI document, from this origin only.
async fn the_api_viewer_reads_the_openapi_document(db: Db) {
    let app = TestApp::spawn(db).await;
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/api/docs", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 308);
    assert_eq!(redirect.headers()["location"], "/api/docs/");
    let page = app
        .client
        .get(format!("{}/api/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "every file of the viewer comes from this origin"
    );
    let init = app.get("/api/docs/swagger-initializer.js", None).await;
    assert_eq!(init.status, 200);
    assert!(init.body.as_str().unwrap().contains("/api/openapi.json"));
    let missing = app.get("/api/docs/no-such-file.js", None).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["resourceType"], "OperationOutcome");
    let document = app.get("/api/openapi.json", None).await;
    let ids = document.body["paths"]["/api/admin/rosters"]["get"]["operationId"].clone();
    assert_eq!(ids, "getAdminRosters");
    app.finish().await;
}
on_both!(the_api_viewer_reads_the_openapi_document);
