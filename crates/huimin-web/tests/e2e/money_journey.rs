//! Money and messages on a phone: two patients booked and paid at the desk; the doctor's
//! clinic is stopped and they are moved to a cheaper doctor. One sees the notice with the
//! unread count, accepts, and sees the difference refunded on the booking; the other declines
//! and gets everything back.

use serde_json::json;

use crate::harness::{ADMIN_PASSWORD, Driver, Server};

const REGISTRAR: (&str, &str) = ("desk-li", "Registrar2026pass");

/// A doctor of `dept` at `fee` yuan with a session tomorrow morning; its (session, first slot).
async fn doctor_tomorrow(
    server: &Server,
    admin: &str,
    dept: &str,
    name: &str,
    fee: f64,
) -> (String, String) {
    let doctor = server
        .post(
            admin,
            "/fhir/Practitioner",
            &json!({"resourceType": "Practitioner", "name": [{"text": name}]}),
        )
        .await;
    let role = server
        .post(admin, "/fhir/PractitionerRole", &json!({"resourceType": "PractitionerRole", "active": true,
            "extension": [{"url": "urn:huimin:ext:registration-fee", "valueMoney": {"value": fee, "currency": "CNY"}}],
            "practitioner": {"reference": format!("Practitioner/{}", doctor["id"].as_str().unwrap()), "display": name},
            "organization": {"reference": format!("Organization/{dept}")}}))
        .await;
    let tomorrow = huimin_clock::Clock::default().today().tomorrow().unwrap();
    let created = server
        .post(admin, "/api/admin/sessions", &json!({"practitioner_role": role["id"], "date": tomorrow.to_string(),
            "period": "morning", "start": "09:00", "end": "10:00", "capacity": 4, "slot_minutes": 30}))
        .await;
    (
        created["schedule"]["id"].as_str().unwrap().to_owned(),
        created["slots"][0]["id"].as_str().unwrap().to_owned(),
    )
}

/// Registers a patient through the API: `Patient/<id>`.
async fn register(server: &Server, phone: &str, name: &str, id: &str, password: &str) -> String {
    let (_, patient) = server.register((phone, password), name, id).await;
    format!("Patient/{patient}")
}

async fn booked_and_paid(server: &Server, desk: &str, patient: &str, slot: &str) -> String {
    let booked = server
        .post(
            desk,
            "/fhir/Appointment/$book",
            &json!({"resourceType": "Parameters", "parameter": [
            {"name": "slot", "valueReference": {"reference": format!("Slot/{slot}")}},
            {"name": "patient", "valueReference": {"reference": patient}}]}),
        )
        .await;
    let id = booked["id"].as_str().unwrap().to_owned();
    server
        .post(
            desk,
            &format!("/api/appointments/{id}/payment"),
            &json!({"method": "wechat-pay"}),
        )
        .await;
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moved_patient_is_told_accepts_and_sees_the_refund_another_declines_in_full() {
    let server = Server::start().await;
    server.staff(REGISTRAR.0, "registrar", REGISTRAR.1).await;
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    let desk = server.token(REGISTRAR.0, REGISTRAR.1).await;
    let dept = server
        .post(&admin, "/fhir/Organization", &json!({"resourceType": "Organization", "name": "眼科", "alias": ["Ophthalmology"],
            "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "dept"}]}],
            "identifier": [{"system": "urn:huimin:cs:department-code", "value": "10"}]}))
        .await;
    let dept = dept["id"].as_str().unwrap().to_owned();
    let (chief, chief_slot) = doctor_tomorrow(&server, &admin, &dept, "张主任", 60.0).await;
    let (resident, _) = doctor_tomorrow(&server, &admin, &dept, "刘医生", 10.0).await;
    let alice = register(
        &server,
        "13911110001",
        "王小明",
        "110101199003071137",
        "Wang2026secure",
    )
    .await;
    let bob = register(
        &server,
        "13911110002",
        "李四",
        "34052419800101001X",
        "Li2026secure",
    )
    .await;
    let _ = booked_and_paid(&server, &desk, &alice, &chief_slot).await;
    let _ = booked_and_paid(&server, &desk, &bob, &chief_slot).await;
    server
        .post(
            &admin,
            &format!("/api/admin/sessions/{chief}/suspend"),
            &json!({"move_to": resident}),
        )
        .await;

    let driver = Driver::start();
    let base = &server.base;
    let phone = driver.browser(375, 812).await;
    phone.sign_in(base, "13911110001", "Wang2026secure").await;
    // The messages are delivered by the worker within a second or two.
    let mut badge = String::new();
    for _ in 0..40 {
        phone.go(&format!("{base}/")).await;
        badge = phone.text("#nav-messages").await;
        if badge.chars().any(|c| c.is_ascii_digit() && c != '0') {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(
        badge.chars().any(|c| c.is_ascii_digit()),
        "an unread count: {badge}"
    );
    phone.shot("80-home-unread-375").await;
    phone.click("#nav-messages").await;
    let messages = phone.text("main").await;
    assert!(messages.contains("停诊"), "{messages}");
    assert!(messages.contains("刘医生"), "{messages}");
    assert!(
        messages.contains("¥50.00"),
        "the refund of the difference: {messages}"
    );
    phone.assert_fits_width().await;
    phone.shot("81-messages-375").await;

    // The moved booking asks for an answer; accepting keeps it and shows the refund.
    phone.go(&format!("{base}/me")).await;
    phone.click("a[href^='/appointments/']").await;
    let page = phone.text("main").await;
    if !page.contains("停诊改约") {
        // The first row was the cancelled original: follow it to the new booking.
        phone.click("#moved-to a").await;
    }
    assert!(phone.text("#move-reply").await.contains("停诊改约"));
    phone.tap("#cancel-terms summary").await;
    assert!(
        phone
            .text("#cancel-terms .hint")
            .await
            .contains("可随时取消"),
        "the 12-hour cut-off does not apply to a moved patient"
    );
    phone.shot("82-move-asked-375").await;
    phone.click("#move-accept").await;
    assert!(phone.text("#move-answer").await.contains("已接受"));
    let ticket = phone.text(".ticket").await;
    assert!(
        ticket.contains("¥60.00") && ticket.contains("¥50.00"),
        "{ticket}"
    );
    assert!(ticket.contains("刘医生"), "{ticket}");
    assert!(ticket.contains("退还差额"), "the refund says why: {ticket}");
    phone.assert_fits_width().await;
    phone.shot("83-move-accepted-375").await;
    phone.close().await;

    // Bob declines: cancelled with everything back, in English this time.
    let other = driver.browser(375, 812).await;
    other.sign_in(base, "13911110002", "Li2026secure").await;
    other.go(&format!("{base}/prefs?lang=en&back=/me")).await;
    other.go(&format!("{base}/me")).await;
    other.click("a[href^='/appointments/']").await;
    if !other.text("main").await.contains("was moved") {
        other.click("#moved-to a").await;
    }
    other.click("#move-decline").await;
    let ticket = other.text(".ticket").await;
    assert!(ticket.contains("Refunded ¥60.00"), "{ticket}");
    assert!(other.text("#status").await.contains("refunded in full"));
    other.assert_fits_width().await;
    other.shot("84-move-declined-en-375").await;
    other.close().await;
}
