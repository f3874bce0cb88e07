use serde_json::json;

use crate::helpers::*;
use crate::on_both;

fn department() -> serde_json::Value {
    json!({
        "resourceType": "Organization",
        "active": true,
        "identifier": [{"system": "urn:huimin:cs:department-code", "value": "03.04"}],
        "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "dept"}]}],
        "name": "心血管内科",
    })
}

async fn administrators_maintain_the_directory_and_anyone_reads_it(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    assert_eq!(
        app.post_json("/fhir/Organization", None, &department())
            .await
            .status,
        401
    );
    assert_eq!(
        app.post_json("/fhir/Organization", Some(&registrar), &department())
            .await
            .status,
        403
    );
    let created = app
        .post_json("/fhir/Organization", Some(&admin), &department())
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_schema_valid(&created.body);
    let dept_id = created.body["id"].as_str().unwrap().to_owned();
    let practitioner = json!({
        "resourceType": "Practitioner",
        "identifier": [{"system": "urn:huimin:sid:physician-licence", "value": "110110000012345"}],
        "name": [{"text": "李振邦", "family": "李", "given": ["振邦"]}],
        "gender": "male",
    });
    let doctor = app
        .post_json("/fhir/Practitioner", Some(&admin), &practitioner)
        .await;
    assert_eq!(doctor.status, 201, "{}", doctor.body);
    let doctor_id = doctor.body["id"].as_str().unwrap().to_owned();
    let role = json!({
        "resourceType": "PractitionerRole",
        "active": true,
        "extension": [
            {"url": "urn:huimin:ext:registration-class", "valueCode": "expert"},
            {"url": "urn:huimin:ext:registration-fee", "valueMoney": {"value": 50.0, "currency": "CNY"}},
        ],
        "practitioner": {"reference": format!("Practitioner/{doctor_id}")},
        "organization": {"reference": format!("Organization/{dept_id}")},
        "code": [{"coding": [{"system": "urn:huimin:cs:practitioner-title", "code": "chief-physician", "display": "主任医师"}]}],
        "specialty": [{"coding": [{"system": "urn:huimin:cs:department-code", "code": "03.04"}]}],
    });
    let created_role = app
        .post_json("/fhir/PractitionerRole", Some(&admin), &role)
        .await;
    assert_eq!(created_role.status, 201, "{}", created_role.body);
    assert_schema_valid(&created_role.body);
    let found = app
        .get(
            &format!("/fhir/PractitionerRole?organization={dept_id}&role=chief-physician"),
            None,
        )
        .await;
    assert_eq!(found.body["total"], 1);
    let by_practitioner = app
        .get(
            &format!("/fhir/PractitionerRole?practitioner=Practitioner/{doctor_id}"),
            None,
        )
        .await;
    assert_eq!(by_practitioner.body["total"], 1);
    let by_name = app.get("/fhir/Practitioner?name=李振", None).await;
    assert_eq!(by_name.body["total"], 1);
    let depts = app
        .get("/fhir/Organization?type=dept&name=心血管", None)
        .await;
    assert_eq!(depts.body["total"], 1);
    app.finish().await;
}
on_both!(administrators_maintain_the_directory_and_anyone_reads_it);

async fn directory_codes_are_checked_against_the_national_catalogue(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let mut bad = department();
    bad["identifier"][0]["value"] = json!("99.99");
    let response = app
        .post_json("/fhir/Organization", Some(&admin), &bad)
        .await;
    assert_eq!(response.status, 422);
    assert_eq!(
        response.expression(),
        Some("Organization.identifier[0].value")
    );
    let role = json!({
        "resourceType": "PractitionerRole",
        "code": [{"coding": [{"system": "urn:huimin:cs:practitioner-title", "code": "wizard"}]}],
        "extension": [{"url": "urn:huimin:ext:registration-fee", "valueMoney": {"value": -5, "currency": "CNY"}}],
    });
    let response = app
        .post_json("/fhir/PractitionerRole", Some(&admin), &role)
        .await;
    assert_eq!(response.status, 422);
    assert_eq!(
        response.body["issue"].as_array().unwrap().len(),
        2,
        "{}",
        response.body
    );
    let unnamed = json!({"resourceType": "Location", "status": "active"});
    assert_eq!(
        app.post_json("/fhir/Location", Some(&admin), &unnamed)
            .await
            .status,
        422
    );
    app.finish().await;
}
on_both!(directory_codes_are_checked_against_the_national_catalogue);

async fn the_demo_hospital_is_a_realistic_tertiary_hospital(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.demo = true).await;
    let total = |path: &str| {
        let path = path.to_owned();
        let app = &app;
        async move { app.get(&path, None).await.body["total"].as_i64().unwrap() }
    };
    assert!(total("/fhir/Organization?type=dept").await >= 20);
    assert!(total("/fhir/Practitioner").await >= 60);
    assert!(total("/fhir/PractitionerRole?role=chief-physician").await >= 5);
    assert!(total("/fhir/HealthcareService").await >= 20);
    assert!(total("/fhir/Location?type=CONSULT").await >= 40);
    let cardiology = app
        .get(
            "/fhir/HealthcareService?service-type=urn:huimin:cs:department-code|03.04",
            None,
        )
        .await;
    assert_eq!(cardiology.body["total"], 1);
    assert_schema_valid(&cardiology.body);
    // The demo rosters publish two weeks of bookable sessions.
    let bookable = app.get("/fhir/Appointment/$find?_count=1", None).await;
    assert!(
        bookable.body["total"].as_i64().unwrap() > 0,
        "demo sessions are bookable: {}",
        bookable.body
    );
    // Demo accounts for every role log in with the documented password.
    for user in [
        "admin",
        "registrar",
        "doctor",
        "nurse",
        "pharmacist",
        "13800000001",
    ] {
        let password = if user == "admin" {
            ADMIN_PASSWORD
        } else {
            huimin_demo_password()
        };
        assert_eq!(app.login(user, password).await.status, 200, "{user}");
    }
    app.finish().await;
}
on_both!(the_demo_hospital_is_a_realistic_tertiary_hospital);

fn huimin_demo_password() -> &'static str {
    "Huimin@2026!"
}
