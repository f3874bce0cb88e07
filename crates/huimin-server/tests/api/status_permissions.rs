//! One permission table decides every appointment status change (`appointments::permissions`):
//! the pharmacist, the technician and the doctor of another session change nothing (no
//! cancellation, so no refund, of another clinic's patient); the desk, a nurse, the session's
//! doctor and the patient do what their work needs. A PUT or JSON Patch changes the status and
//! nothing else: any other element that differs is refused naming it.

use serde_json::{Value, json};

use crate::calling::clinic_starting_soon;
use crate::helpers::*;
use crate::on_both;

async fn status_of(app: &TestApp, token: &str, id: &str) -> String {
    let read = app
        .get(&format!("/fhir/Appointment/{id}"), Some(token))
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    read.body["status"].as_str().unwrap().to_owned()
}

async fn only_the_roles_whose_work_needs_it_change_an_appointments_status(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (_dept, _session, slot, doctor) = clinic_starting_soon(&app, &admin).await;
    let (_other_dept, _other_session, other_slot, other_doctor) =
        clinic_starting_soon(&app, &admin).await;
    let (patient, patient_id) = app.patient("13911120091", "王小明", ID_2).await;
    let appointment = app.book(&patient, &patient_id, &slot).await;
    let pharmacist = app.staff("pharmacist").await;
    let technician = app.staff("technician").await;
    let nurse = app.staff("nurse").await;
    let registrar = app.staff("registrar").await;

    for (who, token, to) in [
        ("pharmacist", &pharmacist, "cancelled"),
        ("pharmacist", &pharmacist, "checked-in"),
        ("technician", &technician, "cancelled"),
        ("another session's doctor", &other_doctor, "cancelled"),
        ("another session's doctor", &other_doctor, "checked-in"),
        ("another session's doctor", &other_doctor, "fulfilled"),
        ("nurse", &nurse, "cancelled"),
        ("nurse", &nurse, "fulfilled"),
        ("registrar", &registrar, "fulfilled"),
        ("patient", &patient, "fulfilled"),
    ] {
        let refused = app.set_status(token, &appointment, to, "zh").await;
        assert_eq!(refused.status, 403, "{who} → {to}: {}", refused.body);
        assert_eq!(
            refused.expression(),
            Some("Appointment.status"),
            "{}",
            refused.body
        );
    }
    assert_eq!(status_of(&app, &admin, &appointment).await, "booked");

    // The nurse at the waiting area checks the patient in; the session's doctor sees them.
    let checked = app
        .set_status(&nurse, &appointment, "checked-in", "en")
        .await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    let seen = app
        .set_status(&doctor, &appointment, "fulfilled", "en")
        .await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(status_of(&app, &admin, &appointment).await, "fulfilled");

    // The desk cancels a booking of any clinic (e.g. 停诊).
    let (other_patient, other_id) = app.patient("13911120092", "李四", ID_3).await;
    let second = app.book(&other_patient, &other_id, &other_slot).await;
    let cancelled = app.set_status(&registrar, &second, "cancelled", "en").await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    app.finish().await;
}
on_both!(only_the_roles_whose_work_needs_it_change_an_appointments_status);

async fn patch_as(app: &TestApp, token: &str, id: &str, ops: &Value) -> Resp {
    let request = app
        .client
        .patch(format!("{}/fhir/Appointment/{id}", app.base))
        .header("content-type", "application/json-patch+json")
        .body(ops.to_string());
    app.send(request, Some(token)).await
}

async fn a_put_or_patch_changes_the_status_and_nothing_else(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (_dept, _session, slot, _doctor) = clinic_starting_soon(&app, &admin).await;
    let (patient, patient_id) = app.patient("13911120093", "王小明", ID_2).await;
    let id = app.book(&patient, &patient_id, &slot).await;
    let read = app
        .get(&format!("/fhir/Appointment/{id}"), Some(&patient))
        .await;
    assert_eq!(read.status, 200, "{}", read.body);

    // A PUT that moves the booking to another slot or drops a participant is refused, naming
    // the element; nothing changes.
    let mut moved = read.body.clone();
    moved["slot"] = json!([{"reference": "Slot/another"}]);
    let refused = app
        .put_json(
            &format!("/fhir/Appointment/{id}"),
            Some(&patient),
            &moved,
            None,
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.expression(), Some("Appointment.slot"));
    let mut fewer = read.body.clone();
    fewer["participant"].as_array_mut().unwrap().pop();
    let refused = app
        .put_json(
            &format!("/fhir/Appointment/{id}"),
            Some(&patient),
            &fewer,
            None,
        )
        .await;
    assert_eq!(
        refused.expression(),
        Some("Appointment.participant"),
        "{}",
        refused.body
    );

    // JSON Patch: a failed test, an element that may not change, a bad path: 422, nothing done.
    for (ops, field) in [
        (
            json!([{"op": "test", "path": "/status", "value": "checked-in"},
                   {"op": "replace", "path": "/status", "value": "cancelled"}]),
            "Appointment.status",
        ),
        (
            json!([{"op": "add", "path": "/comment", "value": "改到下午"}]),
            "Appointment.comment",
        ),
        (
            json!([{"op": "remove", "path": "/participant/0"}]),
            "Appointment.participant",
        ),
        (
            json!([{"op": "replace", "path": "/nothing/here", "value": 1}]),
            "Appointment.nothing.here",
        ),
    ] {
        let refused = patch_as(&app, &patient, &id, &ops).await;
        assert_eq!(refused.status, 422, "{ops}: {}", refused.body);
        assert_eq!(refused.expression(), Some(field), "{}", refused.body);
    }
    let still = app
        .get(&format!("/fhir/Appointment/{id}"), Some(&patient))
        .await;
    assert_eq!(still.body["status"], "booked");

    // A test that holds, then the status (the patient checks in on the phone): done.
    let arrived = patch_as(
        &app,
        &patient,
        &id,
        &json!([{"op": "test", "path": "/status", "value": "booked"},
                {"op": "replace", "path": "/status", "value": "checked-in"}]),
    )
    .await;
    assert_eq!(arrived.status, 200, "{}", arrived.body);
    assert_eq!(arrived.body["status"], "checked-in");
    // The whole resource sent back with the next status: a PUT the desk may make.
    let mut seen = arrived.body.clone();
    seen["status"] = json!("cancelled");
    let registrar = app.staff("registrar").await;
    let put = app
        .put_json(
            &format!("/fhir/Appointment/{id}"),
            Some(&registrar),
            &seen,
            None,
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["status"], "cancelled");
    app.finish().await;
}
on_both!(a_put_or_patch_changes_the_status_and_nothing_else);
