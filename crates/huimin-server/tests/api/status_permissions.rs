//! One permission table decides every appointment status change (`appointments::permissions`):
//! the pharmacist, the technician and the doctor of another session change nothing (no
//! cancellation, so no refund, of another clinic's patient); the desk, a nurse, the session's
//! doctor and the patient do what their work needs.

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
