//! Mutual recognition 结果互认 from three sides: a technician imports a blood count from another
//! hospital; the doctor (1280 px) sees it offered on the visit's order form with where, when
//! and the values, and reuses it instead of ordering; the patient (375 px) reads that it was
//! recognised and from which hospital; the administrator (375 px) sees the test avoided and its
//! value, and a window of 0 days is refused next to the field.

use serde_json::{Value, json};

use crate::harness::{ADMIN_PASSWORD, DOCTOR, Driver, Server};

const PATIENT_PASSWORD: &str = "Patient2026pass";
const RESIDENT_ID: &str = "110101199003071137";

/// A blood count issued yesterday by 市第一人民医院 (三级甲等, a city recognition mark).
fn external_cbc() -> Value {
    let yesterday = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
        .yesterday()
        .unwrap();
    let issued = format!("{yesterday}T09:30:00+08:00");
    let url = |n: u32| format!("urn:uuid:7f3a0d3e-1111-4c1e-9a55-00000000000{n}");
    json!({"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": url(1), "resource": {"resourceType": "Patient",
            "identifier": [{"system": "urn:huimin:sid:cn-resident-id", "value": RESIDENT_ID}]}},
        {"fullUrl": url(2), "resource": {"resourceType": "Organization", "name": "市第一人民医院",
            "identifier": [{"system": "urn:huimin:sid:unified-social-credit-code", "value": "124400004558588389"}],
            "extension": [{"url": "urn:huimin:ext:institution-qualification", "extension": [
                {"url": "level", "valueString": "三级甲等"},
                {"url": "recognition-scope", "valueCode": "city"}]}]}},
        {"fullUrl": url(3), "resource": {"resourceType": "DiagnosticReport", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "58410-2"}], "text": "血常规"},
            "subject": {"reference": url(1)}, "issued": issued,
            "performer": [{"reference": url(2)}], "result": [{"reference": url(4)}]}},
        {"fullUrl": url(4), "resource": {"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}], "text": "血红蛋白"},
            "subject": {"reference": url(1)},
            "valueQuantity": {"value": 135, "unit": "g/L", "system": "http://unitsofmeasure.org", "code": "g/L"}}}
    ]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recognised_result_is_reused_and_the_patient_and_the_administrator_see_it() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(30.0).await;
    let (token, patient) = server
        .register(("13911110001", PATIENT_PASSWORD), "王小明", RESIDENT_ID)
        .await;
    let found = server
        .get(
            &token,
            &format!("/fhir/Appointment/$find?department={department}&_count=10"),
        )
        .await;
    let slot = found["entry"][0]["resource"]["id"].as_str().unwrap();
    let params = json!({"resourceType": "Parameters", "parameter": [
        {"name": "slot", "valueReference": {"reference": format!("Slot/{slot}")}},
        {"name": "patient", "valueReference": {"reference": format!("Patient/{patient}")}}]});
    let booked = server
        .post(&token, "/fhir/Appointment/$book", &params)
        .await;
    let appointment = booked["id"].as_str().unwrap().to_owned();
    let doctor_token = server.token(DOCTOR.0, DOCTOR.1).await;
    let checked = server
        .http
        .patch(format!("{}/fhir/Appointment/{appointment}", server.base))
        .bearer_auth(&doctor_token)
        .header("content-type", "application/json-patch+json")
        .body(json!([{"op": "replace", "path": "/status", "value": "checked-in"}]).to_string())
        .send()
        .await
        .unwrap();
    assert!(checked.status().is_success());
    server
        .staff("tech-wang", "technician", "Technician2026pass")
        .await;
    let technician = server.token("tech-wang", "Technician2026pass").await;
    server.post(&technician, "/fhir", &external_cbc()).await;

    let base = &server.base;
    let driver = Driver::start();
    let doctor = driver.browser(1280, 900).await;
    doctor.sign_in(base, DOCTOR.0, DOCTOR.1).await;
    // Straight to the visit (the line's own journey is the records journey's).
    let found = server
        .get(
            &token,
            &format!("/fhir/Encounter?appointment={appointment}"),
        )
        .await;
    let encounter = found["entry"][0]["resource"]["id"].as_str().unwrap();
    let visit = format!("/staff/visits/{encounter}");
    doctor.go(&format!("{base}{visit}#offers")).await;
    let offered = doctor.text("#offers").await;
    for shown in ["血常规", "市第一人民医院", "三级甲等", "血红蛋白 135 g/L"] {
        assert!(offered.contains(shown), "{shown} in {offered}");
    }
    doctor.assert_fits_width().await;
    doctor.shot("recognition-offered-1280").await;
    doctor.click(".reuse-result").await;
    let decided = doctor.text("#recognitions").await;
    assert!(decided.contains("已互认"), "{decided}");
    assert!(!doctor.text("#orders").await.contains("采用此结果"));
    doctor.shot("recognition-reused-1280").await;
    doctor.close().await;

    let phone = driver.browser(375, 800).await;
    phone.sign_in(base, "13911110001", PATIENT_PASSWORD).await;
    phone.go(&format!("{base}/me/records/{encounter}")).await;
    let seen = phone.text("#recognitions").await;
    assert!(seen.contains("已互认，未重复检查"), "{seen}");
    assert!(seen.contains("市第一人民医院"), "{seen}");
    phone.assert_fits_width().await;
    phone.shot("recognition-patient-375").await;
    phone.click("#switch-lang").await;
    let seen = phone.text("#recognitions").await;
    assert!(seen.contains("Recognised: not repeated"), "{seen}");
    phone.close().await;

    let admin = driver.browser(375, 812).await;
    admin.sign_in(base, "admin", ADMIN_PASSWORD).await;
    admin.click("a[href='/admin/recognition']").await;
    assert_eq!(admin.text("#avoided-count").await, "1");
    assert!(admin.text("#avoided-value").await.contains("25.00"));
    assert!(admin.text("#avoided").await.contains("心血管内科"));
    admin.assert_fits_width().await;
    admin.shot("recognition-report-375").await;
    admin.fill("#window-LAB-GLU", "0").await;
    admin.click("#item-LAB-GLU .save-recognition").await;
    let problem = admin.text("#window-error").await;
    assert!(problem.contains("1 至 3650"), "{problem}");
    assert_eq!(
        admin.value("#window-LAB-GLU").await,
        "0",
        "what was typed stays"
    );
    admin.assert_fits_width().await;
    admin.shot("recognition-admin-refused-375").await;
    admin.fill("#window-LAB-GLU", "14").await;
    admin.click("#item-LAB-GLU .save-recognition").await;
    assert!(admin.text("#item-LAB-GLU").await.contains("已调整"));
    admin.shot("recognition-admin-375").await;
    admin.close().await;

    let desk = driver.browser(1280, 900).await;
    desk.sign_in(base, "admin", ADMIN_PASSWORD).await;
    desk.go(&format!("{base}/admin/recognition")).await;
    assert_eq!(desk.text("#avoided-count").await, "1");
    desk.assert_fits_width().await;
    desk.shot("recognition-admin-1280").await;
    desk.close().await;
}
