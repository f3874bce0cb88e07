//! Fees paid at the desk: once only, confirming a hold, refunded when the booking is cancelled.

use serde_json::{Value, json};

use crate::booking_rules::{department, session_in};
use crate::helpers::*;
use crate::on_both;

async fn hold(app: &TestApp, token: &str, slot: &str, patient: &str) -> String {
    let held = app
        .post_json(
            "/fhir/Appointment/$hold",
            Some(token),
            &parameters(&[
                ("slot", format!("Slot/{slot}")),
                ("patient", format!("Patient/{patient}")),
            ]),
        )
        .await;
    assert_eq!(held.status, 201, "{}", held.body);
    held.body["id"].as_str().unwrap().to_owned()
}

async fn pay(app: &TestApp, token: &str, appointment: &str, method: &str) -> Resp {
    app.post_raw(
        &format!("/api/appointments/{appointment}/payment"),
        Some(token),
        "application/json",
        &json!({"method": method}).to_string(),
    )
    .await
}

/// A hold paid at the desk is booked; paying twice records one payment; the patient's
/// cancellation refunds it; a refunded appointment cannot be paid again.
async fn a_desk_payment_is_applied_once_and_refunded_on_cancel(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let (_, role) = department(&app, &admin, "眼科", 12.5).await;
    let (slots, _) = session_in(&app, &admin, &role, "morning").await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let (bob, _) = app.patient("13911110002", "李四", ID_3).await;
    let appointment = hold(&app, &alice, &slots[0], &alice_id).await;
    let path = format!("/api/appointments/{appointment}/payment");
    assert_eq!(app.get(&path, Some(&alice)).await.body["status"], "unpaid");

    assert_eq!(
        pay(&app, &alice, &appointment, "cash").await.status,
        403,
        "patients pay online, not here"
    );
    let bad = pay(&app, &registrar, &appointment, "bitcoin").await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.expression(), Some("method"));

    let paid = pay(&app, &registrar, &appointment, "wechat-pay").await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    assert_eq!(paid.body["amount"]["value"], 12.5);
    assert_eq!(paid.body["status"], "paid");
    assert_eq!(paid.body["method_display"]["zh"], "微信支付");
    let again = pay(&app, &registrar, &appointment, "cash").await;
    assert_eq!(again.status, 200, "a second payment answers with the first");
    assert_eq!(again.body["id"], paid.body["id"]);
    assert_eq!(again.body["method"], "wechat-pay");
    let booked = app
        .get(&format!("/fhir/Appointment/{appointment}"), Some(&alice))
        .await;
    assert_eq!(booked.body["status"], "booked", "paying confirms the hold");

    assert_eq!(
        app.get(&path, Some(&bob)).await.status,
        404,
        "another patient cannot see it"
    );
    assert_eq!(app.get(&path, Some(&alice)).await.body["status"], "paid");

    let cancelled = app
        .set_status(&alice, &appointment, "cancelled", "en")
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let refunded = app.get(&path, Some(&registrar)).await;
    assert_eq!(refunded.body["status"], "refunded");
    assert_eq!(refunded.body["refund_reason"], "cancelled");
    assert!(refunded.body["refunded_at"].is_string());
    let after = pay(&app, &registrar, &appointment, "cash").await;
    assert_eq!(after.status, 409, "{}", after.body);
    assert_eq!(
        after.body["issue"][0]["details"]["coding"][0]["code"],
        "not-payable"
    );
    app.finish().await;
}
on_both!(a_desk_payment_is_applied_once_and_refunded_on_cancel);

/// Ten desk clerks paying the same booking at once record exactly one payment.
async fn concurrent_payments_of_one_booking_record_one(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let (_, role) = department(&app, &admin, "口腔科", 20.0).await;
    let (slots, _) = session_in(&app, &admin, &role, "morning").await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let appointment = hold(&app, &alice, &slots[0], &alice_id).await;
    let url = format!("{}/api/appointments/{appointment}/payment", app.base);
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (client, url, token) = (app.client.clone(), url.clone(), registrar.clone());
            tokio::spawn(async move {
                let response = client
                    .post(url)
                    .bearer_auth(token)
                    .header("content-type", "application/json")
                    .body(r#"{"method": "cash"}"#)
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap();
                (status, body["id"].as_str().unwrap_or_default().to_owned())
            })
        })
        .collect();
    let mut statuses = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        let (status, id) = task.await.unwrap();
        statuses.push(status);
        ids.insert(id);
    }
    statuses.sort();
    assert_eq!(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    assert_eq!(ids.len(), 1, "{ids:?}");
    app.finish().await;
}
on_both!(concurrent_payments_of_one_booking_record_one);

/// Stop-clinic refunds what it cancels; free clinics have nothing to pay.
async fn stop_clinic_refunds_and_free_clinics_take_no_payment(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let (_, role) = department(&app, &admin, "皮肤科", 8.0).await;
    let (slots, _) = session_in(&app, &admin, &role, "morning").await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let appointment = hold(&app, &alice, &slots[0], &alice_id).await;
    assert_eq!(
        pay(&app, &registrar, &appointment, "cash").await.status,
        201
    );
    let schedule = app
        .get(&format!("/fhir/Slot/{}", slots[0]), None)
        .await
        .body["schedule"]["reference"]
        .as_str()
        .unwrap()
        .trim_start_matches("Schedule/")
        .to_owned();
    let suspended = app
        .post_raw(
            &format!("/api/admin/sessions/{schedule}/suspend"),
            Some(&admin),
            "application/json",
            "",
        )
        .await;
    assert_eq!(suspended.status, 200, "{}", suspended.body);
    let payment = app
        .get(
            &format!("/api/appointments/{appointment}/payment"),
            Some(&alice),
        )
        .await;
    assert_eq!(payment.body["status"], "refunded");
    assert_eq!(payment.body["refund_reason"], "session-suspended");

    let (_, free_role) = department(&app, &admin, "全科", 0.0).await;
    let (free_slots, _) = session_in(&app, &admin, &free_role, "morning").await;
    let free = hold(&app, &alice, &free_slots[0], &alice_id).await;
    let refused = pay(&app, &registrar, &free, "cash").await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.body["issue"][0]["details"]["coding"][0]["code"],
        "no-fee"
    );
    app.finish().await;
}
on_both!(stop_clinic_refunds_and_free_clinics_take_no_payment);

/// `GET /fhir/Appointment` lists a patient's own appointments; another patient's are not
/// reachable, and staff must name the patient.
async fn patients_list_their_own_appointments_only(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let (_, role) = department(&app, &admin, "眼科", 0.0).await;
    let (slots, _) = session_in(&app, &admin, &role, "morning").await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let (bob, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    let mine = hold(&app, &alice, &slots[0], &alice_id).await;
    hold(&app, &bob, &slots[1], &bob_id).await;

    let listed = app.get("/fhir/Appointment", Some(&alice)).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body["total"], 1);
    assert_eq!(listed.body["entry"][0]["resource"]["id"], mine.as_str());
    assert_schema_valid(&listed.body);
    let foreign = app
        .get(
            &format!("/fhir/Appointment?patient=Patient/{bob_id}"),
            Some(&alice),
        )
        .await;
    assert_eq!(
        foreign.body["total"], 0,
        "another patient's list is empty, not forbidden"
    );
    let by_staff = app
        .get(
            &format!("/fhir/Appointment?patient=Patient/{bob_id}"),
            Some(&registrar),
        )
        .await;
    assert_eq!(by_staff.body["total"], 1);
    // Staff search every patient's appointments.
    assert_eq!(
        app.get("/fhir/Appointment", Some(&registrar)).await.body["total"],
        2
    );
    assert_eq!(
        app.get("/fhir/Appointment?name=x", Some(&alice))
            .await
            .status,
        400
    );
    assert_eq!(app.get("/fhir/Appointment", None).await.status, 401);
    app.finish().await;
}
on_both!(patients_list_their_own_appointments_only);
