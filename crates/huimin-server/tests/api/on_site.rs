//! Checking in on a phone needs the code shown in the department's waiting area (the
//! default); staff check patients in without it; a hospital may switch the proof off.

use serde_json::json;

use crate::calling::clinic_starting_soon;
use crate::helpers::*;
use crate::on_both;

async fn check_in(app: &TestApp, token: &str, id: &str, code: Option<&str>) -> Resp {
    let patch = json!([{"op": "replace", "path": "/status", "value": "checked-in"}]);
    let mut request = app
        .client
        .patch(format!("{}/fhir/Appointment/{id}", app.base))
        .header("content-type", "application/json-patch+json")
        .header("accept-language", "en")
        .body(patch.to_string());
    if let Some(code) = code {
        request = request.header("x-huimin-on-site", code);
    }
    app.send(request, Some(token)).await
}

async fn a_phone_check_in_needs_the_waiting_area_code(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.booking.rules.check_in.on_site_proof = true).await;
    let admin = app.admin().await;
    let nurse = app.staff("nurse").await;
    let (dept, _, slot, _) = clinic_starting_soon(&app, &admin).await;
    let (patient, patient_id) = app.patient("13911110001", "王小明", ID_1).await;
    let (other, other_id) = app.patient("13911110002", "李四", ID_2).await;
    let mine = app.book(&patient, &patient_id, &slot).await;
    let theirs = app.book(&other, &other_id, &slot).await;

    let away = check_in(&app, &patient, &mine, None).await;
    assert_eq!(away.status, 422, "{}", away.body);
    assert_eq!(
        away.body["issue"][0]["details"]["coding"][0]["code"],
        "check-in-not-on-site"
    );
    assert!(
        away.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("QR")
    );
    let guessed = check_in(&app, &patient, &mine, Some("ABCDEF12")).await;
    assert_eq!(guessed.status, 422, "a made-up code is no proof");

    // Only staff accounts (the screen's) read the code.
    let path = format!("/api/departments/{dept}/check-in-code");
    assert_eq!(app.get(&path, Some(&patient)).await.status, 403);
    assert_eq!(app.get(&path, None).await.status, 401);
    let shown = app.get(&path, Some(&nurse)).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    let code = shown.body["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 8);
    let other_department = app
        .post_json(
            "/fhir/Organization",
            Some(&admin),
            &json!({"resourceType": "Organization", "name": "眼科"}),
        )
        .await;
    let elsewhere = app
        .get(
            &format!(
                "/api/departments/{}/check-in-code",
                other_department.body["id"].as_str().unwrap()
            ),
            Some(&nurse),
        )
        .await;
    assert_ne!(
        elsewhere.body["code"],
        code.as_str(),
        "each department has its own"
    );
    let wrong_place = check_in(&app, &patient, &mine, elsewhere.body["code"].as_str()).await;
    assert_eq!(
        wrong_place.status, 422,
        "another department's code is no proof here"
    );

    let here = check_in(&app, &patient, &mine, Some(&code.to_lowercase())).await;
    assert_eq!(here.status, 200, "{}", here.body);
    assert_eq!(here.body["status"], "checked-in");

    // The triage desk needs no code; neither does anyone once the hospital stops asking.
    let staff = check_in(&app, &nurse, &theirs, None).await;
    assert_eq!(staff.status, 200, "{}", staff.body);
    let rules = app.get("/api/admin/booking-rules", Some(&admin)).await;
    assert_eq!(rules.body["hospital"]["check_in"]["on_site_proof"], true);
    app.finish().await;
}
on_both!(a_phone_check_in_needs_the_waiting_area_code);

async fn a_hospital_may_trust_phone_check_ins(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.booking.rules.check_in.on_site_proof = true).await;
    let admin = app.admin().await;
    let (_, _, slot, _) = clinic_starting_soon(&app, &admin).await;
    let (patient, patient_id) = app.patient("13911110001", "王小明", ID_1).await;
    let parameters = parameters(&[
        ("slot", format!("Slot/{slot}")),
        ("patient", format!("Patient/{patient_id}")),
    ]);
    let booked = app
        .post_json("/fhir/Appointment/$book", Some(&patient), &parameters)
        .await;
    let id = booked.body["id"].as_str().unwrap().to_owned();
    let changed = app
        .put_json(
            "/api/admin/booking-rules",
            Some(&admin),
            &json!({"check_in": {"opens_minutes_before": 60, "on_site_proof": false}}),
            None,
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let trusted = check_in(&app, &patient, &id, None).await;
    assert_eq!(trusted.status, 200, "{}", trusted.body);
    app.finish().await;
}
on_both!(a_hospital_may_trust_phone_check_ins);
